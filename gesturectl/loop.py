"""The per-frame loop of the daemon: one captured item in, its decisions and their results out.

    FrameSource ──Frame──▶ PoseEstimator ──Pose|None──▶ GesturePipeline (One Euro ▶ Recognizer)
        (TraceSource ──PoseSample──────────┘)                    │ GestureEvent
                                                                 ▼
                                        Dispatcher (bindings, pause, app rules) ──Action──▶ ActionSink

The pose estimator is built on first use, so a trace source needs no model. A failing action is
reported in its `Outcome` and the loop goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.actions.sink import ActionSink
from gesturectl.capture import Captured
from gesturectl.dispatch import Decision, Dispatcher
from gesturectl.errors import GesturectlError
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.pose.blazepose import StageTimer
from gesturectl.sources import PoseSample
from gesturectl.types import Frame, Pose

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one decision: the action's result or error, and the latency from capture."""

    decision: Decision
    result: str | None
    error: str | None
    latency_s: float


class Engine:
    """Pose → gestures → dispatch → actions for one captured item at a time."""

    def __init__(self, estimator_factory: Callable[[], object], gestures: GesturePipeline, dispatcher: Dispatcher,
                 sink: ActionSink, timer: StageTimer | None = None, clock: Callable[[], float] = time.monotonic,
                 busy: Callable[[], bool] | None = None) -> None:
        self._make_estimator = estimator_factory
        self._estimator = None
        self.gestures = gestures
        self.dispatcher = dispatcher
        self.sink = sink
        self.timer = timer or StageTimer()
        self._clock = clock
        self._busy = busy or (lambda: False)
        self.last_pose: Pose | None = None
        self._build_error: tuple[float, GesturectlError] | None = None

    def reset(self) -> None:
        """A new stream starts (source (re)opened): forget tracking and gestures in progress."""
        if self._estimator is not None:
            self._estimator.reset()
        self.gestures.reset()

    def replace(self, gestures: GesturePipeline, dispatcher: Dispatcher, rebuild_estimator: bool) -> None:
        """Swap in a reloaded configuration (the pause state is the caller's to carry over)."""
        self.gestures, self.dispatcher = gestures, dispatcher
        if rebuild_estimator:
            self._estimator = None
            self._build_error = None

    def process(self, captured: Captured) -> list[Outcome]:
        pose = self._pose(captured.item)
        self.last_pose = pose
        events = self.timer.record("gestures", lambda: self.gestures.update(pose))
        outcomes = []
        for event in events:
            for d in self.dispatcher.dispatch(event, busy=self._busy()):
                outcomes.append(self._perform(d, captured.wall))
        return outcomes

    def _pose(self, item) -> Pose | None:
        if isinstance(item, PoseSample):
            return item.pose
        if not isinstance(item, Frame):
            raise TypeError(f"cannot process a {type(item).__name__}")
        if self._estimator is None:
            self._estimator = self._build_estimator()
        est = self._estimator
        return self.timer.record("pose", lambda: est.estimate(item))

    def _build_estimator(self, retry_s: float = 10.0):
        """The pose model, built on first use; a failure is re-raised without retrying for `retry_s`."""
        now = self._clock()
        if self._build_error is not None and now - self._build_error[0] < retry_s:
            raise self._build_error[1]
        try:
            est = self._make_estimator()
        except GesturectlError as e:
            self._build_error = (now, e)
            raise
        self._build_error = None
        return est

    def _perform(self, d: Decision, captured_wall: float) -> Outcome:
        if d.action is None:
            return Outcome(d, None, None, self._clock() - captured_wall)
        try:
            result = self.timer.record("action", lambda: self.sink.perform(d.action))
            return Outcome(d, result, None, self._clock() - captured_wall)
        except GesturectlError as e:
            log.error("%s", e)
            return Outcome(d, None, str(e), self._clock() - captured_wall)
        except Exception as e:  # an action must never take the loop down
            log.exception("action %s failed", d.action_name)
            return Outcome(d, None, f"action {d.action_name!r} failed: {type(e).__name__}: {e}",
                           self._clock() - captured_wall)
