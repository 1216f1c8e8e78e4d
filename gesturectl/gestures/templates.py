"""Learned gestures: DTW templates on body-frame arm features with a rejection threshold (pure numpy).

    BodyFrame ─▶ wrists and elbows (sw) ─▶ window ─▶ encode (arm lengths, + velocity) ─▶ DTW to the examples
             ─▶ nearer an example than the threshold, and nearer an example than any counter-example?

A `TemplateModel` holds a few examples of one movement (and variants of them), each resampled to
`N` frames, the typical duration, a threshold, and *counter-examples*: the windows of other motion
seen at teaching time that came closest to the examples.

Encoding (`arm`, format version 2): each wrist and elbow relative to its own shoulder, in units of
the person's arm length (shoulder to elbow to wrist, the 90th percentile over recent frames), so a
tall person and a short one, or a camera that sees narrow shoulders, give the same numbers; plus
the velocity along the window (displacement per window, weighted by `VELOCITY_WEIGHT`), so a
template is a movement and not only the pose it ends in. Version 1 models (`raw`: the wrists and
elbows in shoulder widths from the shoulder midpoint) still load and match as they did.

The threshold follows the Gesture Recognition Toolkit's DTW null rejection (`mean + gamma·std` of
the examples' leave-one-out distances); the teacher's own repetitions vary less than different
people do, so the examples are augmented first (reach scaled, arms rotated a little: see
`augment`). Instead of lowering the threshold to pass under the nearest negative window (which made
one close negative reject most other people), the closest negative windows are kept as
counter-examples: a window matches only if it is nearer an example than any counter-example. A
window that moves less than `MIN_RANGE_SHARE` of the examples' range of motion never matches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True)
class LearnOptions:
    """How `learn` builds a model (the defaults are the ones chosen on the training subjects)."""

    encoding: str = "arm"
    velocity_weight: float = 0.0  # measured: 0.5 cost recall at equal false triggers (docs/real_people.md)
    gamma: float = 1.5
    reach_scales: tuple[float, ...] = (0.85, 1.15)
    rotations_deg: tuple[float, ...] = (-10.0, 10.0)
    counter_examples: int = 20
    window_scales: tuple[float, ...] = (0.75, 1.0, 1.33, 1.75)  # people differ in speed by up to 1.7x
    floor_share: float = 0.3  # the threshold is at least this share of the movement's spread
    endpoint_tol: float = 0.0  # > 0: a window's first and last poses must be this close to its example's
    negative_margin: float = 0.0  # > 0: also cap the threshold at this share of the nearest negative (v1's rule)


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


def windows(times: Sequence[float], feats: np.ndarray, length_s: float, step_s: float) -> Iterable[np.ndarray]:
    """Resampled windows of `length_s` every `step_s` over a recorded segment of motion."""
    t = np.asarray(times, np.float64)
    start = t[0]
    while start + length_s <= t[-1] + 1e-9:
        sel = (t >= start - 1e-9) & (t <= start + length_s + 1e-9)
        if sel.sum() >= 4:
            yield resample(t[sel], feats[sel])
        start += step_s


def augment(window: np.ndarray, opts: LearnOptions) -> list[np.ndarray]:
    """Variants of a raw N×8 example as other people might do it: the reach (each point's offset from
    its shoulder) scaled, and both arms rotated about their shoulders by a few degrees."""
    rel = window.reshape(len(window), 4, 2) - SHOULDERS
    out = []
    for s in opts.reach_scales:
        out.append((rel * s + SHOULDERS).reshape(len(window), 8))
    for deg in opts.rotations_deg:
        a = math.radians(deg)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        turned = rel.copy()
        turned[:, [0, 2]] = rel[:, [0, 2]] @ rot.T  # the left arm turns one way ...
        turned[:, [1, 3]] = rel[:, [1, 3]] @ rot  # ... and the right arm its mirror image
        out.append((turned + SHOULDERS).reshape(len(window), 8))
    return out


def learn(
    name: str,
    examples: Sequence[tuple[Sequence[float], np.ndarray]],
    negatives: Sequence[tuple[Sequence[float], np.ndarray]] = (),
    opts: LearnOptions | None = None,
) -> tuple[TemplateModel, dict[str, float]]:
    """A model from example segments (times, F×8 raw features) and negative motion; and how it was set."""
    opts = opts or LearnOptions()
    if len(examples) < 2:
        raise ValueError(f"need at least 2 examples, got {len(examples)}")
    arm = arm_length(np.concatenate([f for _, f in examples]))
    raw = [resample(t, f) for t, f in examples]
    duration = float(np.median([t[-1] - t[0] for t, _ in examples]))

    def enc(w: np.ndarray, a: float = arm) -> np.ndarray:
        return encode(w, opts.encoding, a, opts.velocity_weight)

    ex = [enc(w) for w in raw]
    variants = [[enc(v) for v in augment(w, opts)] for w in raw]
    loo = []
    for i, e in enumerate(ex):
        others = [o for j, o in enumerate(ex) if j != i] + [v for j, vs in enumerate(variants) if j != i for v in vs]
        loo.append(float(dtw_many(e, np.stack(others)).min()))
    positive = float(np.mean(loo) + opts.gamma * np.std(loo))
    positive = max(positive, opts.floor_share * float(np.median([spread(e) for e in ex])))
    templates = ex + [v for vs in variants for v in vs]
    stack = np.stack(templates)
    min_range = MIN_RANGE_SHARE * float(np.median([motion_range(e) for e in ex]))
    near: list[tuple[float, np.ndarray]] = []
    for t, f in negatives:
        neg_arm = arm_length(f)
        for w in windows(t, f, duration, max(duration / 4, 0.1)):
            we = enc(w, neg_arm)
            if motion_range(we) >= min_range:  # what barely moves is rejected anyway
                near.append((float(dtw_many(we, stack).min()), we))
    near.sort(key=lambda x: x[0])
    nearest_negative = near[0][0] if near else math.inf
    threshold = positive
    if opts.negative_margin > 0:
        threshold = min(threshold, opts.negative_margin * nearest_negative)
    counter = tuple(w for d, w in near[: opts.counter_examples] if d < threshold)
    model = TemplateModel(
        name,
        tuple(templates),
        duration,
        threshold,
        min_range,
        opts.encoding,
        opts.velocity_weight,
        counter,
        tuple(opts.window_scales),
        opts.endpoint_tol,
    )
    info = {
        "loo_max": max(loo),
        "positive": positive,
        "nearest_negative": nearest_negative,
        "threshold": threshold,
        "counter": float(len(counter)),
        "arm_length": arm,
    }
    return model, info


def with_options(model: TemplateModel, **changes) -> TemplateModel:
    """A copy of a model with some fields changed (for tests and benchmarks)."""
    return replace(model, **changes)


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
