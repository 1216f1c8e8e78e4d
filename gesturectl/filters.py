"""The One Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cutoff rises with speed.

Slow motion is smoothed hard (no jitter while a pose is held), fast motion passes with little lag:

    cutoff_hz = min_cutoff_hz + beta * |smoothed derivative|
    alpha     = 1 / (1 + 1 / (2π · cutoff_hz · dt))

Pure numpy; shared by the pose stage (its tracking ROI) and the gesture stage (keypoint smoothing).
"""

from __future__ import annotations

import math

import numpy as np


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
