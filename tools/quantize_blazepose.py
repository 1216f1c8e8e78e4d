#!/usr/bin/env python3
"""Quantize the bundled BlazePose models to int8 with onnxruntime, calibrated on real frames (dev-time only).

    python tools/quantize_blazepose.py [--shared ../shared] [--out models] [--models lite full detector]
        [--format qdq|qoperator|dynamic] [--calibrate percentile|minmax|entropy] [--quantize-heads]
        [--round nearest|gptq] [--float-second-stage] [--float-decoder] [--all-int8]

Calibration inputs are the tensors gesturectl's own float pipeline feeds the models (`BlazePoseEstimator`
in tracking mode, so `crop_tensor` of the ROI the pipeline chose): every frame of
`media/video/arms_overhead.mp4`, the photos in `media/images` and every 4th photo of
`media/gesture_frames`. The labelled COCO photos (`media/coco`) are never used here: they are the
evaluation set of bench/bench_quantized.py.

The default recipe (`Recipe()`, what models/*_int8.onnx were made with; bench/bench_quantized.py has the
figures): static QDQ quantization, activations uint8 with ranges from the 99.999th percentile of the
calibration tensors, weights int8 per output channel; the last convolution of each output head (landmarks,
heatmap, presence, world landmarks; the detector's box and score regressors) and the spans of the landmark
models in `FLOAT_SPANS` stay float. `--round gptq` first rounds the weights onto the int8 grid with error
feedback (tools/round_weights.py): on lite it cut the weights' share of the landmark error from 0.45 to 0.10 px;
with the second stage and the decoder float too, lite int8 kept the mean OKS but not full int8's tracked
deviation, at 0.93× the float pipeline's CPU, so it is not bundled (models/MODELS.md). Needs `onnx` (in the
test extra); never a runtime dependency.

A trap when leaving convolutions float in the middle of an int8 graph: onnxruntime's `WeightBiasQuantization`
graph transformer (on at every optimisation level, in 1.32.0) quantizes, per tensor, the weights of a float
Conv that reads a DequantizeLinear output and feeds a QuantizeLinear (through its Relu6 too), at session
start. With the depthwise convolutions left float that moved the lite model's landmarks by 49 px on average.
The spans below sit where it does not apply: each either reads float (first and second stage) or feeds no
QuantizeLinear (regression branch and heatmap decoder run float to the outputs).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.pose.blazepose import BlazePoseEstimator, LandmarkModel, PersonDetector
from gesturectl.pose.models import OnnxModel, RuntimeOptions, models_dir, verified_path
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame

SHARED = Path(os.environ.get("GESTURECTL_SHARED") or ROOT.parent / "shared")
VIDEO = Path("media/video/arms_overhead.mp4")
GESTURE_FRAMES_STEP = 4
# Parts of the landmark models that stay float (bench/bench_quantized.py and models/MODELS.md have the figures):
# - the first stage (256→128 px, up to the first residual add): its depthwise convolutions read channels of very
#   different ranges through one activation scale; with it in int8 the everyone pipeline's mean OKS fell by 0.014
#   (the second stage in float too gained no accuracy and cost 6% of the speed-up);
# - the regression branch (from re_lu_40 to the presence score, 8×8 px and below, cheap in float): it makes the
#   landmarks and the "a person is in this crop" score; in int8 that score fell from 0.98 to 0.53 on a clear
#   photo, next to min_presence 0.5, and the landmarks moved 3× as far from float's.
FLOAT_SPANS = (
    ("model_1/model/zero_padding2d/Pad", "model_1/model/add/add"),
    ("model_1/model/re_lu_40/Relu6", "model_1/model/activation_poseflag/Sigmoid"),
)
# The second stage (128→64 px, from re_lu_6 up to the second residual add; the same names in lite and full):
# kept float by `--float-second-stage` (the lite recipes of models/MODELS.md).
SECOND_STAGE = (("model_1/model/re_lu_6/Relu6", "model_1/model/add_1/add"),)
# The heatmap decoder (from re_lu_32 to the last upsampling add, 8→64 px): kept float by `--float-decoder`.
DECODER = (("model_1/model/re_lu_32/Relu6", "model_1/model/add_11/add"),)
#: every how many calibration tensors the GPTQ rounding reads (half of them: the Hessians converge well before)
ROUND_STEP = 2
#: --calibrate choice -> onnxruntime's CalibrationMethod member
CALIBRATION = {"minmax": "MinMax", "percentile": "Percentile", "entropy": "Entropy"}
#: bundled model name per command-line choice
MODEL_NAMES = {"lite": "pose_landmark_lite", "full": "pose_landmark_full", "detector": "pose_detection"}


class RecordingModel(OnnxModel):
    """An `OnnxModel` that keeps a copy of every input tensor it is given."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, RuntimeOptions(threads=1))
        self.inputs: list[np.ndarray] = []

    def __call__(self, x: np.ndarray) -> dict[str, np.ndarray]:
        self.inputs.append(np.array(x, copy=True))
        return super().__call__(x)


def video_frames(path: Path) -> Iterator[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, img = cap.read()
            if not ok:
                return
            yield img
    finally:
        cap.release()


def photos(shared: Path) -> list[np.ndarray]:
    """The stills of `media/images` and a subset of `media/gesture_frames` (never `media/coco`)."""
    paths = sorted((shared / "media" / "images").glob("*.jpg"))
    paths += sorted((shared / "media" / "gesture_frames").rglob("*.jpg"))[::GESTURE_FRAMES_STEP]
    images = [cv2.imread(str(p)) for p in paths]
    return [im for im in images if im is not None]


def calibration_inputs(shared: Path, landmark: str = "full") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(landmark-model inputs, detector inputs) the float pipeline produces on the calibration media."""
    det = RecordingModel(verified_path("pose_detection"))
    lm = RecordingModel(verified_path(MODEL_NAMES[landmark]))
    settings = PoseSettings(model=landmark, precision="float32")
    est = BlazePoseEstimator(
        PersonDetector(det, settings.min_detection_score, settings.nms_iou), LandmarkModel(lm), settings
    )
    for i, img in enumerate(video_frames(shared / VIDEO)):
        est.estimate(Frame(img, i / 30.0))
    for img in photos(shared):
        est.reset()
        est.estimate(Frame(img, 0.0))
    return lm.inputs, det.inputs


class TensorReader:
    """onnxruntime's CalibrationDataReader protocol over a list of input tensors."""

    def __init__(self, input_name: str, tensors: list[np.ndarray]) -> None:
        self._feeds = iter([{input_name: t} for t in tensors])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._feeds, None)

    def __iter__(self) -> Iterator[dict[str, np.ndarray]]:
        return self._feeds


def head_convs(model_path: Path) -> list[str]:
    """Names of the convolutions that feed a graph output through shape-only ops (the output heads)."""
    import onnx

    graph = onnx.load(str(model_path)).graph
    producer = {out: n for n in graph.node for out in n.output}
    passthrough = {"Reshape", "Transpose", "Identity", "Sigmoid", "Concat", "Flatten", "Squeeze"}
    heads: list[str] = []
    todo = [o.name for o in graph.output]
    seen: set[str] = set()
    while todo:
        node = producer.get(todo.pop())
        if node is None or node.name in seen:
            continue
        seen.add(node.name)
        if node.op_type == "Conv":
            heads.append(node.name)
        elif node.op_type in passthrough:
            todo.extend(node.input)
    return heads


@dataclass(frozen=True)
class Recipe:
    """How a model is quantized.

    Attributes:
        fmt: "qdq" (QuantizeLinear/DequantizeLinear pairs around float ops; onnxruntime fuses them into
            int8 kernels), "qoperator" (QLinearConv and friends) or "dynamic" (weights only, no calibration).
        calibrate: how activation ranges are taken from the calibration tensors: "percentile" (99.999%
            of the histogram), "minmax" or "entropy".
        float_heads: leave the output heads' last convolutions in float.
        float_spans: (first, last) node pairs; every node from first to last (graph order) stays float. A
            node is named by its full name or by the part before the first ";" (tf2onnx joins fused names).
        rounding: "nearest" (onnxruntime's own) or "gptq" (tools/round_weights.py, on the convolutions that
            are quantized).
    """

    fmt: str = "qdq"
    calibrate: str = "percentile"
    float_heads: bool = True
    float_spans: tuple[tuple[str, str], ...] = FLOAT_SPANS
    rounding: str = "nearest"


def nodes_between(model_path: Path, first: str, last: str) -> list[str]:
    """Names of the graph's nodes from `first` to `last` inclusive, in graph order."""
    import onnx

    names = [n.name for n in onnx.load(str(model_path)).graph.node]

    def index(name: str) -> int:
        for i, n in enumerate(names):
            if n == name or n.split(";")[0] == name:
                return i
        raise SystemExit(f"{model_path.name} has no node named {name!r}")

    return names[index(first) : index(last) + 1]


def conv_names(model_path: Path) -> list[str]:
    import onnx

    return [n.name for n in onnx.load(str(model_path)).graph.node if n.op_type == "Conv"]


def quantize(src: Path, dst: Path, tensors: list[np.ndarray], recipe: Recipe = Recipe()) -> Path:
    """Write an int8 copy of `src` to `dst`, calibrated on `tensors` (static formats) or not (dynamic)."""
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    skip = head_convs(src) if recipe.float_heads else []
    for first, last in recipe.float_spans:
        skip += nodes_between(src, first, last)
    with tempfile.TemporaryDirectory() as tmp:
        if recipe.rounding == "gptq" and recipe.fmt != "dynamic":
            from round_weights import round_model

            convs = [n for n in conv_names(src) if n not in set(skip)]
            src = round_model(src, Path(tmp) / "rounded.onnx", convs, tensors[::ROUND_STEP])
        prepped = Path(tmp) / "prepped.onnx"
        quant_pre_process(str(src), str(prepped), skip_symbolic_shape=True)
        if recipe.fmt == "dynamic":
            quantize_dynamic(
                str(prepped), str(dst), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=skip
            )
            return dst
        quantize_static(
            str(prepped),
            str(dst),
            TensorReader(OnnxModel(src).input_name, tensors),
            quant_format=QuantFormat.QDQ if recipe.fmt == "qdq" else QuantFormat.QOperator,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            calibrate_method=getattr(CalibrationMethod, CALIBRATION[recipe.calibrate]),
            nodes_to_exclude=skip,
        )
    return dst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--out", type=Path, default=models_dir())
    ap.add_argument("--models", nargs="+", choices=sorted(MODEL_NAMES), default=["lite", "full"])
    ap.add_argument("--format", choices=["qdq", "qoperator", "dynamic"], default="qdq")
    ap.add_argument("--calibrate", choices=sorted(CALIBRATION), default="percentile")
    ap.add_argument("--quantize-heads", action="store_true", help="quantize the output heads too")
    ap.add_argument("--all-int8", action="store_true", help="quantize the float spans (FLOAT_SPANS) too")
    ap.add_argument("--float-second-stage", action="store_true", help="keep the second stage float as well")
    ap.add_argument("--float-decoder", action="store_true", help="keep the heatmap decoder float as well")
    ap.add_argument("--round", choices=["nearest", "gptq"], default="nearest", help="how weights are rounded")
    args = ap.parse_args()
    extra = (SECOND_STAGE if args.float_second_stage else ()) + (DECODER if args.float_decoder else ())
    spans = () if args.all_int8 else FLOAT_SPANS + extra
    recipe = Recipe(args.format, args.calibrate, not args.quantize_heads, spans, args.round)
    if not (args.shared / VIDEO).is_file():
        raise SystemExit(f"calibration media not found: {args.shared / VIDEO} (set GESTURECTL_SHARED)")
    args.out.mkdir(parents=True, exist_ok=True)
    for choice in args.models:
        name = MODEL_NAMES[choice]
        lm_inputs, det_inputs = calibration_inputs(args.shared, choice if choice != "detector" else "full")
        tensors = det_inputs if choice == "detector" else lm_inputs
        dst = args.out / f"{name}_int8.onnx"
        used = recipe if choice != "detector" else replace(recipe, float_spans=())  # landmark-model node names
        quantize(verified_path(name), dst, tensors, used)
        print(f"{dst}: {dst.stat().st_size} bytes, {used}, calibrated on {len(tensors)} real inputs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
