"""Progress is data: what the recognizer knows about each gesture on the latest frame.

The compiled checks of `conditions.py` return `None` when they hold and a `Fail` (the failing
condition, the value it read, the slack it allowed) when they do not; the sequence matcher keeps
the last `Fail` of each phase along with its hold and motion progress. Nothing here evaluates a
condition: `blocker()` only puts words and a threshold on a `Fail` the check already produced, and
it runs only when someone reads the records (preview, `explain`, `status --gestures`).

Units: "sw" shoulder widths, "sw/s" shoulder widths per second, "s" seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gesturectl.gestures.spec import Condition

Unit = Literal["sw", "sw/s", "s", ""]
BlockerKind = Literal["condition", "hold", "motion", "engage", "state"]
State = Literal["no_body", "missing", "not_engaged", "refractory", "cooldown", "rearm", "progress", "fired"]

# Speeds are noisier than positions: their slack is this many sw/s per sw of positional slack.
SPEED_SLACK_PER_SW = 2.0


#: A relation's words, and the opposite way's.
RELATION_WORDS = {
    "above": ("above", "below"),
    "below": ("below", "above"),
    "left_of": ("left of", "right of"),
    "right_of": ("right of", "left of"),
}
#: Where the point is now, in words that need no reference after them.
NOW_WORDS = {"above": "above", "below": "below", "left of": "left of it", "right of": "right of it"}


#: A condition that did not hold: (the condition, the value it read (None: a point missing), the slack,
#: and for an any_of each branch's Fail). A plain tuple, because the checks build one on every failing frame.
Fail = tuple[Condition, "float | None", float, "tuple | None"]


@dataclass(frozen=True)
class Blocker:
    """What keeps a gesture from progressing, in words, with the measured value and its threshold.

    Attributes:
        condition: the condition as the config states it (e.g. "distance(left_wrist, right_wrist) < 0.80").
        value: what was measured (None when a point was out of view, or for a state such as refractory).
        threshold: the limit the value must pass (with any hysteresis applied).
        unit: "sw", "sw/s" or "s" ("" when there is no number).
        kind: "condition" (a condition of the phase fails), "hold" (the phase has not held long
            enough), "motion" (its motion is not complete), "engage" (the engage gate is off) or
            "state" (nobody in view, a point out of view, refractory, cooldown, re-arming).
    """

    condition: str
    value: float | None
    threshold: float | None
    unit: Unit
    kind: BlockerKind = "condition"
    relation: tuple[str, str, str] | None = None  # (point, above|below|left_of|right_of, reference) of a relation

    def words(self) -> str:
        """One line for people: 'speed(left_wrist) < 0.60 (is 0.93 sw/s)'; a relation says which way the point
        is: 'left_wrist above head by > 0.20 (is 1.39 sw below)', and a negative margin as the distance it
        allows the other way: 'right_wrist at most 0.35 below head (is 2.09 sw below)'."""
        if self.value is None:
            return self.condition
        if self.relation is not None and self.threshold is not None:
            return self._relation_words(self.value, self.threshold, *self.relation)
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.condition} (is {self.value:.2f}{unit})"

    def _relation_words(self, value: float, limit: float, point: str, kind: str, reference: str) -> str:
        way, other = RELATION_WORDS[kind]
        if limit >= 0:
            need = f"{point} {way} {reference} by > {limit:.2f}"
        else:  # a negative margin allows the other way, up to its size
            need = f"{point} at most {-limit:.2f} {other} {reference}"
        now = f"{value:.2f} sw {NOW_WORDS[way]}" if value >= 0 else f"{-value:.2f} sw {NOW_WORDS[other]}"
        return f"{'engage: ' if self.kind == 'engage' else ''}{need} (is {now})"

    def shortfall(self) -> float:
        """How far the value is from passing, in its unit (inf when unknown)."""
        if self.value is None or self.threshold is None:
            return float("inf")
        return abs(self.value - self.threshold)


@dataclass(frozen=True)
class GestureProgress:
    """One gesture on one frame.

    Attributes:
        gesture: its name.
        t: the frame's time (s).
        state: "progress" (working toward it), "fired" (fired on this frame), "no_body" (no body
            frame), "missing" (a point it needs is out of view), "not_engaged" (waits for the engage
            pose), "refractory" (another gesture just fired), "cooldown", "rearm" (fired; waits until
            its pose is released).
        phase_index: phases completed in the current attempt (0..phases).
        phases: how many phases the gesture has.
        phase_name: the phase being worked on (or the last phase once complete).
        hold_s / hold_needed_s: how long the phase's conditions have held, of how long they must.
        motion / motion_needed: change so far (sw) toward the phase's motion, of how much (0 without one).
        cooldown_left_s / refractory_left_s: seconds until the gesture may fire again.
        engaged: whether the engage gate is on this frame.
        blocking: the first thing keeping it from progressing, or None.
        conditions_met / conditions: of the current phase's conditions (checked in order), how many
            held before the first that failed, and how many it has.
    """

    gesture: str
    t: float
    state: State
    phase_index: int
    phases: int
    phase_name: str
    hold_s: float
    hold_needed_s: float
    motion: float
    motion_needed: float
    cooldown_left_s: float
    refractory_left_s: float
    engaged: bool
    blocking: Blocker | None
    conditions_met: int = 0
    conditions: int = 0

    @property
    def phase_fraction(self) -> float:
        """How far into the current phase (0..1): its hold and motion, equally weighted when both."""
        parts = []
        if self.hold_needed_s > 0:
            parts.append(min(self.hold_s / self.hold_needed_s, 1.0))
        if self.motion_needed > 0:
            parts.append(min(max(self.motion / self.motion_needed, 0.0), 1.0))
        return sum(parts) / len(parts) if parts else 0.0

    @property
    def fraction(self) -> float:
        """How far toward firing (0..1): completed phases plus the current phase's fraction."""
        if self.state == "fired":
            return 1.0
        if self.phases == 0:
            return 0.0
        return min((self.phase_index + self.phase_fraction) / self.phases, 1.0)

    def to_dict(self) -> dict:
        b = self.blocking
        return {
            "gesture": self.gesture,
            "t": round(self.t, 4),
            "state": self.state,
            "phase": f"{self.phase_index}/{self.phases}",
            "phase_name": self.phase_name,
            "hold_s": round(self.hold_s, 3),
            "hold_needed_s": self.hold_needed_s,
            "motion": round(self.motion, 3),
            "motion_needed": self.motion_needed,
            "cooldown_left_s": round(self.cooldown_left_s, 3),
            "refractory_left_s": round(self.refractory_left_s, 3),
            "engaged": self.engaged,
            "fraction": round(self.fraction, 3),
            "blocking": None if b is None else {**b.__dict__, "words": b.words()},
        }


def _names(pair: tuple[str, str]) -> str:
    return f"{pair[0]}, {pair[1]}"


def blocker(fail: Fail) -> Blocker:
    """Words and threshold for a failed condition (an any_of reports its closest branch's failure)."""
    c, value, slack, branches = fail
    if branches:
        return min((blocker(b) for b in branches), key=Blocker.shortfall)
    kind = c.kinds()[0]
    if kind in ("distance", "speed"):
        what = f"speed({c.speed})" if kind == "speed" else f"distance({_names(c.distance or ('', ''))})"
        unit: Unit = "sw/s" if kind == "speed" else "sw"
        s = slack * SPEED_SLACK_PER_SW if kind == "speed" else slack
        if value is None:
            return _missing(c)
        if c.min is not None and value <= c.min - s:
            return Blocker(f"{what} > {c.min - s:.2f}", value, c.min - s, unit)
        hi = (c.max if c.max is not None else 0.0) + s
        return Blocker(f"{what} < {hi:.2f}", value, hi, unit)
    if value is None:
        return _missing(c)
    pair = getattr(c, kind)
    limit = c.margin - slack
    words = RELATION_WORDS[kind][0]
    condition = f"{pair[0]} {words} {pair[1]} by > {limit:.2f}"
    return Blocker(condition, value, limit, "sw", relation=(pair[0], kind, pair[1]))


def _missing(c: Condition) -> Blocker:
    return Blocker(f"{' or '.join(c.read_points()) or 'a point'} out of view", None, None, "", "state")


def missing_points(needed: list[str], present: object) -> Blocker:
    """The blocker for a gesture whose points are not all in view."""
    gone = [n for n in needed if n not in present]  # type: ignore[operator]
    return Blocker(f"{', '.join(gone)} out of view", None, None, "", "state")
