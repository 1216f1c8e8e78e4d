"""Image → model input tensors (OpenCV lives here, the geometry in `roi`)."""

from __future__ import annotations

import cv2
import numpy as np

from gesturectl.pose.roi import Roi, crop_matrix


def crop_tensor(
    image_bgr: np.ndarray, roi: Roi, out_size: int, value_range: tuple[float, float], zero_border: bool
) -> np.ndarray:
    """Cut the rotated ROI out of a BGR image into a (1, S, S, 3) float32 RGB tensor.

    Args:
        image_bgr: H×W×3 uint8.
        roi: rotated square in pixels; it may reach past the image.
        out_size: side of the square model input.
        value_range: (lo, hi) that pixel values 0..255 are mapped to.
        zero_border: pixels outside the image are black (the detector's letterbox) rather
            than copies of the nearest edge (the landmark crop).
    """
    m = crop_matrix(roi, out_size)
    border = cv2.BORDER_CONSTANT if zero_border else cv2.BORDER_REPLICATE
    crop = cv2.warpAffine(image_bgr, m, (out_size, out_size), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=0)
    lo, hi = value_range
    rgb = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32)
    return (rgb * ((hi - lo) / 255.0) + lo)[None]
