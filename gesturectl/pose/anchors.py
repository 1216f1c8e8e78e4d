"""SSD anchors of the BlazePose person detector (pure numpy).

The detector predicts one box and four keypoints relative to each anchor. The anchor
grid follows MediaPipe's SSD anchor scheme with the options of `pose_detection`:
5 layers with strides 8, 16, 32, 32, 32 over a 224×224 input, one aspect ratio plus one
interpolated scale per layer, fixed anchor size. Layers that share a stride share one
feature map, so the grid is 28×28×2 + 14×14×2 + 7×7×6 = 2254 anchors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AnchorSpec:
    """Options of the anchor generator; the defaults are BlazePose's detector."""

    input_size: int = 224
    strides: tuple[int, ...] = (8, 16, 32, 32, 32)
    offset: float = 0.5
    aspect_ratios: tuple[float, ...] = (1.0,)
    interpolated_scale_aspect_ratio: float = 1.0


def ssd_anchors(spec: AnchorSpec = AnchorSpec()) -> np.ndarray:
    """Anchor centres as an (N, 2) float32 array of normalized (x, y), in model output order.

    With a fixed anchor size only the centres matter (width = height = 1).
    """
    centres: list[np.ndarray] = []
    layer = 0
    n = len(spec.strides)
    while layer < n:
        per_cell = 0
        last = layer
        while last < n and spec.strides[last] == spec.strides[layer]:
            per_cell += len(spec.aspect_ratios) + (1 if spec.interpolated_scale_aspect_ratio > 0 else 0)
            last += 1
        fm = math.ceil(spec.input_size / spec.strides[layer])
        ys, xs = np.meshgrid(np.arange(fm), np.arange(fm), indexing="ij")
        grid = np.stack([(xs + spec.offset) / fm, (ys + spec.offset) / fm], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(grid, per_cell, axis=0))
        layer = last
    return np.concatenate(centres).astype(np.float32)
