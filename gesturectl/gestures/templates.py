"""Learned gestures: DTW templates on body-frame arm features with a rejection threshold (pure numpy).

    BodyFrame ─▶ wrists and elbows (sw) ─▶ windows ─▶ encode (arm lengths) ─▶ DTW to the examples
              ─▶ nearer an example than the threshold, and nearer an example than any counter-example?

A `TemplateModel` holds a few examples of one movement and variants of them, each resampled to `N`
frames, the typical duration, the window lengths to try, a threshold, and *counter-examples*: the
windows of other motion seen at teaching time that came closest to the examples.

Encoding (`arm`, format version 2): each wrist and elbow relative to its own shoulder, in units of
the person's arm length (shoulder to elbow to wrist, the 90th percentile over the examples when
teaching, over the recent frames when matching), so a long-armed person and a short-armed one, or
a camera that sees narrow shoulders, give the same numbers. Velocity along the window can be added
(`velocity_weight`, derivative DTW); on the training subjects it cost recall at equal false
triggers, so it is off by default. Version 1 models (`raw`: wrists and elbows in shoulder widths
from the shoulder midpoint) still load and match as they did.

The threshold follows the Gesture Recognition Toolkit's DTW null rejection (`mean + gamma·std` of
the examples' leave-one-out distances), but never below `floor_share` of the movement's own spread:
one person's repetitions vary much less than different people's. The examples are augmented
(reach scaled, arms rotated a little: `augment`) so that the template set covers other builds.
Instead of lowering the threshold under the nearest negative window (which let one close negative
reject most other people), the closest negative windows are kept as counter-examples: a window
matches only if it is nearer an example than any counter-example. A window that moves less than
`MIN_RANGE_SHARE` of the examples' range of motion never matches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FEATURE_POINTS = ("left_wrist", "right_wrist", "left_elbow", "right_elbow")
N = 24  # frames per resampled window
BAND = 4  # Sakoe-Chiba band (frames)
#: A window must move at least this share of the examples' median range of motion (summed over
#: the coordinates), so resting or barely moving never matches a movement.
MIN_RANGE_SHARE = 0.6
WINDOW_SCALES = (0.8, 1.0, 1.25)  # windows tried, relative to the examples' median duration
FORMAT = "gesturectl-template"
VERSION = 2
#: Where the shoulders sit in the body frame (shoulder widths from their midpoint; X to the left).
SHOULDERS = np.array([[0.5, 0.0], [-0.5, 0.0], [0.5, 0.0], [-0.5, 0.0]])
DEFAULT_ARM_LENGTH = 1.5  # sw: an adult's shoulder-to-wrist length is about 1.5 shoulder widths


def features(points: Mapping[str, tuple[float, float]]) -> np.ndarray | None:
    """The 8 coordinates of wrists and elbows, or None when one is missing."""
    if not all(p in points for p in FEATURE_POINTS):
        return None
    return np.array([c for p in FEATURE_POINTS for c in points[p]], np.float64)


def arm_lengths(feats: np.ndarray) -> np.ndarray:
    """Per frame: the longer arm's shoulder-elbow-wrist length (sw) of F×8 features."""
    p = feats.reshape(len(feats), 4, 2)
    upper = np.linalg.norm(p[:, 2:] - SHOULDERS[2:], axis=2)
    fore = np.linalg.norm(p[:, :2] - p[:, 2:], axis=2)
    return (upper + fore).max(axis=1)


def arm_length(feats: np.ndarray) -> float:
    """A person's arm length (sw) from a stretch of their frames: the 90th percentile, else the default."""
    if len(feats) < 5:
        return DEFAULT_ARM_LENGTH
    return float(np.percentile(arm_lengths(feats), 90))


def encode(window: np.ndarray, encoding: str, arm: float, velocity_weight: float) -> np.ndarray:
    """A resampled N×8 window of raw features as the model compares it (see the module doc)."""
    if encoding == "raw":
        return window
    pos = (window - SHOULDERS.reshape(1, 8)) / max(arm, 0.3)
    if velocity_weight <= 0:
        return pos
    vel = np.diff(pos, axis=0, prepend=pos[:1]) * (len(pos) - 1) / 4.0
    vel[0] = vel[1]
    return np.concatenate([pos, velocity_weight * vel], axis=1)


def resample(times: Sequence[float] | np.ndarray, feats: np.ndarray, n: int = N) -> np.ndarray:
    """An n×8 sequence: the features linearly interpolated at n evenly spaced times."""
    t = np.asarray(times, np.float64)
    grid = np.linspace(t[0], t[-1], n)
    return np.stack([np.interp(grid, t, feats[:, k]) for k in range(feats.shape[1])], axis=1)


def dtw_cross(windows: np.ndarray, templates: np.ndarray, band: int = BAND) -> np.ndarray:
    """S×B DTW costs, per frame, of each of S n×d windows to each of B m×d templates.

    Each row of the recurrence is solved at once: with c the row's costs and C their running sum,
    D[i, j] = c[j] + min(D[i-1, j-1], D[i-1, j], D[i, j-1]) is C[j] + min over k ≤ j of
    (c[k] + min(D[i-1, k-1], D[i-1, k]) - C[k]); and all S×B pairs are solved together."""
    s, n, _ = windows.shape
    b, m, _ = templates.shape
    sq = (windows**2).sum(axis=2)[:, None, :, None] + (templates**2).sum(axis=2)[None, :, None, :]
    cross = np.einsum("snd,bmd->sbnm", windows, templates)  # a C loop: no BLAS threads per frame
    cost = np.sqrt(np.maximum(sq - 2.0 * cross, 0.0)).reshape(s * b, n, m)
    prev = np.full((s * b, m + 1), np.inf)
    prev[:, 0] = 0.0
    for i in range(1, n + 1):
        lo, hi = max(1, i - band), min(m, i + band)
        row = np.full_like(prev, np.inf)
        if lo <= hi:
            c = cost[:, i - 1, lo - 1 : hi]
            step = c + np.minimum(prev[:, lo - 1 : hi], prev[:, lo : hi + 1])
            run = np.cumsum(c, axis=1)
            row[:, lo : hi + 1] = run + np.minimum.accumulate(step - run, axis=1)
        prev = row
    return (prev[:, m] / n).reshape(s, b)


def dtw_many(a: np.ndarray, bs: np.ndarray, band: int = BAND) -> np.ndarray:
    """DTW cost of an n×d sequence to each of B m×d sequences (B×m×d), per frame of `a`."""
    return dtw_cross(a[None], bs, band)[0]


def dtw(a: np.ndarray, b: np.ndarray, band: int = BAND) -> float:
    """Cost (per frame of `a`) of the best warping path between two sequences."""
    return float(dtw_many(a, b[None], band)[0])


def motion_range(window: np.ndarray) -> float:
    """How far the points travel in a window: the range of each position coordinate, summed."""
    pos = window[:, :8]
    return float((pos.max(axis=0) - pos.min(axis=0)).sum())


def spread(window: np.ndarray) -> float:
    """How big a movement is: the mean distance of its frames' positions from their average."""
    pos = window[:, :8]
    return float(np.linalg.norm(pos - pos.mean(axis=0), axis=1).mean())


def endpoint_gap(a: np.ndarray, b: np.ndarray) -> float:
    """The larger of the two windows' gaps at the start and at the end: the mean distance of the
    four points there."""
    first = np.linalg.norm((a[0, :8] - b[0, :8]).reshape(4, 2), axis=1).mean()
    last = np.linalg.norm((a[-1, :8] - b[-1, :8]).reshape(4, 2), axis=1).mean()
    return float(max(first, last))


@dataclass(frozen=True)
class TemplateModel:
    """Examples of one movement (encoded) and what decides that a window is that movement."""

    name: str
    examples: tuple[np.ndarray, ...]  # each N×D, encoded
    duration_s: float
    threshold: float
    min_range: float = 0.0  # the least range of motion (encoded units) a window needs
    encoding: str = "raw"
    velocity_weight: float = 0.0
    counter: tuple[np.ndarray, ...] = ()  # encoded windows of other motion that came close
    window_scales: tuple[float, ...] = WINDOW_SCALES  # live windows tried, relative to duration_s
    endpoint_tol: float = 0.0  # > 0: the most a window's first or last pose may be from its example's
    _stack: np.ndarray = field(init=False, repr=False, compare=False)
    _counter_stack: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_stack", np.stack(self.examples))
        object.__setattr__(self, "_counter_stack", np.stack(self.counter) if self.counter else None)

    def encode(self, window: np.ndarray, arm: float = DEFAULT_ARM_LENGTH) -> np.ndarray:
        return encode(window, self.encoding, arm, self.velocity_weight)

    def distance(self, window: np.ndarray, arm: float = DEFAULT_ARM_LENGTH) -> float:
        """DTW distance from a resampled raw window to the nearest example (see `distances`)."""
        return self.distances([window], arm)[0]

    def distances(self, windows: Sequence[np.ndarray], arm: float = DEFAULT_ARM_LENGTH) -> list[float]:
        """DTW distance from each resampled raw window to the nearest example; inf when the window
        barely moves, starts or ends elsewhere than that example (if asked), or is nearer a
        counter-example than every example. `arm`: the person's arm length (sw)."""
        enc = [self.encode(w, arm) for w in windows]
        live = [i for i, w in enumerate(enc) if motion_range(w) >= self.min_range]
        out = [math.inf] * len(enc)
        if not live:
            return out
        ds = dtw_cross(np.stack([enc[i] for i in live]), self._stack)
        for k, i in enumerate(live):
            best = int(np.argmin(ds[k]))
            d = float(ds[k, best])
            if self.endpoint_tol > 0 and endpoint_gap(enc[i], self._stack[best]) > self.endpoint_tol:
                continue  # the movement starts or ends elsewhere than the example it resembles
            counter = self._counter_stack
            if counter is not None and d < self.threshold and float(dtw_many(enc[i], counter).min()) < d:
                continue  # nearer other motion seen at teaching time than any example
            out[i] = d
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "name": self.name,
                "features": list(FEATURE_POINTS),
                "encoding": self.encoding,
                "velocity_weight": self.velocity_weight,
                "duration_s": round(self.duration_s, 4),
                "threshold": round(self.threshold, 5),
                "min_range": round(self.min_range, 4),
                "examples": [np.round(e, 4).tolist() for e in self.examples],
                "counter": [np.round(e, 4).tolist() for e in self.counter],
                "window_scales": list(self.window_scales),
                "endpoint_tol": self.endpoint_tol,
            }
        )

    @staticmethod
    def from_json(text: str, where: str = "template") -> TemplateModel:
        try:
            d = json.loads(text)
            if d.get("format") != FORMAT or tuple(d["features"]) != FEATURE_POINTS:
                raise ValueError(f"expected a {FORMAT} on {', '.join(FEATURE_POINTS)}")
            version = int(d.get("version", 1))
            if version > VERSION:
                raise ValueError(f"format version {version} is newer than this gesturectl reads ({VERSION})")
            enc = str(d.get("encoding", "raw"))
            vw = float(d.get("velocity_weight", 0.0))
            dim = 8 if enc == "raw" or vw <= 0 else 16
            if enc not in ("raw", "arm"):
                raise ValueError(f"unknown encoding {enc!r}")
            ex = tuple(np.asarray(e, np.float64) for e in d["examples"])
            counter = tuple(np.asarray(e, np.float64) for e in d.get("counter", []))
            if not ex or any(e.shape != (N, dim) for e in ex + counter):
                raise ValueError(f"examples must be {N}×{dim}")
            return TemplateModel(
                str(d["name"]),
                ex,
                float(d["duration_s"]),
                float(d["threshold"]),
                float(d.get("min_range", 0.0)),
                enc,
                vw,
                counter,
                tuple(float(x) for x in d.get("window_scales", WINDOW_SCALES)),
                float(d.get("endpoint_tol", 0.0)),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{where}: not a gesturectl template ({e})") from e


def load_template(path: Path) -> TemplateModel:
    return TemplateModel.from_json(path.read_text(encoding="utf-8"), str(path))
