"""One Euro smoothing of keypoints: `Pose | None -> Pose | None`, the stage between pose and recognizer.

Coordinates are filtered in image heights, so `beta` (in Hz per image-height-per-second) means
the same at any resolution. Joints below the score threshold are missing: their filter restarts
when they come back, and their raw position passes through untouched (never guessed). A frame
without a person, or a gap longer than `max_dropout_s`, restarts every filter.
"""

from __future__ import annotations

import numpy as np

from gesturectl.filters import OneEuroFilter
from gesturectl.types import Pose


class PoseSmoother:
    """Pose | None -> Pose | None: One Euro per joint coordinate, restarting after a dropout."""

    def __init__(
        self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float, min_score: float, max_dropout_s: float
    ) -> None:
        self._args = (min_cutoff_hz, beta, d_cutoff_hz)
        OneEuroFilter(*self._args)  # validate now, not on the first frame
        self._min_score = min_score
        self._max_dropout_s = max_dropout_s
        self._filters: list[OneEuroFilter] = []
        self._last_t: float | None = None
        self._layout: str | None = None

    def reset(self) -> None:
        self._filters, self._last_t, self._layout = [], None, None

    def update(self, pose: Pose | None) -> Pose | None:
        if pose is None:  # tracking lost: the next pose starts fresh, never blended with stale joints
            self.reset()
            return None
        gap = self._last_t is not None and pose.t - self._last_t > self._max_dropout_s
        if gap or pose.layout != self._layout:
            self.reset()
            self._layout = pose.layout
            self._filters = [OneEuroFilter(*self._args) for _ in range(len(pose.scores))]
        self._last_t = pose.t
        scale = float(pose.image_size[1])
        out = np.array(pose.keypoints, np.float64)
        for j, f in enumerate(self._filters):
            if pose.scores[j] < self._min_score:
                f.reset()
                continue
            out[j] = f(pose.t, out[j] / scale) * scale
        return Pose(out, pose.scores, pose.layout, pose.image_size, pose.presence, pose.t)
