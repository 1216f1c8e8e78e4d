"""Image → model input tensors (OpenCV lives here, the geometry in `roi`)."""

from __future__ import annotations

import cv2
import numpy as np

from gesturectl.pose.roi import Roi, crop_matrix


def limit_opencv_threads(threads: int) -> None:
    """Let OpenCV's own thread pool use at most `threads` threads (process-wide; `pose.threads`).

    By default OpenCV splits even a 256×256 crop across every core, and its idle workers spin before
    they sleep: on 2 cores that cost 5–20% of the pose pipeline's CPU per frame (measured, bench/bench_pose.py),
    for crops that take a fraction of a millisecond on one thread.
    """
    cv2.setNumThreads(threads)


def crop_tensor(
    image_bgr: np.ndarray,
    roi: Roi,
    out_size: int,
    value_range: tuple[float, float],
    zero_border: bool,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Cut the rotated ROI out of a BGR image into a (1, S, S, 3) float32 RGB tensor.

    Args:
        image_bgr: H×W×3 uint8.
        roi: rotated square in pixels; it may reach past the image.
        out_size: side of the square model input.
        value_range: (lo, hi) that pixel values 0..255 are mapped to.
        zero_border: pixels outside the image are black (the detector's letterbox) rather
            than copies of the nearest edge (the landmark crop).
        out: a (1, S, S, 3) float32 array to write into (a caller's reused buffer: no per-frame
            allocation); a new array when None.
    """
    m = crop_matrix(roi, out_size)
    border = cv2.BORDER_CONSTANT if zero_border else cv2.BORDER_REPLICATE
    crop = cv2.warpAffine(image_bgr, m, (out_size, out_size), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=0)
    if out is None:
        out = np.empty((1, out_size, out_size, 3), np.float32)
    lo, hi = value_range
    # uint8 BGR -> RGB in place, then one pass to scaled float32 (about 30x cheaper than astype + * + +).
    cv2.cvtColor(crop, cv2.COLOR_BGR2RGB, dst=crop)
    np.multiply(crop, np.float32((hi - lo) / 255.0), out=out[0], dtype=np.float32)
    if lo:
        out += np.float32(lo)
    return out
