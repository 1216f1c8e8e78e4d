"""The per-frame engine: one captured item in, its decisions and their results out.

    FrameSource ──Frame──▶ PoseEstimator ──Scene──▶ PeopleStage ──Pose|None──▶ GesturePipeline
        (TraceSource ──PoseSample: a scene of one ┘  (tracker, limb     (the user's   (One Euro ▶ Recognizer)
                                                      ownership, lock)   pose only)        │ GestureEvent
                                                                                           ▼
                               Dispatcher (bindings, pause, app rules) ──Action──▶ ActionSink
                                                                  └── Control ──▶ PauseState

The pose estimator is built on first use, so a trace source needs no model. An estimator that sees
several people (`estimate_scene`) gives the people stage everyone; a single-person one gives a scene
of one. Only the pose of the person holding the user lock reaches the recognizer, and when the lock
changes hands the recognizer starts afresh (no gesture is finished with someone else's half). The engine owns the
pause state: the pause gesture, the CLI, the tray and the hotkey all change it through `command()`.
A failing action is reported in its `Outcome` and the engine goes on. Replays and evaluations use
the same engine with a dry-run sink, so there is one path from pose to action.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from gesturectl.actions.action import Control, Hotkey, Pending, pressed_keys
from gesturectl.actions.dispatch import Decision, Dispatcher
from gesturectl.actions.sink import ActionSink
from gesturectl.commands import Command, PausedBy, PauseState
from gesturectl.errors import GesturectlError, ModelError, first_line
from gesturectl.gestures.pipeline import GesturePipeline, GestureStage
from gesturectl.people.settings import UserSettings
from gesturectl.people.stage import PeopleStage, Selection
from gesturectl.pose.estimator import PoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.runtime.background import BackgroundActions
from gesturectl.runtime.capture import Captured
from gesturectl.sources.base import PoseSample, SourceItem
from gesturectl.timing import StageTimer
from gesturectl.types import Frame, Pose, Scene

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
        max_actions_per_s: float = 4.0,
        people: PeopleStage | None = None,
        background: BackgroundActions[tuple[Decision, float]] | None = None,  # (decision, seconds to act)
    ) -> None:
        self._make_estimator = make_estimator
        self._background = background  # where the slow part of app actions runs (the daemon's); None: inline
        self._pose_settings = pose_settings
        self._estimator: PoseEstimator | None = None
        self._recheck_scale = 1.0  # the daemon's pace (see pace())
        self.gestures = gestures
        self.dispatcher = dispatcher
        self.sink = sink
        self.timer = timer or StageTimer()
        self._clock = clock
        self._busy = busy
        self._retry_s = estimator_retry_s
        self.pause = PauseState()
        self.last_pose: Pose | None = None
        self.last_selection: Selection | None = None
        # without a people stage: a person alone in view is the user, nobody ever engages
        self.people: PeopleStage = people or PeopleStage(UserSettings(), lambda pose: False)
        self._controlling: int | None = None
        self._last_size: tuple[int, int] = (1, 1)
        self._build_error: tuple[float, GesturectlError] | None = None
        self._last_t: float | None = None
        self.max_actions_per_s = max_actions_per_s
        self._recent_actions: deque[float] = deque(maxlen=128)

    # -- state changes -------------------------------------------------------------------------
    def reset(self) -> None:
        """A new stream starts (source (re)opened): forget tracking and gestures in progress."""
        if self._estimator is not None:
            self._estimator.reset()
        self.gestures.reset()
        self.people.reset()
        self.last_pose = None
        self.last_selection = None
        self._controlling = None

    def replace(
        self,
        gestures: GestureStage,
        dispatcher: Dispatcher,
        pose_settings: PoseSettings,
        people: PeopleStage | None = None,
    ) -> None:
        """Swap in a reloaded configuration; the pose model is rebuilt only when its settings changed, the
        people stage (and so the user lock) only when it was built from other settings.

        A model in use is replaced only by one that loads: when the new one fails, this raises its
        GesturectlError and nothing is swapped (the old config and model keep running)."""
        new_estimator = None
        if pose_settings != self._pose_settings and self._estimator is not None:
            new_estimator = self._make_estimator(pose_settings, self.timer)
        self.gestures, self.dispatcher = gestures, dispatcher
        if people is not None and people.key != self.people.key:
            self.people = people
            self._controlling = None
        if pose_settings != self._pose_settings:
            self._pose_settings = pose_settings
            self._estimator = new_estimator
            self._apply_recheck()
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
    @property
    def someone_in_view(self) -> bool:
        """Whether the latest frame showed anyone at all (in control or not)."""
        return self.last_selection is not None and bool(self.last_selection.scene.people)

    def now(self) -> float:
        """The engine's clock (monotonic seconds; the items' own in tests)."""
        return self._clock()

    @property
    def underway(self) -> bool:
        """Whether a gesture may be underway on the latest frame (the user's, or someone taking the lock)."""
        return self.gestures.underway or self.people.lock.claiming

    def pace(self, recheck_scale: float) -> None:
        """Let the pose stage re-find people `recheck_scale` times less often than its settings say (while
        the daemon only watches); 1 restores the configured rate. A model built or reloaded later gets it too."""
        self._recheck_scale = recheck_scale
        self._apply_recheck()

    def _apply_recheck(self) -> None:
        set_recheck = getattr(self._estimator, "set_recheck_s", None)
        if set_recheck is not None:
            set_recheck(self._pose_settings.recheck_s * self._recheck_scale)

    def process(self, captured: Captured) -> list[Outcome]:
        self._check_time(captured.item.t)
        scene = self._scene(captured.item)
        selection = self.timer.record("people", lambda: self.people.select(scene))
        if selection.controlling != self._controlling:
            self.gestures.reset()  # a new user (or none): nothing half-done carries over
            self._controlling = selection.controlling
        pose = selection.pose
        self.last_pose, self.last_selection = pose, selection
        events = self.timer.record("gestures", lambda: self.gestures.update(pose))
        outcomes = self.finished_actions()
        for event in events:
            for d in self.dispatcher.dispatch(event, paused=self.pause.paused, busy=self._busy()):
                if (o := self._perform(d, captured.wall)) is not None:
                    outcomes.append(o)
        return outcomes

    def finished_actions(self, wait_s: float = 0.0) -> list[Outcome]:
        """App actions whose slow part has finished off the loop since the last call (with `wait_s`, after
        waiting that long at most for all of them: the daemon's last call as it stops)."""
        if self._background is None:
            return []
        done = self._background.drain(wait_s) if wait_s > 0 else self._background.collect()
        return [Outcome(d, result, error, acted_after_s) for (d, acted_after_s), result, error in done]

    def _check_time(self, t: float) -> None:
        """Time that goes back (a new recording, a trace of several takes) would hold every cooldown, hold and
        refractory time until it caught up again: the gestures start afresh instead."""
        if self._last_t is not None and t < self._last_t - 1e-6:
            log.info("time went back %.3f s: gestures start afresh", self._last_t - t)
            if isinstance(self.gestures, GesturePipeline):  # (its cooldowns too, which reset() keeps)
                self.gestures = GesturePipeline(self.gestures.recognizer.spec)
            else:
                self.gestures.reset()
            self.people.reset()  # tracks, the lock's timers and engage holds are on the old clock too
            self._controlling = None
        self._last_t = t

    def _scene(self, item: SourceItem) -> Scene:
        if isinstance(item, PoseSample):
            return self._scene_of(item.pose, item.t)
        if not isinstance(item, Frame):
            raise TypeError(f"cannot process a {type(item).__name__}")
        est = self._estimator or self._build_estimator()
        estimate_scene = getattr(est, "estimate_scene", None)
        try:
            if estimate_scene is not None:
                scene: Scene = self.timer.record("pose", lambda: estimate_scene(item))
                self._last_size = scene.image_size
                return scene
            return self._scene_of(self.timer.record("pose", lambda: est.estimate(item)), item.t, item.size)
        except GesturectlError:
            raise
        except Exception as e:  # a model of the wrong kind fails in its own way: a state, never a crash
            log.debug("pose model failed", exc_info=True)
            raise ModelError(f"the pose model failed on a frame ({type(e).__name__}: {first_line(e)})") from e

    def _scene_of(self, pose: Pose | None, t: float, size: tuple[int, int] | None = None) -> Scene:
        """A single-person source's output as a scene of one (or of nobody)."""
        if pose is not None:
            self._last_size = pose.image_size
            return Scene.of(pose)
        return Scene.of(None, size or self._last_size, t)

    def _build_estimator(self) -> PoseEstimator:
        """The pose model, built on first use; a failure is re-raised without retrying for `retry_s`."""
        now = self._clock()
        if self._build_error is not None and now - self._build_error[0] < self._retry_s:
            raise self._build_error[1]
        try:
            self._estimator = self._make_estimator(self._pose_settings, self.timer)
            self._apply_recheck()
        except GesturectlError as e:
            self._build_error = (now, e)
            raise
        self._build_error = None
        return self._estimator

    def _over_rate(self, now: float) -> bool:
        """The global cap (`daemon.max_actions_per_s`): True when one more action now would exceed it."""
        recent = self._recent_actions
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if recent and now < recent[-1]:  # time went back: start counting afresh
            recent.clear()
        if len(recent) >= min(self.max_actions_per_s, recent.maxlen or 128):
            return True
        recent.append(now)
        return False

    def _perform(self, d: Decision, captured_wall: float) -> Outcome | None:
        def done(result: str | None = None, error: str | None = None) -> Outcome:
            return Outcome(d, result, error, self._clock() - captured_wall)

        action = d.action
        if action is None:
            return done()
        if isinstance(action, Control):
            state = self.command(action.command, PausedBy.GESTURE)
            return done("paused" if state.paused else "resumed")
        if self._over_rate(captured_wall):
            d = replace(d, action=None, skipped=f"more than {self.max_actions_per_s:g} actions per second")
            return Outcome(d, None, None, self._clock() - captured_wall)
        try:
            if self._background is None:
                return done(self.timer.record("action", lambda: self.sink.perform(action)))
            started = self.timer.record("action", lambda: self.sink.start(action))
            if isinstance(started, Pending):
                # acted now (the program started, its windows asked); what became of it comes on a later frame
                self._background.submit((d, self._clock() - captured_wall), started.finish)
                return None
            return done(started)
        except GesturectlError as e:
            log.error("%s", e)
            return done(error=str(e))
        except Exception as e:  # an action must never take the loop down
            log.exception("action %s failed", d.action_name)
            return done(error=f"action {d.action_name!r} failed: {type(e).__name__}: {e}")
