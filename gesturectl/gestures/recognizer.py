"""The recognizer: Pose | None -> list[GestureEvent]. Pure: it never acts.

    Pose ─▶ FeatureTracker ─BodyFrame─▶ engage gate ─▶ SequenceMatcher × N ─Candidate─▶ arbitration ─▶ events

Arbitration, in order: a gesture's own repeats are always allowed; any other candidate must
wait out the refractory time after the last event (and gestures make no progress meanwhile, so
nothing fires the moment it ends); of simultaneous candidates the one defined first wins
(`conflict: priority`) and the others lose their progress.

`progress()` returns one `GestureProgress` per enabled gesture for the last frame, built from what
`update()` evaluated; it costs nothing when nobody calls it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gesturectl.gestures.conditions import Fail, compile_all
from gesturectl.gestures.features import BodyFrame, FeatureTracker
from gesturectl.gestures.learned import TemplateMatcher, load_learned
from gesturectl.gestures.progress import Blocker, GestureProgress, blocker
from gesturectl.gestures.sequence import SequenceMatcher
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.gestures.templates import TemplateModel
from gesturectl.types import GestureEvent, Pose


class EngageGate:
    """True once the engage conditions have held for `hold_s` (no conditions: always true)."""

    def __init__(self, spec: RecognizerSpec) -> None:
        self._check = compile_all(spec.engage.when)
        self._hold_s = spec.engage.hold_s
        self._since: float | None = None
        self._empty = not spec.engage.when
        self._fail: Fail | None = None
        self._t = 0.0

    def reset(self) -> None:
        self._since = None

    def blocker(self) -> Blocker | None:
        """Why the gate was off on the last frame (call only when it was)."""
        if self._fail is not None:
            b = blocker(self._fail)
            return dataclasses.replace(b, condition=f"engage: {b.condition}", kind="engage")
        held = 0.0 if self._since is None else self._t - self._since
        return Blocker(f"engage held {self._hold_s:.2f} s", held, self._hold_s, "s", "engage")

    def update(self, frame: BodyFrame) -> bool:
        if self._empty:
            return True
        self._t = frame.t
        self._fail = self._check(frame, 0.0)
        if self._fail is not None:
            self._since = None
            return False
        if self._since is None:
            self._since = frame.t
        return frame.t - self._since >= self._hold_s - 1e-9


class Recognizer:
    """Turns a stream of poses into gesture events, per the `gestures:` config section."""

    def __init__(self, spec: RecognizerSpec, templates: Mapping[str, TemplateModel] | None = None) -> None:
        """`templates`: the models of learned gestures by gesture name (default: read from the user's data)."""
        self.spec = spec
        self._features = FeatureTracker(spec.min_joint_score, spec.speed_window_s, spec.max_dropout_s)
        self._gate = EngageGate(spec)
        learned = any(g.enabled and g.template is not None for g in spec.definitions.values())
        models = templates if templates is not None or not learned else load_learned(spec)
        self._matchers: list[SequenceMatcher | TemplateMatcher] = [
            SequenceMatcher(n, g, spec.max_dropout_s)
            if g.template is None
            else TemplateMatcher(n, g, _model(models, n), spec.max_dropout_s)
            for n, g in spec.definitions.items()
            if g.enabled
        ]
        self._last_event: GestureEvent | None = None
        self.engaged = False
        self._seen_body = False  # reporting: whether the last update had a body frame, and what fired
        self._fired: str | None = None
        self._t = 0.0

    @property
    def gestures(self) -> list[str]:
        return [m.name for m in self._matchers]

    def reset(self) -> None:
        self._features.reset()
        self._gate.reset()
        for m in self._matchers:
            m.suppress()

    def _own_repeat(self, m: SequenceMatcher | TemplateMatcher, c) -> bool:
        return c.repeat > 0 and self._last_event is not None and self._last_event.gesture == m.name

    def update(self, pose: Pose | None) -> list[GestureEvent]:
        frame = self._features.update(pose)
        self._fired = None
        self._seen_body = frame is not None
        if pose is not None:
            self._t = pose.t
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
        self._fired = m.name
        if c.repeat == 0:
            for other in self._matchers:
                if other is not m:
                    other.suppress()
        return [event]

    @property
    def underway(self) -> bool:
        """Whether a gesture may be underway on the last frame: the engage gate is on, or any gesture has begun."""
        return self._seen_body and (self.engaged or any(m.underway for m in self._matchers))

    def progress(self) -> tuple[GestureProgress, ...]:
        """One record per enabled gesture for the last `update()`, in definition order."""
        if not self._seen_body:
            return tuple(_no_body(m.name, max(1, len(m.spec.phases)), self._t) for m in self._matchers)
        engage = None if self.engaged else self._gate.blocker()
        last, out = self._last_event, []
        for m in self._matchers:
            refractory = None
            if last is not None and last.gesture != m.name:
                left = self.spec.refractory_s - (self._t - last.t)
                if left > 1e-9:
                    refractory = Blocker(f"refractory after {last.gesture}", left, self.spec.refractory_s, "s", "state")
            out.append(m.progress(engage, refractory, self._fired == m.name))
        return tuple(out)


def _model(models: Mapping[str, TemplateModel] | None, name: str) -> TemplateModel:
    if models is None or name not in models:
        raise ValueError(f"gesture {name!r} is a learned template but no model was given for it")
    return models[name]


def _no_body(name: str, phases: int, t: float) -> GestureProgress:
    return GestureProgress(
        gesture=name,
        t=t,
        state="no_body",
        phase_index=0,
        phases=phases,
        phase_name="",
        hold_s=0.0,
        hold_needed_s=0.0,
        motion=0.0,
        motion_needed=0.0,
        cooldown_left_s=0.0,
        refractory_left_s=0.0,
        engaged=False,
        blocking=Blocker("nobody in view (both shoulders needed)", None, None, "", "state"),
    )
