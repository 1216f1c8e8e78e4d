"""Calibration: fit a few thresholds of the default gestures to the person practising (pure).

From that person's fired and near-miss attempts (`practice.AttemptResult`), three things are
measured and the matching thresholds moved toward them, within safety bounds that keep everyday
motion from firing (the bounds are what the benchmark on real people was measured with):

- arm span: the widest horizontal wrist span of their zooms. Someone who spreads to 2.0 shoulder
  widths gets an `apart` of 85% of that, never below `MIN_SPAN_SW` (narrower looks like clapping);
- hands together: the closest the wrists come; the `together` distance opens up to `MAX_TOGETHER_SW`;
- stillness: how fast the raised wrist drifts while holding a pose; the hold's speed limit opens
  up to `MAX_HOLD_SPEED`.

The result is a set of overrides for `gestures.definitions.<name>.phases` (phases are a list, so
the whole list is written) and the changes in words. Nothing is written here.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gesturectl.gestures.practice import AttemptResult
from gesturectl.gestures.spec import GestureSpec

MIN_ATTEMPTS = 3
MIN_SPAN_SW = 1.8
MAX_TOGETHER_SW = 1.1
MAX_HOLD_SPEED = 0.9
WRISTS = ["left_wrist", "right_wrist"]


@dataclass(frozen=True)
class Change:
    """One threshold moved: which, from what, to what, and the measurement behind it."""

    gesture: str
    what: str
    old: float
    new: float
    why: str

    def words(self) -> str:
        return f"{self.gesture}: {self.what} {self.old:.2f} -> {self.new:.2f} ({self.why})"


@dataclass(frozen=True)
class Proposal:
    """Overrides for the user's config and the changes they make (empty: nothing to change)."""

    overrides: dict[str, dict[str, Any]]  # gesture -> {"phases": [...]}
    changes: tuple[Change, ...]
    notes: tuple[str, ...]


Cond = dict[str, Any]


def _walk(conds: list[Cond], fn: Callable[[Cond], None]) -> None:
    for c in conds:
        fn(c)
        for branch in c.get("any_of") or []:
            _walk(branch, fn)


def _median(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else None


def propose(definitions: dict[str, GestureSpec], results: Sequence[AttemptResult]) -> Proposal:
    """Threshold changes for every gesture practised at least `MIN_ATTEMPTS` times (fired or near)."""
    overrides: dict[str, dict[str, Any]] = {}
    changes: list[Change] = []
    notes: list[str] = []
    for name, spec in definitions.items():
        tries = [r for r in results if r.gesture == name and (r.fired or r.near)]
        if not tries:
            continue
        if len(tries) < MIN_ATTEMPTS:
            notes.append(f"{name}: {len(tries)} real tries; calibration needs {MIN_ATTEMPTS}")
            continue
        phases = [p.model_dump(mode="json", exclude_defaults=True) for p in spec.phases]
        got = _fit(name, phases, tries)
        if got:
            GestureSpec.model_validate({**spec.model_dump(mode="json"), "phases": phases})  # still valid
            overrides[name] = {"phases": phases}
            changes += got
        else:
            notes.append(f"{name}: already fits ({len(tries)} tries)")
    return Proposal(overrides, tuple(changes), tuple(notes))


def _fit(name: str, phases: list[dict[str, Any]], tries: Sequence[AttemptResult]) -> list[Change]:
    span = _median([r.body.widest_span for r in tries])
    close = _median([r.body.closest_wrists for r in tries])
    drift = _median([r.body.hold_speed for r in tries])
    out: list[Change] = []

    def fit(c: Cond) -> None:
        if c.get("left_of") == WRISTS and c.get("margin", 0.0) >= MIN_SPAN_SW and span is not None:
            old = float(c["margin"])
            new = round(min(old, max(MIN_SPAN_SW, 0.85 * span)), 2)
            if new < old - 1e-9:
                c["margin"] = new
                out.append(Change(name, "hands apart by more than (sw)", old, new, f"your widest span {span:.2f} sw"))
        if c.get("distance") == WRISTS and c.get("max") is not None and close is not None:
            old = float(c["max"])
            new = round(max(old, min(MAX_TOGETHER_SW, close + 0.2)), 2)
            if new > old + 1e-9:
                c["max"] = new
                out.append(Change(name, "hands together within (sw)", old, new, f"your hands come to {close:.2f} sw"))
        if c.get("speed") in WRISTS and c.get("max") is not None and drift is not None:
            old = float(c["max"])
            new = round(max(old, min(MAX_HOLD_SPEED, 1.5 * drift)), 2)
            if new > old + 1e-9:
                c["max"] = new
                what = f"{c['speed']} still below (sw/s)"
                out.append(Change(name, what, old, new, f"your raised hand drifts {drift:.2f} sw/s"))

    for ph in phases:
        _walk(ph.get("when", []), fit)
    return out
