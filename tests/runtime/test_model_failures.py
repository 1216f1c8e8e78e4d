"""A pose model that fails in its own way (not one of our errors) is a state, not a crash; a reload whose new
model does not load keeps the old config and the old model running."""

from __future__ import annotations

import numpy as np

from gesturectl.commands import Command
from gesturectl.errors import ModelError
from gesturectl.runtime.capture import Captured
from gesturectl.types import Frame
from tests.runtime.test_daemon_logic import Harness


def estimator(estimate):
    return type("Est", (), {"estimate": lambda self, f: estimate(f), "reset": lambda self: None, "last_roi": None})()


def test_a_model_of_the_wrong_kind_is_a_state_not_a_crash(tmp_path):
    def wrong(frame):
        raise IndexError("index 33 is out of bounds for axis 0 with size 17")

    h = Harness(tmp_path, make_estimator=lambda s, t: estimator(wrong))
    h.daemon.process(Captured(Frame(np.zeros((48, 64, 3), np.uint8), 0.0), 0.0))
    st = h.daemon.status()
    assert st.state == "pose model error" and "IndexError: index 33 is out of bounds" in st.pose_error


def test_a_reload_whose_model_does_not_load_keeps_the_old_one(tmp_path):
    built = []

    def make(settings, timer):
        if settings.model == "lite":
            raise ModelError("lite.onnx is not a landmark model")
        built.append(settings.model)
        return estimator(lambda f: None)

    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n", make_estimator=make)
    h.daemon.process(Captured(Frame(np.zeros((48, 64, 3), np.uint8), 0.0), 0.0))
    assert built == ["full"]
    h.cfg_path.write_text("pose: {model: lite}\ndaemon: {idle_fps: 7}\n")
    r = h.daemon.handle(Command.RELOAD)
    assert r["ok"] is False and "still running the previous one" in r["error"] and "not a landmark model" in r["error"]
    assert h.daemon.cfg.daemon.idle_fps == 30 and h.daemon.cfg.pose.model == "full"
    h.daemon.process(Captured(Frame(np.zeros((48, 64, 3), np.uint8), 1.0), 1.0))
    assert h.daemon.status().pose_error is None and built == ["full"]
