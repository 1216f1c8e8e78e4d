"""Why a gesture fired or did not: a summary of progress records over a recording (pure).

    GestureProgress per frame ─▶ attempts (spans where a gesture made progress) ─▶ fired | near miss

An *attempt* starts on the first frame a gesture makes progress (its first phase's conditions all
hold, or a later phase is reached) and ends when its progress falls back to nothing or it fires.
An attempt that ends without firing is a *miss*; the nearest misses are those that came closest
(completed phases plus the current phase's hold and motion). For a gesture never attempted, the
condition that blocked it when most of its first phase's conditions held is reported instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gesturectl.gestures.progress import Blocker, GestureProgress


@dataclass(frozen=True)
class PhaseReach:
    """How far one phase of an attempt got."""

    name: str
    hold_s: float
    hold_needed_s: float
    motion: float
    motion_needed: float
    done: bool

    def words(self) -> str:
        parts = []
        if self.hold_needed_s > 0:
            parts.append(
                f"held {self.hold_s:.2f} s" if self.done else f"held {self.hold_s:.2f} of {self.hold_needed_s:.2f} s"
            )
        if self.motion_needed > 0:
            parts.append(f"reached {self.motion:.2f} of {self.motion_needed:.2f} shoulder widths")
        if not parts:
            parts.append("done" if self.done else "not reached")
        return f"{self.name} " + ", ".join(parts)


@dataclass(frozen=True)
class Miss:
    """An attempt that did not fire: when it came closest, how far each phase got, what blocked it."""

    gesture: str
    start_t: float
    t: float
    fraction: float
    phase_index: int
    phases: int
    reach: tuple[PhaseReach, ...]
    blocking: Blocker | None
    ended_by: Blocker | None = None

    def words(self) -> str:
        text = f"{self.gesture} at {self.t:.1f} s: " + ", ".join(r.words() for r in self.reach)
        b = self.blocking
        if b is not None and b.kind == "motion":
            text += f" ({b.condition})"
        elif b is not None and b.kind != "hold":  # a short hold is already in the phase's words
            text += f"; blocked by {b.words()}"
        e = self.ended_by
        if e is not None and e.kind in ("condition", "engage") and e != b:
            text += f"; then {e.words()}"
        return text

    def to_dict(self) -> dict:
        b = self.blocking
        return {
            "t": round(self.t, 3),
            "start_t": round(self.start_t, 3),
            "fraction": round(self.fraction, 3),
            "phase": f"{self.phase_index}/{self.phases}",
            "reach": [r.__dict__ for r in self.reach],
            "blocking": None if b is None else {**b.__dict__, "words": b.words()},
            "ended_by": None if self.ended_by is None else {**self.ended_by.__dict__, "words": self.ended_by.words()},
            "words": self.words(),
        }


@dataclass(frozen=True)
class GestureSummary:
    """One gesture over a recording."""

    gesture: str
    fired_at: tuple[float, ...]
    misses: tuple[Miss, ...]  # nearest first
    closest: tuple[float, Blocker] | None  # (t, blocker) when it was never attempted

    def to_dict(self) -> dict:
        closest = None
        if self.closest is not None:
            t, b = self.closest
            closest = {"t": round(t, 3), **b.__dict__, "words": b.words()}
        return {
            "gesture": self.gesture,
            "fired_at": [round(t, 3) for t in self.fired_at],
            "near_misses": [m.to_dict() for m in self.misses],
            "closest_condition": closest,
        }


@dataclass
class _Attempt:
    start_t: float
    peak: GestureProgress
    reach: dict[int, PhaseReach] = field(default_factory=dict)

    def add(self, p: GestureProgress) -> None:
        if p.fraction > self.peak.fraction:
            self.peak = p
        i = min(p.phase_index, p.phases - 1)
        old = self.reach.get(i)
        hold = max(p.hold_s, old.hold_s if old else 0.0)
        motion = max(p.motion, old.motion if old else 0.0)
        self.reach[i] = PhaseReach(p.phase_name, hold, p.hold_needed_s, motion, p.motion_needed, False)
        for j in range(i):  # phases before the current one are done
            if j in self.reach and not self.reach[j].done:
                r = self.reach[j]
                done_hold = max(r.hold_s, r.hold_needed_s)  # its last, completing frame reports the next phase
                self.reach[j] = PhaseReach(r.name, done_hold, r.hold_needed_s, r.motion, r.motion_needed, True)

    def miss(self, ended_by: Blocker | None = None) -> Miss:
        p, k = self.peak, self.peak.phase_index
        reach = tuple(self.reach[i] for i in sorted(self.reach) if i <= k)
        return Miss(p.gesture, self.start_t, p.t, p.fraction, k, p.phases, reach, p.blocking, ended_by)


class Explainer:
    """Feed it every frame's records (`add`); `summaries()` tells what fired and the nearest misses."""

    def __init__(self, max_misses: int = 3) -> None:
        self._max = max_misses
        self._attempts: dict[str, _Attempt | None] = {}
        self._fired: dict[str, list[float]] = {}
        self._misses: dict[str, list[Miss]] = {}
        self._closest: dict[str, tuple[float, Blocker, int]] = {}

    def add(self, records: Iterable[GestureProgress]) -> None:
        for p in records:
            self._add(p)

    def _add(self, p: GestureProgress) -> None:
        g = p.gesture
        self._fired.setdefault(g, [])
        self._misses.setdefault(g, [])
        attempt = self._attempts.get(g)
        if p.state == "fired":
            self._fired[g].append(p.t)
            self._attempts[g] = None
            return
        moving = p.fraction > 0 and (p.state == "progress" or (p.state == "cooldown" and attempt is not None))
        if moving:
            if attempt is None:
                self._attempts[g] = attempt = _Attempt(p.t, p)
            attempt.add(p)
            return
        if attempt is not None:
            self._misses[g].append(attempt.miss(p.blocking))
            self._attempts[g] = None
        self._note_closest(p)

    def _note_closest(self, p: GestureProgress) -> None:
        b = p.blocking
        if p.state != "progress" or b is None or b.value is None or b.unit == "s":
            return
        best = self._closest.get(p.gesture)  # most conditions met, then the smallest shortfall
        if best is None or (p.conditions_met, -b.shortfall()) > (best[2], -best[1].shortfall()):
            self._closest[p.gesture] = (p.t, b, p.conditions_met)

    def summaries(self) -> list[GestureSummary]:
        """One summary per gesture seen, in the order first seen (attempts still open count as misses)."""
        out = []
        for g in self._fired:
            misses = list(self._misses[g])
            open_attempt = self._attempts.get(g)
            if open_attempt is not None:
                misses.append(open_attempt.miss())
            misses.sort(key=lambda m: (-m.fraction, m.t))
            attempted = bool(misses) or bool(self._fired[g])
            got = None if attempted else self._closest.get(g)
            closest = None if got is None else (got[0], got[1])
            out.append(GestureSummary(g, tuple(self._fired[g]), tuple(misses[: self._max]), closest))
        return out


def summary_lines(s: GestureSummary) -> list[str]:
    """The summary in words, one line per fact."""
    lines = []
    if s.fired_at:
        lines.append(f"{s.gesture} fired at " + ", ".join(f"{t:.1f} s" for t in s.fired_at))
    else:
        lines.append(f"{s.gesture} never fired")
    for m in s.misses:
        lines.append(f"  near miss: {m.words()}")
    if s.closest is not None:
        t, b = s.closest
        lines.append(f"  never started; closest at {t:.1f} s: {b.words()}")
    return lines
