"""The per-frame engine: one captured item in, its decisions and their results out.

    FrameSource ──Frame──▶ PoseEstimator ──Pose|None──▶ GesturePipeline (One Euro ▶ Recognizer)
        (TraceSource ──PoseSample──────────┘)                    │ GestureEvent
                                                                 ▼
                               Dispatcher (bindings, pause, app rules) ──Action──▶ ActionSink
                                                                  └── Control ──▶ PauseState

The pose estimator is built on first use, so a trace source needs no model. The engine owns the
pause state: the pause gesture, the CLI, the tray and the hotkey all change it through `command()`.
A failing action is reported in its `Outcome` and the engine goes on. Replays and evaluations use
the same engine with a dry-run sink, so there is one path from pose to action.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.actions.action import Control, Hotkey, pressed_keys
from gesturectl.actions.dispatch import Decision, Dispatcher
from gesturectl.actions.sink import ActionSink
from gesturectl.commands import Command, PausedBy, PauseState
from gesturectl.errors import GesturectlError
from gesturectl.gestures.pipeline import GestureStage
from gesturectl.pose.estimator import PoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.runtime.capture import Captured
from gesturectl.sources.base import PoseSample, SourceItem
from gesturectl.timing import StageTimer
from gesturectl.types import Frame, Pose

log = logging.getLogger(__name__)

EstimatorFactory = Callable[[PoseSettings, StageTimer], PoseEstimator]


@dataclass(frozen=True)
class Outcome:
    """What happened to one decision: the action's result or error, and the latency from capture."""

    decision: Decision
    result: str | None
    error: str | None
    latency_s: float

    def does(self) -> str:
        """The action as sent: 'hotkey ctrl+=' (the keys as pressed on this platform), 'launch terminal'."""
        a = self.decision.action
        if a is None:
            return f"action {self.decision.action_name}"
        return f"hotkey {pressed_keys(a)}" if isinstance(a, Hotkey) else a.describe()

    def log_line(self) -> str:
        """One line for the log: 'zoom_in -> hotkey ctrl+= (chrome)', with a skip, failure or dry run said."""
        d, e = self.decision, self.decision.event
        name = e.gesture + (f" (repeat {e.repeat})" if e.repeat else "")
        app = f" ({d.when_app})" if d.when_app else ""
        if self.error is not None:
            return f"{name} -> {self.does()}{app} failed: {self.error}"
        if d.action is None or d.skipped:
            return f"{name} -> {self.does()}{app} skipped: {d.skipped or 'no action'}"
        dry = " [dry run]" if self.result is not None and self.result.startswith("dry run") else ""
        return f"{name} -> {self.does()}{app}{dry}"


class Engine:
    """Pose → gestures → dispatch → actions for one captured item at a time."""

    def __init__(
        self,
        make_estimator: EstimatorFactory,
        pose_settings: PoseSettings,
        gestures: GestureStage,
        dispatcher: Dispatcher,
        sink: ActionSink,
        timer: StageTimer | None = None,
        clock: Callable[[], float] = time.monotonic,
        busy: Callable[[], bool] = lambda: False,
        estimator_retry_s: float = 10.0,
    ) -> None:
        self._make_estimator = make_estimator
        self._pose_settings = pose_settings
        self._estimator: PoseEstimator | None = None
        self.gestures = gestures
        self.dispatcher = dispatcher
        self.sink = sink
        self.timer = timer or StageTimer()
        self._clock = clock
        self._busy = busy
        self._retry_s = estimator_retry_s
        self.pause = PauseState()
        self.last_pose: Pose | None = None
        self._build_error: tuple[float, GesturectlError] | None = None

    # -- state changes -------------------------------------------------------------------------
    def reset(self) -> None:
        """A new stream starts (source (re)opened): forget tracking and gestures in progress."""
        if self._estimator is not None:
            self._estimator.reset()
        self.gestures.reset()
        self.last_pose = None

    def replace(self, gestures: GestureStage, dispatcher: Dispatcher, pose_settings: PoseSettings) -> None:
        """Swap in a reloaded configuration; the pose model is rebuilt only when its settings changed."""
        self.gestures, self.dispatcher = gestures, dispatcher
        if pose_settings != self._pose_settings:
            self._pose_settings = pose_settings
            self._estimator = None
            self._build_error = None

    def command(self, command: Command, by: PausedBy) -> PauseState:
        """Apply a pause command; every change releases held keys."""
        before = self.pause
        self.pause = before.apply(command, by)
        if self.pause != before:
            self.sink.release_all()
            log.info("%s by %s", "paused" if self.pause.paused else "resumed", by.value)
        return self.pause

    # -- per item ------------------------------------------------------------------------------
    def process(self, captured: Captured) -> list[Outcome]:
        pose = self._pose(captured.item)
        self.last_pose = pose
        events = self.timer.record("gestures", lambda: self.gestures.update(pose))
        outcomes = []
        for event in events:
            for d in self.dispatcher.dispatch(event, paused=self.pause.paused, busy=self._busy()):
                outcomes.append(self._perform(d, captured.wall))
        return outcomes

    def _pose(self, item: SourceItem) -> Pose | None:
        if isinstance(item, PoseSample):
            return item.pose
        if not isinstance(item, Frame):
            raise TypeError(f"cannot process a {type(item).__name__}")
        est = self._estimator or self._build_estimator()
        return self.timer.record("pose", lambda: est.estimate(item))

    def _build_estimator(self) -> PoseEstimator:
        """The pose model, built on first use; a failure is re-raised without retrying for `retry_s`."""
        now = self._clock()
        if self._build_error is not None and now - self._build_error[0] < self._retry_s:
            raise self._build_error[1]
        try:
            self._estimator = self._make_estimator(self._pose_settings, self.timer)
        except GesturectlError as e:
            self._build_error = (now, e)
            raise
        self._build_error = None
        return self._estimator

    def _perform(self, d: Decision, captured_wall: float) -> Outcome:
        def done(result: str | None = None, error: str | None = None) -> Outcome:
            return Outcome(d, result, error, self._clock() - captured_wall)

        action = d.action
        if action is None:
            return done()
        if isinstance(action, Control):
            state = self.command(action.command, PausedBy.GESTURE)
            return done("paused" if state.paused else "resumed")
        try:
            return done(self.timer.record("action", lambda: self.sink.perform(action)))
        except GesturectlError as e:
            log.error("%s", e)
            return done(error=str(e))
        except Exception as e:  # an action must never take the loop down
            log.exception("action %s failed", d.action_name)
            return done(error=f"action {d.action_name!r} failed: {type(e).__name__}: {e}")
