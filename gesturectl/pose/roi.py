"""Regions of interest: the rotated square the landmark model looks at (pure numpy).

A `Roi` is a square in image pixels, with a centre, a side and a rotation (radians,
clockwise on screen since y points down). It is built from two alignment points, either
the detector's keypoints 0/1 or the landmark model's auxiliary landmarks 33/34: the first
is the hip centre, the second lies at a distance that encodes the body size and in a
direction that encodes the rotation. The square is centred on the hip centre, its side is
twice that distance, enlarged by 1.25, and it is turned so the body stands upright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TARGET_ANGLE_RAD = math.pi / 2  # the size point should sit straight above the hip centre
ROI_SCALE = 1.25


@dataclass(frozen=True)
class Roi:
    """A rotated square in image pixels."""

    cx: float
    cy: float
    size: float
    rotation: float = 0.0

    def __post_init__(self) -> None:
        if not (self.size > 0 and math.isfinite(self.size)):
            raise ValueError(f"Roi.size: expected a positive finite side in pixels, got {self.size}")

    def corners(self) -> np.ndarray:
        """(4, 2) corners: top-left, top-right, bottom-right, bottom-left of the upright crop."""
        h = self.size / 2
        local = np.array([[-h, -h], [h, -h], [h, h], [-h, h]])
        return local @ rotation_matrix(self.rotation).T + np.array([self.cx, self.cy])


def rotation_matrix(theta: float) -> np.ndarray:
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]])


def normalize_radians(angle: float) -> float:
    """Wrap to [-pi, pi)."""
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def roi_from_alignment(centre: tuple[float, float], size_point: tuple[float, float], scale: float = ROI_SCALE) -> Roi:
    """The ROI from a hip centre and a size/rotation point, both in pixels."""
    dx, dy = size_point[0] - centre[0], size_point[1] - centre[1]
    side = 2.0 * math.hypot(dx, dy) * scale
    rotation = normalize_radians(TARGET_ANGLE_RAD - math.atan2(-dy, dx))
    return Roi(float(centre[0]), float(centre[1]), max(side, 1e-3), rotation)


def letterbox_roi(width: int, height: int) -> tuple[Roi, tuple[float, float, float, float]]:
    """The square that holds the whole image, and the padding as fractions of that square.

    Returns:
        (roi, (left, top, right, bottom)) for a square model input.
    """
    side = float(max(width, height))
    pad_x = (1.0 - width / side) / 2
    pad_y = (1.0 - height / side) / 2
    return Roi(width / 2, height / 2, side, 0.0), (pad_x, pad_y, pad_x, pad_y)


def crop_matrix(roi: Roi, out_size: int) -> np.ndarray:
    """2×3 affine matrix taking image pixels to crop pixels (corners map to corners)."""
    tl, tr, _, bl = roi.corners()
    src = np.stack([tl, tr, bl])
    dst = np.array([[0, 0], [out_size, 0], [0, out_size]], dtype=np.float64)
    # Solve dst = A @ [src, 1]
    a = np.hstack([src, np.ones((3, 1))])
    return np.linalg.solve(a, dst).T


def project_to_image(points: np.ndarray, roi: Roi) -> np.ndarray:
    """Map (K, 2) points normalized to the crop ([0, 1]) back to image pixels."""
    local = (np.asarray(points, np.float64) - 0.5) * roi.size
    return local @ rotation_matrix(roi.rotation).T + np.array([roi.cx, roi.cy])
