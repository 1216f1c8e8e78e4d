"""Teaching a gesture: examples and negative motion in, a `TemplateModel` out (pure numpy).

    recording ─▶ segment_motion (movements between still moments) ─▶ examples
    examples ─▶ augment (reach, rotation) ─▶ leave-one-out distances ─▶ threshold
    negative motion ─▶ windows nearest the examples ─▶ counter-examples

What the model is and how it matches: see `gesturectl.gestures.templates`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gesturectl.gestures.templates import (
    MIN_RANGE_SHARE,
    SHOULDERS,
    TemplateModel,
    arm_length,
    dtw_many,
    encode,
    motion_range,
    resample,
    spread,
)


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
