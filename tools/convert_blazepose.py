"""Dev-time converter: MediaPipe BlazePose .tflite -> ONNX, checked against TFLite.

Needs (dev only, never at run time or in CI):
    pip install tensorflow-cpu tf2onnx onnx onnxruntime scikit-image

Usage:
    tools/fetch_blazepose_sources.sh build/blazepose_src
    python tools/convert_blazepose.py build/blazepose_src models/

Steps per model:
  1. pose_detection.tflite keeps 38 weight tensors sparse behind DENSIFY ops, which
     tf2onnx cannot read. We run the TFLite interpreter once with every tensor preserved
     (reference kernels, no XNNPACK delegate, whose preserved values are wrong), take the
     dense output of each DENSIFY op, write it into the sparse tensor's buffer, clear the
     sparsity, point the consumers at it and drop the DENSIFY op.
  2. tf2onnx (opset 17) converts the dense .tflite.
  3. The landmark models lose their segmentation output (gesturectl never uses the mask,
     and onnxruntime then prunes the decoder branch that only feeds it).
  4. Each ONNX model is run beside the original TFLite model on real photos and the max
     absolute difference per output is printed; the script fails above a tolerance.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np

MODELS = {
    # name: (source file, input size, input range, kept outputs or None for all)
    "pose_detection": ("pose_detection.tflite", 224, (-1.0, 1.0), None),
    "pose_landmark_lite": (
        "pose_landmark_lite.tflite",
        256,
        (0.0, 1.0),
        ["Identity", "Identity_1", "Identity_3", "Identity_4"],
    ),
    "pose_landmark_full": (
        "pose_landmark_full.tflite",
        256,
        (0.0, 1.0),
        ["Identity", "Identity_1", "Identity_3", "Identity_4"],
    ),
}
TOLERANCE = 5e-3


def densify(src: Path, dst: Path) -> int:
    """Replace DENSIFY ops by dense constants; returns how many were replaced."""
    import tensorflow as tf
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    interp = tf.lite.Interpreter(
        model_path=str(src),
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    interp.set_tensor(inp["index"], np.zeros(inp["shape"], np.float32))
    interp.invoke()

    model = flatbuffer_utils.read_model(str(src))
    graph = model.subgraphs[0]
    densify_code = schema.BuiltinOperator.DENSIFY
    kept, replaced = [], 0
    rename: dict[int, int] = {}
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) != densify_code:
            kept.append(op)
            continue
        sparse_idx, dense_idx = int(op.inputs[0]), int(op.outputs[0])
        dense = np.ascontiguousarray(interp.get_tensor(dense_idx))
        sparse = graph.tensors[sparse_idx]
        model.buffers[sparse.buffer].data = np.frombuffer(dense.tobytes(), np.uint8)
        sparse.sparsity = None
        sparse.shape = np.array(dense.shape, np.int32)
        sparse.shapeSignature = None
        rename[dense_idx] = sparse_idx
        replaced += 1
    for op in kept:
        op.inputs = np.array([rename.get(int(i), int(i)) for i in op.inputs], np.int32)
    graph.operators = kept
    flatbuffer_utils.write_model(model, str(dst))
    return replaced


def to_onnx(tflite: Path, out: Path, keep: list[str] | None) -> None:
    import onnx
    import tf2onnx

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.onnx"
        tf2onnx.convert.from_tflite(str(tflite), opset=17, output_path=str(raw))
        model = onnx.load(str(raw))
        if keep is not None:
            names = [i.name for i in model.graph.input]
            model = onnx.utils.Extractor(model).extract_model(names, keep)
        model.producer_name = "gesturectl tools/convert_blazepose.py (tf2onnx)"
        onnx.checker.check_model(model)
        onnx.save(model, str(out))


def test_inputs(size: int, lo: float, hi: float, shared: Path) -> list[tuple[str, np.ndarray]]:
    """Real photos, squashed to the model's input and range (the content is what matters)."""
    import cv2
    import skimage.data

    images = [("astronaut", skimage.data.astronaut()), ("camera", np.dstack([skimage.data.camera()] * 3))]
    for p in sorted((shared / "media" / "images").glob("*.jpg")):
        images.append((p.stem, cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB)))
    out = []
    for name, rgb in images:
        x = cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        out.append((name, (x * (hi - lo) + lo)[None]))
    return out


def compare(tflite: Path, onnx_path: Path, inputs: list[tuple[str, np.ndarray]]) -> float:
    import onnxruntime as ort
    import tensorflow as tf

    interp = tf.lite.Interpreter(model_path=str(tflite))
    interp.allocate_tensors()
    in_idx = interp.get_input_details()[0]["index"]
    outs = {d["name"]: d["index"] for d in interp.get_output_details()}
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for name, x in inputs:
        interp.set_tensor(in_idx, x)
        interp.invoke()
        got = sess.run(None, {sess.get_inputs()[0].name: x})
        diffs = []
        for meta, value in zip(sess.get_outputs(), got):
            ref = interp.get_tensor(outs[meta.name])
            d = float(np.max(np.abs(ref - value)))
            diffs.append(f"{meta.name}={d:.2e}")
            worst = max(worst, d)
        print(f"    {name:14s} max|tflite-onnx|: {' '.join(diffs)}")
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path, help="folder with the .tflite files (fetch_blazepose_sources.sh)")
    ap.add_argument("out", type=Path, help="output folder (models/)")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    worst_all = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fname, size, (lo, hi), keep) in MODELS.items():
            src = args.src / fname
            dense = src
            if name == "pose_detection":
                dense = Path(tmp) / "pose_detection_dense.tflite"
                print(f"{name}: densified {densify(src, dense)} sparse tensors")
            out = args.out / f"{name}.onnx"
            to_onnx(dense, out, keep)
            sha = hashlib.sha256(out.read_bytes()).hexdigest()
            print(f"{name}: wrote {out} ({out.stat().st_size} bytes, sha256 {sha})")
            print(f"  check against the original {fname}:")
            worst = compare(src, out, test_inputs(size, lo, hi, args.shared))
            worst_all = max(worst_all, worst)
    print(f"worst difference over all models and photos: {worst_all:.2e} (tolerance {TOLERANCE})")
    return 0 if worst_all <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
