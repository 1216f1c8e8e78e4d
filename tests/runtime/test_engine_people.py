"""The engine with a multi-person estimator: only the user's gestures reach the actions."""

from __future__ import annotations

import numpy as np

from gesturectl.actions.dispatch import Dispatcher
from gesturectl.actions.sink import DryRunSink
from gesturectl.config import load_config
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.runtime.capture import Captured
from gesturectl.runtime.engine import Engine
from gesturectl.runtime.selection import people_stage
from gesturectl.sources.base import PoseSample
from gesturectl.synth.puppet import GESTURE_SCRIPTS, Move
from gesturectl.types import Frame
from tests.people.scenes import BYSTANDER_CAM, USER_CAM, Actor, scenes

CFG = load_config(None)
ENGAGE = [Move("rest", 0.3), Move("hands_together", 0.6), Move("rest", 0.6)]


class SceneEstimator:
    """Stands in for a multi-person model: returns the prepared scene for each frame's index."""

    def __init__(self, frames):
        self.frames = list(frames)
        self.last_roi = None

    def estimate_scene(self, frame: Frame):
        return self.frames[frame.index]

    def estimate(self, frame: Frame):  # pragma: no cover - the engine prefers estimate_scene
        raise AssertionError("the engine should ask for the whole scene")

    def reset(self) -> None:
        pass


def _engine(est) -> Engine:
    dispatcher = Dispatcher(CFG.bindings, CFG.actions, CFG.apps, foreground=lambda: "chrome")
    people = people_stage(CFG.user, CFG.gestures)
    return Engine(lambda s, t: est, CFG.pose, GesturePipeline(CFG.gestures), dispatcher, DryRunSink(), people=people)


def _run(frames) -> tuple[list[str], Engine]:
    est = SceneEstimator(frames)
    engine = _engine(est)
    image = np.zeros((4, 4, 3), np.uint8)
    fired = []
    for i, s in enumerate(est.frames):
        for o in engine.process(Captured(Frame(image, s.t, i), s.t)):
            fired.append(o.decision.event.gesture)
    return fired, engine


def test_only_the_users_gestures_fire():
    user = Actor(ENGAGE + [Move("rest", 4.5)] + GESTURE_SCRIPTS["zoom_in"], USER_CAM)
    bystander = Actor([Move("rest", 1.5)] + GESTURE_SCRIPTS["open_app"] + GESTURE_SCRIPTS["close_app"], BYSTANDER_CAM)
    fired, engine = _run(scenes(user, bystander))
    assert fired == ["zoom_in"]
    assert engine.last_selection is not None and engine.last_selection.controlling == 0
    assert len(engine.last_selection.scene.people) == 2 and engine.someone_in_view


def test_a_trace_is_a_scene_of_one():
    engine = _engine(None)
    fired = []
    for s in scenes(Actor(GESTURE_SCRIPTS["open_app"], USER_CAM)):
        pose = s.people[0].pose
        fired += [o.decision.event.gesture for o in engine.process(Captured(PoseSample(s.t, pose), s.t))]
    assert fired == ["open_app"]  # alone in view: the lock is theirs (user.solo)
    engine.process(Captured(PoseSample(99.0, None), 99.0))
    assert not engine.someone_in_view and engine.last_pose is None


def test_a_reload_keeps_the_lock_unless_the_people_settings_changed():
    engine = _engine(None)
    for s in scenes(Actor([Move("rest", 0.3)], USER_CAM)):
        engine.process(Captured(PoseSample(s.t, s.people[0].pose), s.t))
    stage = engine.people
    assert stage.lock.user == 0
    engine.replace(GesturePipeline(CFG.gestures), engine.dispatcher, CFG.pose, people_stage(CFG.user, CFG.gestures))
    assert engine.people is stage and stage.lock.user == 0
    other = CFG.user.model_copy(update={"release_s": 5.0})
    engine.replace(GesturePipeline(CFG.gestures), engine.dispatcher, CFG.pose, people_stage(other, CFG.gestures))
    assert engine.people is not stage and engine.people.settings.release_s == 5.0
