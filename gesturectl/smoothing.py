"""One Euro smoothing of keypoints (Casiez, Roussel, Vogel, CHI 2012).

A first-order low-pass filter whose cutoff rises with speed: slow motion is smoothed hard (no
jitter while a pose is held), fast motion passes with little lag (a stroke is not delayed).

    cutoff_hz = min_cutoff_hz + beta * |smoothed derivative|
    alpha     = 1 / (1 + 1 / (2π · cutoff_hz · dt))

Coordinates are filtered in image heights, so `beta` (in Hz per image-height-per-second) means
the same at any resolution. Joints below the score threshold are missing: their filter restarts
when they come back, and their raw position passes through untouched (never guessed).
"""

from __future__ import annotations

import math

import numpy as np

from gesturectl.types import Pose


def smoothing_alpha(cutoff_hz: float, dt: float) -> float:
    """Weight of the new sample for a first-order low-pass filter at `cutoff_hz` after `dt` s."""
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """One Euro filter over arrays of any fixed shape, element by element."""

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float = 1.0) -> None:
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0:
            raise ValueError(f"cutoffs must be > 0 Hz (got min_cutoff_hz={min_cutoff_hz}, d_cutoff_hz={d_cutoff_hz})")
        if beta < 0:
            raise ValueError(f"beta must be >= 0 (got {beta})")
        self.min_cutoff_hz, self.beta, self.d_cutoff_hz = min_cutoff_hz, beta, d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, t: float, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        if self._x is None or self._dx is None or self._t is None or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = smoothing_alpha(self.d_cutoff_hz, dt)
        self._dx = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self._dx)
        a = 1.0 / (1.0 + 1.0 / (2.0 * np.pi * cutoff * dt))
        self._x = a * x + (1.0 - a) * self._x
        self._t = t
        return self._x.copy()


class PoseSmoother:
    """Pose | None -> Pose | None: One Euro per joint coordinate, restarting after a dropout."""

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float, min_score: float,
                 max_dropout_s: float) -> None:
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
        if pose is None:
            return None  # a short gap keeps the state; a long one is noticed on the next pose
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
