"""Decoding of the BlazePose landmark model's output (pure numpy).

The landmark model sees a 256×256 crop of the ROI and returns 39 landmarks × 5 values
(x, y, z in crop pixels, visibility and presence logits): the 33 body landmarks, then
two auxiliary points (hip centre and size/rotation point) that place the next frame's
ROI, then four more the project does not use. A 64×64×39 heatmap refines x and y: around
each landmark a 9×9 window of sigmoid(heatmap) is averaged, if its peak is at least 0.5
(the window MediaPipe 0.10.14 uses; 7×7 in older graphs, which agrees markedly worse).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gesturectl.pose.roi import Roi, project_to_image

NUM_OUTPUT_LANDMARKS = 39
NUM_BODY_LANDMARKS = 33
AUX_CENTRE, AUX_SIZE = 33, 34


@dataclass(frozen=True)
class RawLandmarks:
    """Landmarks projected to image pixels, with the scores the model gave them.

    Attributes:
        xy: (39, 2) pixels in the source image.
        visibility: (39,) in [0, 1].
        presence: (39,) in [0, 1].
        pose_score: the model's "a person is in this crop" score in [0, 1].
        heatmap_peak: (39,) peak confidence in each landmark's refinement window (0 where
            there was none); refinement applies where it is at least 0.5.
    """

    xy: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    pose_score: float
    heatmap_peak: np.ndarray


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def refine_with_heatmap(
    xy: np.ndarray, heatmap: np.ndarray, kernel: int = 9, min_conf: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Refine normalized (K, 2) landmarks with a (H, W, K) heatmap of logits.

    A landmark whose window peak is below `min_conf`, or whose cell lies outside the map,
    is kept as it is. The refined position is the confidence-weighted mean of the cell
    indices divided by the map size (no half-cell shift, as in MediaPipe).

    Returns:
        (refined (K, 2) positions, (K,) peak confidence of each window).
    """
    hm_h, hm_w, k = heatmap.shape
    if xy.shape != (k, 2):
        raise ValueError(f"expected {k} landmarks for a heatmap of {k} channels, got {xy.shape}")
    half = (kernel - 1) // 2
    cols = np.trunc(xy[:, 0] * hm_w).astype(np.int64)  # truncation toward zero, as in C++
    rows = np.trunc(xy[:, 1] * hm_h).astype(np.int64)
    inside = (cols >= 0) & (cols < hm_w) & (rows >= 0) & (rows < hm_h)
    # Only the K windows are read (K·kernel² cells, not the whole map): cells past the map's edge count
    # as zero confidence, which equals shrinking the windows there, as MediaPipe does.
    offs = np.arange(-half, half + 1)
    r = np.clip(rows, 0, hm_h - 1)[:, None, None] + offs[None, :, None]  # (K, kernel, 1)
    c = np.clip(cols, 0, hm_w - 1)[:, None, None] + offs[None, None, :]  # (K, 1, kernel)
    on_map = (r >= 0) & (r < hm_h) & (c >= 0) & (c < hm_w)  # (K, kernel, kernel)
    cells = heatmap[np.clip(r, 0, hm_h - 1), np.clip(c, 0, hm_w - 1), np.arange(k)[:, None, None]]
    win = np.where(on_map, sigmoid(cells.astype(np.float64)), 0.0)  # (K, kernel, kernel)
    total = win.sum(axis=(1, 2))
    peaks = np.where(inside, win.max(axis=(1, 2)), 0.0).astype(np.float32)
    use = inside & (peaks >= min_conf) & (total > 0)
    safe = np.where(total > 0, total, 1.0)
    out = np.array(xy, dtype=np.float64)
    out[use, 0] = ((win * c).sum(axis=(1, 2)) / safe / hm_w)[use]
    out[use, 1] = ((win * r).sum(axis=(1, 2)) / safe / hm_h)[use]
    return out, peaks


def decode_landmarks(
    raw: np.ndarray, pose_flag: float, heatmap: np.ndarray | None, roi: Roi, input_size: int = 256
) -> RawLandmarks:
    """Turn the model's flat (195,) output into image-space landmarks.

    Args:
        raw: the landmark tensor, 39 × (x, y, z, visibility logit, presence logit).
        pose_flag: the model's person-presence score (already a probability).
        heatmap: (64, 64, 39) heatmap logits, or None to skip refinement.
        roi: the ROI the crop was taken from.
        input_size: the model's square input side in pixels.
    """
    values = np.asarray(raw, np.float32).reshape(NUM_OUTPUT_LANDMARKS, 5)
    xy = values[:, :2] / float(input_size)
    peaks = np.zeros(NUM_OUTPUT_LANDMARKS, np.float32)
    if heatmap is not None:
        xy, peaks = refine_with_heatmap(xy, heatmap)
    return RawLandmarks(
        xy=project_to_image(xy, roi).astype(np.float32),
        visibility=sigmoid(values[:, 3]).astype(np.float32),
        presence=sigmoid(values[:, 4]).astype(np.float32),
        pose_score=float(pose_flag),
        heatmap_peak=peaks,
    )
