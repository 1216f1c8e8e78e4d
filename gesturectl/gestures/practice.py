"""Practice: each attempt at a gesture, whether it fired, and if not what was missing (pure).

    GestureProgress per frame (+ the person's body points) ─▶ attempts ─▶ AttemptResult (fired | missed)

An *attempt* starts on the first frame a gesture makes progress and ends when it fires or its
progress falls back to nothing. A missed attempt that got at least halfway (`NEAR_FRACTION`) is a
*near miss*; smaller ones are just movement and are counted, not reported. Each result says in
words and numbers what was missing, read from the record of the frame where it came closest: the
phase reached, the hold ("held 0.20 of 0.80 s"), the motion ("spread reached 0.62 of 1.00 shoulder
widths") or the condition with its shortfall ("left_wrist above head by > 0.70: 0.12 shoulder
widths short"). Nothing here evaluates a gesture: the records come from the recognizer.

The body points of the frames of each attempt are summarised too (`AttemptBody`: widest and
closest wrist span, highest wrist above the head, wrist speed while holding), for calibration.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gesturectl.gestures.progress import Blocker, GestureProgress

#: A missed attempt that reached this fraction of the way to firing is a near miss.
NEAR_FRACTION = 0.5

Points = Mapping[str, tuple[float, float]]


@dataclass(frozen=True)
class AttemptBody:
    """What the person's body did during one attempt (shoulder widths, seconds)."""

    widest_span: float | None  # largest horizontal distance between the wrists
    closest_wrists: float | None  # smallest distance between the wrists
    highest_over_head: float | None  # the higher wrist's height above the head, at its highest
    hold_speed: float | None  # median wrist speed (sw/s) of the higher wrist over the attempt


@dataclass(frozen=True)
class AttemptResult:
    """One attempt at a gesture and how it ended."""

    gesture: str
    start_t: float
    t: float
    fired: bool
    fraction: float
    closest: GestureProgress  # the record of the frame where it came closest
    body: AttemptBody

    @property
    def near(self) -> bool:
        return not self.fired and self.fraction >= NEAR_FRACTION

    def missing(self) -> str:
        """What was missing, in words and numbers ('' when it fired)."""
        if self.fired:
            return ""
        p = self.closest
        name = p.phase_name or f"phase {p.phase_index + 1}"
        where = f"step {p.phase_index + 1} of {p.phases} ({name})"
        b = p.blocking
        if b is None:
            return f"{where}: stopped"
        if b.kind == "hold":
            return f"{where}: held {p.hold_s:.2f} s of {p.hold_needed_s:.2f} s"
        if b.kind == "motion":
            return f"{where}: moved {p.motion:.2f} of {p.motion_needed:.2f} shoulder widths ({b.condition})"
        return f"{where}: {shortfall_words(b)}"

    def words(self) -> str:
        head = f"{self.gesture} at {self.t:.1f} s: "
        if self.fired:
            return head + "fired"
        return head + ("near miss, " if self.near else "not fired, ") + self.missing()


def shortfall_words(b: Blocker) -> str:
    """A blocking condition with how far off it was: 'left_wrist above head by > 0.70 (is 0.58 sw): 0.12
    shoulder widths short'."""
    if b.value is None or b.threshold is None:
        return b.words()
    gap = abs(b.value - b.threshold)
    if b.unit == "sw/s":
        return (
            f"{b.words()}: moving {gap:.2f} shoulder widths per second too fast" if b.value > b.threshold else b.words()
        )
    if b.unit == "sw":  # a relation or a distance's minimum falls short; a distance's maximum is passed
        return f"{b.words()}: {gap:.2f} shoulder widths {'too far apart' if b.value > b.threshold else 'short'}"
    if b.unit == "s":
        return f"{b.words()}: {gap:.2f} s to go"
    return b.words()


@dataclass
class _Open:
    start_t: float
    peak: GestureProgress
    frames: list[tuple[float, Points]] = field(default_factory=list)


@dataclass
class Tally:
    """Counts per gesture."""

    fired: int = 0
    near: int = 0
    other: int = 0


class PracticeTracker:
    """Feed every frame's records and body points; finished attempts come back from `add`."""

    def __init__(self, gestures: Iterable[str] | None = None) -> None:
        self._only = None if gestures is None else set(gestures)
        self._open: dict[str, _Open] = {}
        self.tally: dict[str, Tally] = {}
        self.results: list[AttemptResult] = []

    def add(self, t: float, records: Iterable[GestureProgress], points: Points | None) -> list[AttemptResult]:
        """One frame: the recognizer's records and the body points (None without a body frame)."""
        done: list[AttemptResult] = []
        for p in records:
            if self._only is not None and p.gesture not in self._only:
                continue
            got = self._step(p, t, points)
            if got is not None:
                done.append(got)
                self.results.append(got)
                tally = self.tally.setdefault(got.gesture, Tally())
                if got.fired:
                    tally.fired += 1
                elif got.near:
                    tally.near += 1
                else:
                    tally.other += 1
        return done

    def _step(self, p: GestureProgress, t: float, points: Points | None) -> AttemptResult | None:
        att = self._open.get(p.gesture)
        if p.state == "fired":
            if att is None:
                att = _Open(t, p)
            att.peak = p
            return self._close(p.gesture, att, t, points, fired=True)
        moving = p.fraction > 0 and p.state in ("progress", "cooldown")
        if moving:
            if att is None:
                att = self._open[p.gesture] = _Open(t, p)
            if p.fraction >= att.peak.fraction:
                att.peak = p
            if points is not None:
                att.frames.append((t, points))
            return None
        if att is not None:
            return self._close(p.gesture, att, t, None, fired=False)
        return None

    def _close(self, gesture: str, att: _Open, t: float, points: Points | None, fired: bool) -> AttemptResult:
        self._open.pop(gesture, None)
        if points is not None:
            att.frames.append((t, points))
        fraction = 1.0 if fired else att.peak.fraction
        return AttemptResult(gesture, att.start_t, t, fired, fraction, att.peak, body_summary(att.frames))

    def summary_lines(self) -> list[str]:
        """Per gesture: successes, near misses, other tries, and the success rate of real tries."""
        lines = []
        for g, c in self.tally.items():
            tries = c.fired + c.near
            rate = f", {100 * c.fired / tries:.0f}% of real tries" if tries else ""
            lines.append(f"{g}: {c.fired} fired, {c.near} near misses, {c.other} other movements{rate}")
        return lines or ["no attempts seen"]


def body_summary(frames: list[tuple[float, Points]]) -> AttemptBody:
    """Wrist span, height above the head and speed over an attempt's frames."""
    spans, dists, heights, speeds = [], [], [], []
    prev: tuple[float, tuple[float, float]] | None = None
    for t, pts in frames:
        lw, rw, head = pts.get("left_wrist"), pts.get("right_wrist"), pts.get("head")
        if lw is not None and rw is not None:
            spans.append(lw[0] - rw[0])
            dists.append(math.hypot(lw[0] - rw[0], lw[1] - rw[1]))
        hands = [w for w in (lw, rw) if w is not None]
        if hands and head is not None:
            top = max(hands, key=lambda w: w[1])
            heights.append(top[1] - head[1])
            if prev is not None and t > prev[0]:
                speeds.append(math.hypot(top[0] - prev[1][0], top[1] - prev[1][1]) / (t - prev[0]))
            prev = (t, top)
    speeds.sort()
    return AttemptBody(
        max(spans) if spans else None,
        min(dists) if dists else None,
        max(heights) if heights else None,
        speeds[len(speeds) // 2] if speeds else None,
    )
