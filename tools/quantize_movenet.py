#!/usr/bin/env python3
"""Quantize the bundled MoveNet MultiPose to int8 with onnxruntime, calibrated on real frames (dev-time only).

    python tools/quantize_movenet.py [--shared ../shared] [--out models] [--calibrate percentile|minmax|entropy]
        [--ops Conv ...] [--quantize-heads] [--float-backbone-from NODE]

Calibration inputs are the tensors gesturectl feeds MoveNet (`movenet.letterbox`: int32 [1, 256, 256, 3] RGB,
the image at the top left): every frame of `media/video/arms_overhead.mp4`, the photos in `media/images` and
every 4th photo of `media/gesture_frames` (the same media as tools/quantize_blazepose.py). The labelled COCO
photos (`media/coco`) are never used here: they are the accuracy gate of tools/compare_people.py.

The default recipe (`Recipe()`, what models/movenet_multipose_int8.onnx was made with; models/MODELS.md has
the figures): static QDQ quantization of the convolutions only (the decoding that follows the heads, the
int32 input's cast and scaling and every other op stay float), activations uint8 with ranges from the
99.999th percentile of the calibration tensors, weights int8 per output channel; the six output heads
(centre, box scale and offset, keypoint heatmap, offset and regression: two small convolutions each, at
1/4 of the input's resolution) and the backbone's first stages (`FLOAT_SPANS`) stay float. Needs `onnx` (in
the test extra); never a runtime dependency.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from quantize_blazepose import CALIBRATION, SHARED, VIDEO, photos, video_frames

from gesturectl.pose.models import models_dir, verified_path
from gesturectl.pose.movenet import letterbox

#: Calibration inputs whose activations are collected at once (memory, not the result, depends on it).
CALIBRATION_CHUNK = 16
#: Parts that stay float besides the heads (models/MODELS.md has the figures; mean OKS of MoveNet alone on the
#: labelled photos, on the 11 people float finds: float 0.743):
#: - the backbone's first stages (the stem and blocks 1-6, 128 to 32 px): 0.2 MB of weights but much of the
#:   arithmetic; with them in int8 too MoveNet alone lost 0.064 and its keypoints moved 2-3 input px;
#: - the feature pyramid (its 1×1 lateral convolutions, upsampling adds and separable convolutions, to 64 px):
#:   it adds features of four scales through one activation scale; in int8 it cost MoveNet alone 0.025.
#: What is left in int8 is blocks 7-16 and the last 1×1 convolution: 94% of the convolution weights.
FLOAT_SPANS = (
    ("model/Conv1_relu/", "block_6_project_BN"),
    ("model_1/conv2d/BiasAdd", "re_lu_2/Relu_BiasAdd"),
)
#: The output heads of the CenterNet-style model (tf2onnx keeps the Keras scope as the node name's prefix).
HEADS = ("center_0/", "box_scale_0/", "box_offset_0/", "kpt_heatmap_0/", "kpt_offset_0/", "kpt_regress_0/")


def calibration_inputs(shared: Path) -> list[np.ndarray]:
    """The MoveNet inputs gesturectl builds from the calibration media (never `media/coco`)."""
    images = list(video_frames(shared / VIDEO)) + photos(shared)
    return [letterbox(img)[0] for img in images]


class ChunkedReader:
    """onnxruntime's CalibrationDataReader over input tensors, in chunks of at most `CALIBRATION_CHUNK` (its
    `CalibStridedMinMax` option walks them with `set_range`; the stride must divide their number)."""

    def __init__(self, input_name: str, tensors: list[np.ndarray]) -> None:
        self._feeds = [{input_name: t} for t in tensors]
        self.stride = max(d for d in range(1, CALIBRATION_CHUNK + 1) if len(tensors) % d == 0)
        self._todo = iter(self._feeds)

    def __len__(self) -> int:
        return len(self._feeds)

    def set_range(self, start_index: int, end_index: int) -> None:
        self._todo = iter(self._feeds[start_index:end_index])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._todo, None)


@dataclass(frozen=True)
class Recipe:
    """How MoveNet is quantized.

    Attributes:
        calibrate: how activation ranges are taken: "percentile" (99.999% of the histogram), "minmax" or
            "entropy".
        ops: the op types quantized (onnxruntime's default list would also quantize the float decoding
            after the heads: its Mul, Concat, Gather and the like).
        float_heads: leave the six output heads (two convolutions each) in float.
        float_spans: (first, last) pairs; every node from first to last (graph order) stays float. A
            node is named by any part of its name (tf2onnx keeps TensorFlow's scopes in them).
    """

    calibrate: str = "percentile"
    ops: tuple[str, ...] = ("Conv",)
    float_heads: bool = True
    float_spans: tuple[tuple[str, str], ...] = FLOAT_SPANS


def float_nodes(model_path: Path, recipe: Recipe) -> list[str]:
    """Names of the nodes the recipe leaves in float."""
    import onnx

    names = [n.name for n in onnx.load(str(model_path)).graph.node]
    keep: list[str] = []
    if recipe.float_heads:
        keep += [n for n in names if any(h in n for h in HEADS)]

    def index(part: str) -> int:
        hits = [i for i, n in enumerate(names) if part in n]
        if not hits:
            raise SystemExit(f"{model_path.name} has no node named like {part!r}")
        return hits[0]

    for first, last in recipe.float_spans:
        keep += names[index(first) : index(last) + 1]
    return keep


def quantize(src: Path, dst: Path, tensors: list[np.ndarray], recipe: Recipe = Recipe()) -> Path:
    """Write an int8 copy of `src` to `dst`, calibrated on `tensors`."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    reader = ChunkedReader("input", tensors)
    with tempfile.TemporaryDirectory() as tmp:
        prepped = Path(tmp) / "prepped.onnx"
        quant_pre_process(str(src), str(prepped), skip_symbolic_shape=True)
        quantize_static(
            str(prepped),
            str(dst),
            reader,
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=list(recipe.ops),
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            calibrate_method=getattr(CalibrationMethod, CALIBRATION[recipe.calibrate]),
            nodes_to_exclude=float_nodes(src, recipe),
            # histograms of a few inputs at a time, merged: all activations of every input at once take > 16 GB
            extra_options={"CalibStridedMinMax": reader.stride},
        )
    return dst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--out", type=Path, default=models_dir())
    ap.add_argument("--name", default="movenet_multipose_int8.onnx", help="output file name in --out")
    ap.add_argument("--calibrate", choices=sorted(CALIBRATION), default="percentile")
    ap.add_argument("--ops", nargs="+", default=list(Recipe.ops), help="op types to quantize")
    ap.add_argument("--all-int8", action="store_true", help="quantize the float spans (FLOAT_SPANS) too")
    ap.add_argument("--quantize-heads", action="store_true", help="quantize the six output heads too")
    ap.add_argument(
        "--float-span",
        nargs=2,
        action="append",
        default=[],
        metavar=("FIRST", "LAST"),
        help="keep the nodes from FIRST to LAST (parts of node names, graph order) in float instead of "
        "FLOAT_SPANS; repeatable",
    )
    args = ap.parse_args()
    if not (args.shared / VIDEO).is_file():
        raise SystemExit(f"calibration media not found: {args.shared / VIDEO} (set GESTURECTL_SHARED)")
    spans = () if args.all_int8 else tuple(map(tuple, args.float_span)) or FLOAT_SPANS
    recipe = Recipe(args.calibrate, tuple(args.ops), not args.quantize_heads, spans)
    tensors = calibration_inputs(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    dst = quantize(verified_path("movenet_multipose"), args.out / args.name, tensors, recipe)
    print(f"{dst}: {dst.stat().st_size} bytes, {recipe}, calibrated on {len(tensors)} real inputs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
