"""The recognizer: Pose | None -> list[GestureEvent]. Pure: it never acts.

    Pose ─▶ FeatureTracker ─BodyFrame─▶ engage gate ─▶ SequenceMatcher × N ─Candidate─▶ arbitration ─▶ events

Arbitration, in order: a gesture's own repeats are always allowed; any other candidate must
wait out the refractory time after the last event (and gestures make no progress meanwhile, so
nothing fires the moment it ends); of simultaneous candidates the one defined first wins
(`conflict: priority`) and the others lose their progress.
"""

from __future__ import annotations

from gesturectl.gestures.conditions import compile_all
from gesturectl.gestures.features import BodyFrame, FeatureTracker
from gesturectl.gestures.sequence import SequenceMatcher
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.types import GestureEvent, Pose


class EngageGate:
    """True once the engage conditions have held for `hold_s` (no conditions: always true)."""

    def __init__(self, spec: RecognizerSpec) -> None:
        self._check = compile_all(spec.engage.when)
        self._hold_s = spec.engage.hold_s
        self._since: float | None = None
        self._empty = not spec.engage.when

    def reset(self) -> None:
        self._since = None

    def update(self, frame: BodyFrame) -> bool:
        if self._empty:
            return True
        if not self._check(frame, 0.0):
            self._since = None
            return False
        if self._since is None:
            self._since = frame.t
        return frame.t - self._since >= self._hold_s - 1e-9


class Recognizer:
    """Turns a stream of poses into gesture events, per the `gestures:` config section."""

    def __init__(self, spec: RecognizerSpec) -> None:
        self.spec = spec
        self._features = FeatureTracker(spec.min_joint_score, spec.speed_window_s)
        self._gate = EngageGate(spec)
        self._matchers = [SequenceMatcher(n, g, spec.max_dropout_s) for n, g in spec.definitions.items() if g.enabled]
        self._last_event: GestureEvent | None = None
        self.engaged = False

    @property
    def gestures(self) -> list[str]:
        return [m.name for m in self._matchers]

    def reset(self) -> None:
        self._features.reset()
        self._gate.reset()
        for m in self._matchers:
            m.suppress()

    def _own_repeat(self, m: SequenceMatcher, c) -> bool:
        return c.repeat > 0 and self._last_event is not None and self._last_event.gesture == m.name

    def update(self, pose: Pose | None) -> list[GestureEvent]:
        frame = self._features.update(pose)
        if frame is None:  # nobody in view, or no shoulders: whatever was in progress is gone
            self.engaged = False
            self._gate.reset()
            for m in self._matchers:
                m.suppress()
            return []
        self.engaged = self._gate.update(frame)
        candidates = []
        for m in self._matchers:
            c = m.step(frame, self.engaged)
            if c is not None:
                candidates.append((m, c))
        refractory = self._last_event is not None and frame.t - self._last_event.t < self.spec.refractory_s
        allowed = [(m, c) for m, c in candidates if not refractory or self._own_repeat(m, c)]
        winner = allowed[0] if allowed else None
        for m, c in allowed[1:]:
            if c.repeat == 0:
                m.consume()  # lost the conflict: its pose is spent, as the winner's is
        if refractory and self._last_event is not None:
            last = self._last_event.gesture
            for m in self._matchers:
                if m.name != last:
                    m.suppress()
        if winner is None:
            return []
        m, c = winner
        m.commit(c)
        event = GestureEvent(c.gesture, c.t, round(c.strength, 3), c.repeat)
        self._last_event = event
        if c.repeat == 0:
            for other in self._matchers:
                if other is not m:
                    other.suppress()
        return [event]
