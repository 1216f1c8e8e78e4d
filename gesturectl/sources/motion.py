"""Whether a camera frame shows anything new: the cheap look that stands in for the pose model while nobody is there.

A frame is shrunk to a 32×24 grey thumbnail (area averaging: 400 camera pixels per cell, so sensor noise
averages out) and compared with the thumbnail of the last frame the pose model saw. It has changed when
enough cells moved by more than a few grey levels: someone walking in changes dozens of cells, while
noise, compression and a flickering light change almost none. An empty room therefore costs a resize per
looked-at frame; anything that moves brings the model back on the next look.
"""

from __future__ import annotations

import cv2
import numpy as np

THUMB = (32, 24)  # (width, height) in cells
CELL_LEVELS = 10.0  # a cell has changed when its grey level moved by more than this (of 255)
CHANGED_CELLS = 6  # the frame has changed when at least this many cells have (0.8% of the view)


def thumbnail(image: np.ndarray) -> np.ndarray:
    """The frame as a 32×24 float32 grey thumbnail."""
    small = cv2.resize(image, THUMB, interpolation=cv2.INTER_AREA)
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return small.astype(np.float32)


def changed_cells(a: np.ndarray, b: np.ndarray) -> int:
    """How many cells of two thumbnails differ by more than CELL_LEVELS (a global brightness shift, such as
    auto-exposure settling, is taken out first)."""
    d = a - b
    d -= float(np.median(d))
    return int(np.count_nonzero(np.abs(d) > CELL_LEVELS))


class MotionGate:
    """`changed(image)`: True when the frame differs from the reference (the last frame `seen()` was called
    with), or when there is no reference yet."""

    def __init__(self) -> None:
        self._ref: np.ndarray | None = None
        self._last: tuple[np.ndarray, np.ndarray] | None = None  # (image, its thumbnail): not shrunk twice

    def reset(self) -> None:
        self._ref = self._last = None

    def changed(self, image: np.ndarray) -> bool:
        if self._ref is None:
            return True
        return changed_cells(self._thumb(image), self._ref) >= CHANGED_CELLS

    def seen(self, image: np.ndarray) -> None:
        """The pose model looked at this frame: later frames are compared with it."""
        self._ref = self._thumb(image)

    def _thumb(self, image: np.ndarray) -> np.ndarray:
        if self._last is None or self._last[0] is not image:
            self._last = (image, thumbnail(image))
        return self._last[1]
