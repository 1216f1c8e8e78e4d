"""The gesture grammar: what a user writes under `gestures:` in the YAML config.

All positions are in the body frame of `features.py`: origin at the shoulder midpoint, one unit
is one shoulder width ("sw"), Y points up, X points toward the person's own left. So
`above: [left_wrist, head]` means the left wrist is higher than the head, at any distance from
the camera and any resolution.

A gesture is a sequence of phases. A phase is a set of conditions that must all hold, held for
`hold_s`, optionally with a `motion` (a quantity changing by `by` within `within_s`). Phase i
counts only if it completes within `max_gap_s` of phase i-1's last completion. The gesture
fires when its last phase completes. Validation here is structural (names, ranges, shapes);
`conditions.py` turns a spec into functions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gesturectl.gestures.features import JOINT_NAMES, POINT_NAMES

Point = str  # a joint or a virtual point (head, shoulder_mid, hip_mid); checked by _check_points

_COMPARE = ("above", "below", "left_of", "right_of")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_points(names: list[str] | tuple[str, ...]) -> None:
    for n in names:
        if n not in POINT_NAMES:
            raise ValueError(f"unknown joint or point {n!r}; valid: {', '.join(POINT_NAMES)}")


class Quantity(_Strict):
    """A number read from the body frame, in shoulder widths. Exactly one field is set.

    `x`/`y`: a point's coordinate; `dx`/`dy`: first minus second point's coordinate;
    `distance`: between two points.
    """

    x: Point | None = None
    y: Point | None = None
    dx: tuple[Point, Point] | None = None
    dy: tuple[Point, Point] | None = None
    distance: tuple[Point, Point] | None = None

    @model_validator(mode="after")
    def _one(self) -> Quantity:
        set_ = [k for k in ("x", "y", "dx", "dy", "distance") if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"give exactly one of x, y, dx, dy, distance (got {set_ or 'none'})")
        value = getattr(self, set_[0])
        _check_points([value] if isinstance(value, str) else list(value))
        return self

    def points(self) -> list[str]:
        for k in ("x", "y", "dx", "dy", "distance"):
            v = getattr(self, k)
            if v is not None:
                return [v] if isinstance(v, str) else list(v)
        return []


class Condition(_Strict):
    """One predicate. Exactly one kind is set:

    - `above|below|left_of|right_of: [a, b]` — a is higher/lower/further to the person's
      left/right than b by more than `margin` (sw);
    - `distance: [a, b]` with `min` and/or `max` (sw);
    - `speed: a` with `min` and/or `max` (sw per second, in the body frame);
    - `any_of: [[cond, ...], [cond, ...]]` — at least one list holds entirely (e.g. either hand).

    A condition on a missing point is false, unless `missing_ok: true` (for "the other hand is
    not raised", which also holds when that hand is out of frame).
    """

    above: tuple[Point, Point] | None = None
    below: tuple[Point, Point] | None = None
    left_of: tuple[Point, Point] | None = None
    right_of: tuple[Point, Point] | None = None
    distance: tuple[Point, Point] | None = None
    speed: Point | None = None
    any_of: tuple[tuple[Condition, ...], ...] | None = None
    margin: float = Field(0.0, ge=-5.0, le=5.0)
    missing_ok: bool = False
    min: float | None = Field(None, ge=0.0)
    max: float | None = Field(None, gt=0.0)

    @model_validator(mode="after")
    def _one(self) -> Condition:
        kinds = self.kinds()
        if len(kinds) != 1:
            raise ValueError(
                f"give exactly one of above, below, left_of, right_of, distance, speed, any_of (got {kinds or 'none'})"
            )
        kind = kinds[0]
        if kind == "any_of":
            if not self.any_of or not all(self.any_of):
                raise ValueError("any_of needs at least one non-empty list of conditions")
            if self.min is not None or self.max is not None or self.margin:
                raise ValueError("any_of takes no margin/min/max of its own")
            return self
        _check_points(self.read_points())
        if kind in ("distance", "speed"):
            if self.min is None and self.max is None:
                raise ValueError(f"{kind} needs min and/or max")
            if self.min is not None and self.max is not None and self.min >= self.max:
                raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        elif self.min is not None or self.max is not None:
            raise ValueError(f"{kind} takes margin, not min/max")
        return self

    def kinds(self) -> list[str]:
        return [k for k in (*_COMPARE, "distance", "speed", "any_of") if getattr(self, k) is not None]

    def points(self) -> list[str]:
        """Points this condition needs to be decided (none when missing_ok; for any_of, those every branch needs)."""
        return self.read_points() if not self.missing_ok else []

    def read_points(self) -> list[str]:
        """Points read by this condition (for any_of: only those common to every branch are required)."""
        kind = self.kinds()[0]
        if self.any_of is not None:
            sets = [set(p for c in branch for p in c.points()) for branch in self.any_of]
            return sorted(set.intersection(*sets))
        v = getattr(self, kind)
        return [v] if isinstance(v, str) else list(v)


class Motion(_Strict):
    """A quantity changing by `by` shoulder widths (negative: decreasing) within `within_s` seconds."""

    change: Quantity
    by: float = Field(..., ge=-20.0, le=20.0)
    within_s: float = Field(..., gt=0.0, le=10.0)

    @model_validator(mode="after")
    def _nonzero(self) -> Motion:
        if abs(self.by) < 1e-6:
            raise ValueError("by must not be 0 (positive: increase, negative: decrease)")
        return self


class Phase(_Strict):
    """One step of a gesture: conditions held for `hold_s`, optionally with a motion.

    `fresh_s` (seconds, 0 = off): the phase counts only when its conditions begin to hold at least
    this long after the pose was last clearly left (its position conditions failing by more than
    0.5 sw), so a movement repeated back and forth (hands that meet and part again and again, as in
    clapping) never starts the gesture; only the first of a series, after a break, can.
    """

    name: str = ""
    when: tuple[Condition, ...] = ()
    hold_s: float = Field(0.0, ge=0.0, le=10.0)
    motion: Motion | None = None
    max_gap_s: float = Field(1.0, gt=0.0, le=10.0)
    fresh_s: float = Field(0.0, ge=0.0, le=10.0)

    @model_validator(mode="after")
    def _something(self) -> Phase:
        if not self.when and self.motion is None:
            raise ValueError("a phase needs conditions (when) or a motion")
        return self


class Repeat(_Strict):
    """While the last phase's motion continues, fire again every `step` sw of extra change."""

    step: float = Field(..., gt=0.0, le=20.0)
    max_per_s: float = Field(3.0, gt=0.0, le=30.0)


class GestureSpec(_Strict):
    """One gesture of the vocabulary: phases of conditions, or `template: NAME`, a movement taught with
    `gesturectl teach NAME` (matched by DTW against its examples)."""

    description: str = ""
    enabled: bool = True
    phases: tuple[Phase, ...] = ()
    template: str | None = None
    needs: tuple[Point, ...] = ()
    engage: bool = True
    cooldown_s: float = Field(1.0, ge=0.0, le=60.0)
    hysteresis: float = Field(0.1, ge=0.0, le=2.0)
    repeat: Repeat | None = None

    @model_validator(mode="after")
    def _check(self) -> GestureSpec:
        _check_points(list(self.needs))
        if (self.template is None) == (not self.phases):
            raise ValueError("give either phases or template (a gesture taught with `gesturectl teach NAME`)")
        if self.template is not None:
            if not self.template.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"template {self.template!r}: use letters, digits, - and _")
            if self.repeat is not None:
                raise ValueError("repeat needs phases (a taught template fires once per movement)")
        elif self.repeat is not None and self.phases[-1].motion is None:
            raise ValueError("repeat needs a motion in the last phase")
        return self

    def required_points(self) -> list[str]:
        """Every point this gesture reads, in first-use order (its `needs` plus its conditions')."""
        names = list(self.needs)
        if self.template is not None:
            names += ["left_wrist", "right_wrist", "left_elbow", "right_elbow"]
        for ph in self.phases:
            for c in ph.when:
                names += c.points()
            if ph.motion is not None:
                names += ph.motion.change.points()
        return list(dict.fromkeys(names))


class EngageSpec(_Strict):
    """The engage gate: gestures with `engage: true` count only while these conditions hold."""

    when: tuple[Condition, ...] = ()
    hold_s: float = Field(0.0, ge=0.0, le=10.0)


class SmoothingSpec(_Strict):
    """One Euro filter per joint coordinate (Casiez et al. 2012), in image-height units."""

    enabled: bool = True
    min_cutoff_hz: float = Field(1.5, gt=0.0, le=100.0)
    beta: float = Field(4.0, ge=0.0, le=1000.0)  # cutoff increase per (image heights per second)
    d_cutoff_hz: float = Field(1.0, gt=0.0, le=100.0)


class RecognizerSpec(_Strict):
    """The `gestures:` section."""

    min_joint_score: float = Field(0.5, ge=0.0, le=1.0)
    max_dropout_s: float = Field(0.25, ge=0.0, le=5.0)
    speed_window_s: float = Field(0.1, gt=0.0, le=1.0)
    refractory_s: float = Field(0.5, ge=0.0, le=10.0)
    conflict: Literal["priority"] = "priority"
    smoothing: SmoothingSpec = SmoothingSpec()
    engage: EngageSpec = EngageSpec()
    definitions: dict[str, GestureSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names(self) -> RecognizerSpec:
        for name in self.definitions:
            if not name.replace("_", "").isalnum():
                raise ValueError(f"gesture name {name!r}: use letters, digits and _")
        return self


__all__ = [
    "JOINT_NAMES",
    "POINT_NAMES",
    "Condition",
    "EngageSpec",
    "GestureSpec",
    "Motion",
    "Phase",
    "Quantity",
    "RecognizerSpec",
    "Repeat",
    "SmoothingSpec",
]
