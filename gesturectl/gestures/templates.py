"""Learned gestures: DTW templates on body-frame features with a rejection threshold (pure numpy).

    BodyFrame ─▶ features (wrists and elbows, sw) ─▶ sliding windows ─▶ DTW to the examples ─▶ < threshold?

A `TemplateModel` holds a few examples of one movement, each resampled to `N` frames of the
8 body-frame coordinates of the wrists and elbows (shoulder widths from the shoulder midpoint, so
distance to the camera does not matter), the typical duration, and a threshold. A window of the
live stream matches when its DTW distance (mean per-frame Euclidean cost along the best path, in
shoulder widths, within a Sakoe-Chiba band) to its nearest example is below the threshold.

The threshold is learned as in the Gesture Recognition Toolkit's DTW null rejection, then
tightened by negatives: `mean + gamma·std` of the examples' leave-one-out distances, but never
above `NEGATIVE_MARGIN` times the nearest negative window (the person's own other motion and any
other negative motion given). A window that moves less than `MIN_RANGE_SHARE` of the examples'
range of motion never matches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURE_POINTS = ("left_wrist", "right_wrist", "left_elbow", "right_elbow")
N = 24  # frames per resampled window
BAND = 4  # Sakoe-Chiba band (frames)
GAMMA = 1.5
#: A window must move at least this share of the examples' median range of motion (sw, summed over
#: the coordinates), so resting or barely moving never matches a movement.
MIN_RANGE_SHARE = 0.6
NEGATIVE_MARGIN = 0.9
WINDOW_SCALES = (0.8, 1.0, 1.25)  # windows tried, relative to the examples' median duration
FORMAT = "gesturectl-template"


def features(points: Mapping[str, tuple[float, float]]) -> np.ndarray | None:
    """The 8 coordinates of wrists and elbows, or None when one is missing."""
    if not all(p in points for p in FEATURE_POINTS):
        return None
    return np.array([c for p in FEATURE_POINTS for c in points[p]], np.float64)


def resample(times: Sequence[float] | np.ndarray, feats: np.ndarray, n: int = N) -> np.ndarray:
    """An n×8 sequence: the features linearly interpolated at n evenly spaced times."""
    t = np.asarray(times, np.float64)
    grid = np.linspace(t[0], t[-1], n)
    return np.stack([np.interp(grid, t, feats[:, k]) for k in range(feats.shape[1])], axis=1)


def dtw(a: np.ndarray, b: np.ndarray, band: int = BAND) -> float:
    """Cost (sw per frame) of the best warping path between two n×d sequences, divided by n."""
    n, m = len(a), len(b)
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)).tolist()
    inf = math.inf
    prev = [0.0] + [inf] * m
    for i in range(1, n + 1):
        row = [inf] * (m + 1)
        c = cost[i - 1]
        for j in range(max(1, i - band), min(m, i + band) + 1):
            row[j] = c[j - 1] + min(prev[j - 1], prev[j], row[j - 1])
        prev = row
    return prev[m] / n


@dataclass(frozen=True)
class TemplateModel:
    """Examples of one movement and the distance below which a window is that movement."""

    name: str
    examples: tuple[np.ndarray, ...]  # each N×8
    duration_s: float
    threshold: float
    min_range: float = 0.0  # the least range of motion (sw, summed over the coordinates) a window needs

    def distance(self, window: np.ndarray) -> float:
        """DTW distance from a resampled window to the nearest example (inf when it barely moves)."""
        if motion_range(window) < self.min_range:
            return math.inf
        return min(dtw(window, e) for e in self.examples)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": 1,
                "name": self.name,
                "features": list(FEATURE_POINTS),
                "duration_s": round(self.duration_s, 4),
                "threshold": round(self.threshold, 5),
                "min_range": round(self.min_range, 4),
                "examples": [np.round(e, 4).tolist() for e in self.examples],
            }
        )

    @staticmethod
    def from_json(text: str, where: str = "template") -> TemplateModel:
        try:
            d = json.loads(text)
            if d.get("format") != FORMAT or tuple(d["features"]) != FEATURE_POINTS:
                raise ValueError(f"expected a {FORMAT} on {', '.join(FEATURE_POINTS)}")
            ex = tuple(np.asarray(e, np.float64) for e in d["examples"])
            if not ex or any(e.shape != (N, 2 * len(FEATURE_POINTS)) for e in ex):
                raise ValueError(f"examples must be {N}×{2 * len(FEATURE_POINTS)}")
            return TemplateModel(
                str(d["name"]), ex, float(d["duration_s"]), float(d["threshold"]), float(d.get("min_range", 0.0))
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{where}: not a gesturectl template ({e})") from e


def motion_range(window: np.ndarray) -> float:
    """How far the points travel in a window: the range of each coordinate, summed (sw)."""
    return float((window.max(axis=0) - window.min(axis=0)).sum())


def load_template(path: Path) -> TemplateModel:
    return TemplateModel.from_json(path.read_text(encoding="utf-8"), str(path))


def windows(times: Sequence[float], feats: np.ndarray, length_s: float, step_s: float) -> Iterable[np.ndarray]:
    """Resampled windows of `length_s` every `step_s` over a recorded segment of motion."""
    t = np.asarray(times, np.float64)
    start = t[0]
    while start + length_s <= t[-1] + 1e-9:
        sel = (t >= start - 1e-9) & (t <= start + length_s + 1e-9)
        if sel.sum() >= 4:
            yield resample(t[sel], feats[sel])
        start += step_s


def learn(
    name: str,
    examples: Sequence[tuple[Sequence[float], np.ndarray]],
    negatives: Sequence[tuple[Sequence[float], np.ndarray]] = (),
    gamma: float = GAMMA,
) -> tuple[TemplateModel, dict[str, float]]:
    """A model from example segments (times, F×8 features) and negative motion; and how it was set."""
    if len(examples) < 2:
        raise ValueError(f"need at least 2 examples, got {len(examples)}")
    ex = [resample(t, f) for t, f in examples]
    duration = float(np.median([t[-1] - t[0] for t, _ in examples]))
    loo = [min(dtw(e, o) for j, o in enumerate(ex) if j != i) for i, e in enumerate(ex)]
    positive = float(np.mean(loo) + gamma * np.std(loo))
    min_range = MIN_RANGE_SHARE * float(np.median([motion_range(e) for e in ex]))
    nearest_negative = math.inf
    for t, f in negatives:
        for w in windows(t, f, duration, max(duration / 4, 0.1)):
            if motion_range(w) >= min_range:  # what barely moves is rejected anyway
                nearest_negative = min(nearest_negative, min(dtw(w, e) for e in ex))
    threshold = min(positive, NEGATIVE_MARGIN * nearest_negative)
    info = {"loo_max": max(loo), "positive": positive, "nearest_negative": nearest_negative, "threshold": threshold}
    return TemplateModel(name, tuple(ex), duration, threshold, min_range), info


def segment_motion(
    times: Sequence[float],
    feats: np.ndarray,
    on: float = 0.8,
    off: float = 0.3,
    min_s: float = 0.4,
    max_s: float = 4.0,
    merge_gap_s: float = 0.3,
) -> list[tuple[int, int]]:
    """Index ranges [i, j) of movements between still moments: the fastest wrist or elbow above `on`
    sw/s starts one, below `off` ends it; close ones merge; too short or too long ones are dropped."""
    t = np.asarray(times, np.float64)
    if len(t) < 3:
        return []
    pts = feats.reshape(len(t), -1, 2)
    dt = np.maximum(np.diff(t), 1e-6)
    speed = np.linalg.norm(np.diff(pts, axis=0), axis=2).max(axis=1) / dt
    speed = np.concatenate([[0.0], speed])
    speed = np.array([np.median(speed[max(0, i - 1) : i + 2]) for i in range(len(speed))])  # spikes out
    runs: list[list[int]] = []
    i = 0
    while i < len(t):
        if speed[i] > on:
            a = i
            while a > 0 and speed[a - 1] > off:
                a -= 1
            b = i
            while b < len(t) and speed[b] > off:
                b += 1
            if runs and t[a] - t[runs[-1][1] - 1] <= merge_gap_s:
                runs[-1][1] = b
            else:
                runs.append([a, b])
            i = b
        i += 1
    return [(a, b) for a, b in runs if min_s <= t[b - 1] - t[a] <= max_s]
