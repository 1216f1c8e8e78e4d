"""Turn grammar specs into small pure functions of a `BodyFrame`.

A condition is `check(frame, slack) -> Fail | None`: None when it holds, else a `Fail` naming
the condition, the value it read and the slack it allowed (so the same evaluation that decides
firing also says what blocked it; see `progress.py`). `slack` (sw, or sw/s for speeds) loosens
every threshold, which is how exit hysteresis works — a phase is entered with slack 0 and stays
while the conditions hold with the gesture's hysteresis. A missing point makes a condition fail.
A quantity is `value(frame) -> float | None` (None when a point is missing).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from gesturectl.gestures.features import BodyFrame
from gesturectl.gestures.progress import SPEED_SLACK_PER_SW, Fail
from gesturectl.gestures.spec import Condition, Quantity

Check = Callable[[BodyFrame, float], "Fail | None"]
Value = Callable[[BodyFrame], "float | None"]

__all__ = ["SPEED_SLACK_PER_SW", "Check", "Fail", "Value", "compile_all", "compile_condition", "compile_quantity"]


def compile_quantity(q: Quantity) -> Value:
    """A function reading the quantity from a body frame."""
    single = q.x if q.x is not None else q.y
    if single is not None:
        name, axis = single, (0 if q.x is not None else 1)

        def coord(f: BodyFrame) -> float | None:
            p = f.points.get(name)
            return None if p is None else p[axis]

        return coord
    if q.distance is not None:
        a, b = q.distance

        def dist(f: BodyFrame) -> float | None:
            pa, pb = f.points.get(a), f.points.get(b)
            return None if pa is None or pb is None else math.hypot(pa[0] - pb[0], pa[1] - pb[1])

        return dist
    pair = q.dx if q.dx is not None else q.dy
    if pair is None:
        raise ValueError("a quantity needs one of x, y, dx, dy, distance")
    (a, b), axis = pair, (0 if q.dx is not None else 1)

    def diff(f: BodyFrame) -> float | None:
        pa, pb = f.points.get(a), f.points.get(b)
        return None if pa is None or pb is None else pa[axis] - pb[axis]

    return diff


def _within(value: float | None, lo: float | None, hi: float | None, slack: float) -> bool:
    if value is None:
        return False
    return (lo is None or value > lo - slack) and (hi is None or value < hi + slack)


def compile_condition(c: Condition) -> Check:
    """A function returning None when the condition holds in a body frame (loosened by `slack`), else a Fail."""
    check = _compile_kind(c)
    if not c.missing_ok:
        return check
    points = c.read_points()
    return lambda f, slack: None if not f.has(points) else check(f, slack)


def _compile_kind(c: Condition) -> Check:
    kind = c.kinds()[0]
    if c.any_of is not None:
        branches = [compile_all(b) for b in c.any_of]

        def any_of(f: BodyFrame, slack: float) -> Fail | None:
            fails = []
            for br in branches:
                fail = br(f, slack)
                if fail is None:
                    return None
                fails.append(fail)
            return (c, None, slack, tuple(fails))  # progress.blocker picks the closest branch

        return any_of
    if c.speed is not None:
        name = c.speed

        def speed(f: BodyFrame, slack: float) -> Fail | None:
            v = f.speeds.get(name)
            return None if _within(v, c.min, c.max, slack * SPEED_SLACK_PER_SW) else (c, v, slack, None)

        return speed
    if kind == "distance":
        value = compile_quantity(Quantity(distance=c.distance))

        def distance(f: BodyFrame, slack: float) -> Fail | None:
            v = value(f)
            return None if _within(v, c.min, c.max, slack) else (c, v, slack, None)

        return distance
    pair = getattr(c, kind)
    vertical = kind in ("above", "below")
    sign = 1.0 if kind in ("above", "left_of") else -1.0
    diff = compile_quantity(Quantity(dy=pair) if vertical else Quantity(dx=pair))

    def compare(f: BodyFrame, slack: float) -> Fail | None:
        d = diff(f)
        if d is None:
            return (c, None, slack, None)
        return None if sign * d > c.margin - slack else (c, sign * d, slack, None)

    return compare


def compile_all(conditions: Sequence[Condition]) -> Check:
    """A function returning the first condition that fails (None when all hold; an empty list always holds)."""
    checks = [compile_condition(c) for c in conditions]

    def all_of(f: BodyFrame, slack: float) -> Fail | None:
        for ch in checks:
            fail = ch(f, slack)
            if fail is not None:
                return fail
        return None

    return all_of
