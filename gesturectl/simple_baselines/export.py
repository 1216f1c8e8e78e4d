"""Export a PoseResNet to ONNX with a dynamic batch, for the numpy + onnxruntime runtime.

The file records in its metadata what the runtime needs to know: input size, joint count, the
input convention (BGR, ImageNet mean/std as written) and where the weights came from; a model
exported with random weights says so, and the runtime prints that its keypoints are meaningless.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from gesturectl.simple_baselines.model import PoseResNet

INPUT_NAME, OUTPUT_NAME = "image", "heatmaps"


def export_onnx(
    model: PoseResNet, path: Path, input_hw: tuple[int, int] = (256, 192), weights: str = "random", opset: int = 17
) -> Path:
    import onnx

    model = model.eval()
    dummy = torch.zeros(1, 3, *input_hw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            model,
            (dummy,),
            str(path),
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            do_constant_folding=True,
        )
    m = onnx.load(str(path))
    meta = {
        "gesturectl.kind": "simple_baselines",
        "gesturectl.layers": str(model.layers),
        "gesturectl.num_joints": str(model.num_joints),
        "gesturectl.input_hw": f"{input_hw[0]}x{input_hw[1]}",
        "gesturectl.input": "BGR, /255, ImageNet mean/std applied to B,G,R as written (reference convention)",
        "gesturectl.weights": weights,
    }
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, str(path))
    return path
