"""One gesture's state machine: phases in sequence, holds, motion, repeats, cooldown, re-arming.

`step(frame, engaged)` returns a `Candidate` when the gesture completes on this frame; the
recognizer decides which candidate fires (priority, refractory) and calls `commit()` on the
winner and `suppress()` on the others. After firing, a gesture is *spent* until its first
phase's conditions have clearly stopped holding (exit hysteresis) and its cooldown has passed, so
a pose held after it fired never fires again. A repeating gesture fires once more for each extra
`repeat.step` of motion while the motion continues, at most `repeat.max_per_s` times a second.

Reporting: each phase keeps what this frame's evaluation found (the failing condition, the hold
and the motion so far) and `progress()` turns that into a `GestureProgress` record only when
someone asks, so the record and the decision to fire come from the same evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from gesturectl.gestures.features import BodyFrame
from gesturectl.gestures.phase import PhaseState
from gesturectl.gestures.progress import Blocker, GestureProgress, State, blocker, missing_points
from gesturectl.gestures.spec import GestureSpec, Quantity

# A phase completed this recently keeps an attempt underway (for the daemon's frame rate, not for matching).
UNDERWAY_S = 1.0


@dataclass(frozen=True)
class Candidate:
    gesture: str
    t: float
    strength: float
    repeat: int


class SequenceMatcher:
    """Matches one gesture spec against a stream of body frames."""

    def __init__(self, name: str, spec: GestureSpec, max_dropout_s: float) -> None:
        self.name = name
        self.spec = spec
        self.points = spec.required_points()
        self._phases = [PhaseState(p) for p in spec.phases]
        self._max_dropout_s = max_dropout_s
        self._last_seen: float | None = None
        self._spent = False
        self._rearmed = False
        self._last_event_t: float | None = None
        self._repeats = 0
        self._repeat_ref = 0.0
        self._repeat_best = 0.0
        self._repeat_best_t = 0.0
        self._frame: BodyFrame | None = None  # reporting: the last frame seen and how it went
        self._missing = False
        self._gated = True

    # -- lifecycle ---------------------------------------------------------------------------
    def suppress(self) -> None:
        """Drop progress toward the gesture (another gesture fired, or the person left)."""
        for ph in self._phases:
            ph.clear()

    def consume(self) -> None:
        """Another gesture won this frame's conflict: this one's pose is used up until it re-arms."""
        self._spent, self._rearmed = True, False
        self.suppress()

    def commit(self, c: Candidate) -> None:
        """The recognizer fired this candidate."""
        self._last_event_t = c.t
        last = self._phases[-1]
        if c.repeat == 0:
            self._spent, self._rearmed, self._repeats = True, False, 0
            if last.value is not None and last.samples:
                self._repeat_ref = self._repeat_best = last.samples[-1][1]
                self._repeat_best_t = c.t
            for ph in self._phases[:-1]:
                ph.clear()
        elif self.spec.repeat is not None:
            self._repeats = c.repeat
            self._repeat_ref += self.spec.repeat.step * self._direction()

    # -- per frame ---------------------------------------------------------------------------
    def step(self, frame: BodyFrame, engaged: bool) -> Candidate | None:
        """Advance on one frame; a Candidate when the gesture (or a repeat of it) completes now."""
        t = frame.t
        self._frame = frame
        self._missing = not frame.has(self.points)
        if self._missing:
            self.suppress()  # an occluded or low-score joint drops the progress: never carried across a gap
            return None
        if self._last_seen is not None and t - self._last_seen > self._max_dropout_s:
            self.suppress()
        self._last_seen = t
        gate = engaged or not self.spec.engage
        self._gated = gate
        if self._spent:
            return self._step_spent(frame, gate)
        return self._advance(frame, gate)

    def _advance(self, frame: BodyFrame, gate: bool) -> Candidate | None:
        t, hyst = frame.t, self.spec.hysteresis
        prev: PhaseState | None = None
        strength = 0.0
        for ph in self._phases:
            slack = hyst if ph.run_start is not None else 0.0
            ph.fail = ph.check(frame, slack) if gate else None
            ph.observe(frame, gate, gate and ph.fail is None)
            if not gate or ph.fail is not None:
                ph.break_run()
                prev = ph
                continue
            if ph.run_start is None:
                ph.start_run(t)
            if ph.value is not None:
                v = ph.value(frame)
                if v is not None:
                    ph.samples.append((t, v))
            ok, strength = self._satisfied(ph, prev, t)
            if ok:
                ph.done_since = t if ph.done_since is None else ph.done_since
                ph.last_done = t
            else:
                ph.done_since = None
            prev = ph
        last = self._phases[-1]
        if last.last_done == t and self._cooled(t):
            return Candidate(self.name, t, strength, 0)
        return None

    def _satisfied(self, ph: PhaseState, prev: PhaseState | None, t: float) -> tuple[bool, float]:
        since = ph.run_start if ph.run_start is not None else t
        ref = since
        if prev is not None:
            if prev.last_done is None or t - prev.last_done > ph.spec.max_gap_s:
                return False, 0.0
            since = max(since, prev.done_since if prev.done_since is not None else prev.last_done)
            ref = min(prev.last_done, t)  # the motion counts from the last moment the previous phase held
        ph.held, ph.moved = t - since, 0.0
        if ph.stale_gap is not None:  # a repeated movement: this run never counts
            return False, 0.0
        if t - since < ph.spec.hold_s - 1e-9:
            return False, 0.0
        motion = ph.spec.motion
        if motion is None:
            return True, 1.0
        got = ph.motion_progress(t, ref)
        by = abs(motion.by)
        ph.moved = 0.0 if got is None else got[0]
        if got is None or got[0] < by:
            return False, 0.0
        return True, got[0] / by

    def _direction(self) -> float:
        """+1 when the last phase's motion is an increase, -1 for a decrease (0 without a motion)."""
        m = self._phases[-1].spec.motion
        return 0.0 if m is None else (1.0 if m.by > 0 else -1.0)

    @property
    def underway(self) -> bool:
        """An attempt may be underway: a phase's conditions hold now, one held less than a second ago (the
        next may follow), or the gesture fired and has not been released (it may repeat)."""
        if self._spent and not self._rearmed:
            return True
        t = self._last_seen
        return t is not None and any(
            ph.run_start is not None or (ph.last_done is not None and t - ph.last_done <= UNDERWAY_S)
            for ph in self._phases
        )

    def _cooled(self, t: float) -> bool:
        return self._last_event_t is None or t - self._last_event_t >= self.spec.cooldown_s

    def _step_spent(self, frame: BodyFrame, gate: bool) -> Candidate | None:
        t = frame.t
        first = self._phases[0]
        first.fail = first.check(frame, self.spec.hysteresis) if gate else None
        first.observe(frame, gate, gate and first.fail is None)
        if not gate or first.fail is not None:
            self._rearmed = True
        rep = self._repeat_candidate(frame, gate)
        if rep is not None:
            return rep
        if self._rearmed and self._cooled(t) and not self._repeat_active(t):
            self._spent = False
            self.suppress()
            return self._advance(frame, gate)
        return None

    def _repeat_active(self, t: float) -> bool:
        motion = self._phases[-1].spec.motion
        return self.spec.repeat is not None and motion is not None and t - self._repeat_best_t <= motion.within_s

    def _repeat_candidate(self, frame: BodyFrame, gate: bool) -> Candidate | None:
        r, last = self.spec.repeat, self._phases[-1]
        if r is None or last.value is None or not self._repeat_active(frame.t):
            return None
        v = last.value(frame)
        if v is None or not gate or last.check(frame, self.spec.hysteresis) is not None:
            self._repeat_best_t = -1e9  # the motion stopped: no more repeats
            return None
        sign = self._direction()
        if sign * (v - self._repeat_best) > 0:
            self._repeat_best, self._repeat_best_t = v, frame.t
        elif sign * (self._repeat_best - v) > r.step / 2:
            self._repeat_best_t = -1e9  # reversed
            return None
        since_last = frame.t - (self._last_event_t if self._last_event_t is not None else -1e9)
        if sign * (v - self._repeat_ref) >= r.step and since_last >= 1.0 / r.max_per_s:
            return Candidate(self.name, frame.t, sign * (v - self._repeat_ref) / r.step, self._repeats + 1)
        return None

    # -- reporting ---------------------------------------------------------------------------
    def progress(self, engage: Blocker | None, refractory: Blocker | None, fired: bool) -> GestureProgress:
        """The record of the last frame `step()` saw (read from what that step evaluated).

        Args:
            engage: why the engage gate is off (None when it is on).
            refractory: the recognizer's refractory time left, when it blocks this gesture.
            fired: whether the recognizer fired this gesture on that frame.
        """
        t = self._frame.t if self._frame is not None else 0.0
        k = self._phase_reached(t)
        cur = self._phases[min(k, len(self._phases) - 1)]
        cooldown_left = 0.0 if self._last_event_t is None else max(0.0, self.spec.cooldown_s - (t - self._last_event_t))
        state, block = self._blocking(cur, k, engage, refractory, cooldown_left, fired)
        m = cur.spec.motion
        return GestureProgress(
            gesture=self.name,
            t=t,
            state=state,
            phase_index=len(self._phases) if state in ("fired", "rearm") else k,
            phases=len(self._phases),
            phase_name=cur.spec.name or f"phase {min(k, len(self._phases) - 1) + 1}",
            hold_s=min(cur.held, cur.spec.hold_s) if state == "progress" else 0.0,
            hold_needed_s=cur.spec.hold_s,
            motion=max(cur.moved, 0.0) if state == "progress" else 0.0,
            motion_needed=abs(m.by) if m is not None else 0.0,
            cooldown_left_s=cooldown_left,
            refractory_left_s=refractory.value or 0.0 if refractory is not None else 0.0,
            engaged=engage is None,
            blocking=block,
            conditions_met=cur.spec.when.index(cur.fail[0]) if cur.fail is not None else len(cur.spec.when),
            conditions=len(cur.spec.when),
        )

    def _phase_reached(self, t: float) -> int:
        """Phases completed in the current attempt: each done, and recently enough for the next one."""
        k = 0
        for ph, nxt in zip(self._phases, self._phases[1:]):
            if ph.last_done is None or t - ph.last_done > nxt.spec.max_gap_s + 1e-9:
                break
            k += 1
        return k

    def _blocking(
        self,
        cur: PhaseState,
        k: int,
        engage: Blocker | None,
        refractory: Blocker | None,
        cooldown_left: float,
        fired: bool,
    ) -> tuple[State, Blocker | None]:
        if fired:
            return "fired", None
        if self._frame is None or self._missing:
            present = self._frame.points if self._frame is not None else {}
            return "missing", missing_points(self.points, present)
        if not self._gated:
            return "not_engaged", engage
        if refractory is not None:
            return "refractory", refractory
        if self._spent:
            first = self._phases[0]
            if first.fail is None:
                return "rearm", Blocker(
                    f"release {first.spec.name or 'the pose'} to fire again", None, None, "", "state"
                )
            if cooldown_left > 0:
                return "cooldown", Blocker("cooldown", cooldown_left, self.spec.cooldown_s, "s", "state")
            return "rearm", Blocker("repeats while the motion goes on", None, None, "", "state")
        if cur.fail is not None:
            return "progress", blocker(cur.fail)
        name = cur.spec.name or f"phase {k + 1}"
        if cur.stale_gap is not None:
            what = f"{name} again after {cur.stale_gap:.2f} s (a repeated movement: pause {cur.spec.fresh_s:g} s)"
            return "progress", Blocker(what, cur.stale_gap, cur.spec.fresh_s, "s", "state")
        if cur.held < cur.spec.hold_s - 1e-9:
            return "progress", Blocker(f"{name} held {cur.spec.hold_s:.2f} s", cur.held, cur.spec.hold_s, "s", "hold")
        m = cur.spec.motion
        if m is not None and cur.moved < abs(m.by):
            verb = "grows" if m.by > 0 else "shrinks"
            what = f"{_quantity_words(m.change)} {verb} by {abs(m.by):.2f} within {m.within_s:g} s"
            return "progress", Blocker(what, cur.moved, abs(m.by), "sw", "motion")
        if cooldown_left > 0:
            return "cooldown", Blocker("cooldown", cooldown_left, self.spec.cooldown_s, "s", "state")
        return "progress", None


def _quantity_words(q: Quantity) -> str:
    for kind in ("x", "y", "dx", "dy", "distance"):
        v = getattr(q, kind)
        if v is not None:
            return f"{kind}({v if isinstance(v, str) else ', '.join(v)})"
    return "quantity"
