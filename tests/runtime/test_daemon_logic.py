"""The daemon's logic in-process, on the items' own clock, with fakes for every OS edge: pause and resume
from the CLI and from the gesture, reload (broken and valid), auto-pause, a failing pose model and a
failing action, the source lost and back, the idle rate. No sleeps, no subprocesses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gesturectl.actions.apps import AppController
from gesturectl.actions.sink import DryRunSink, OsActionSink
from gesturectl.commands import Command
from gesturectl.config import load_config
from gesturectl.errors import ModelError
from gesturectl.runtime.assembly import Edges, build_daemon
from gesturectl.runtime.capture import Captured, SourceEvent
from gesturectl.runtime.daemon import DaemonOptions
from gesturectl.sources.base import PoseSample
from gesturectl.synth.puppet import GESTURE_SCRIPTS, perform
from gesturectl.synth.puppet import Move as M
from gesturectl.types import Frame
from tests.fakes import RecordingKeyboard


class Harness:
    """A daemon built by `build_daemon` with fake edges; `feed()` plays a puppet script through it."""

    def __init__(self, tmp_path: Path, config: str = "", sink=None, make_estimator=None, busy=lambda: False):
        self.cfg_path = tmp_path / "config.yaml"
        self.cfg_path.write_text(config)
        self.outcomes = []
        self.states = []
        self.now = 0.0
        self.sink = sink or DryRunSink()
        edges = Edges(
            sink=self.sink,
            open_source=lambda spec: pytest.fail("capture is not started in-process"),
            make_estimator=make_estimator or (lambda s, t: pytest.fail("traces need no model")),
            foreground_for=lambda apps: lambda: "chrome",
            busy=busy,
            clock=lambda: self.now,
        )
        cfg = load_config(self.cfg_path)
        self.daemon, _ = build_daemon(
            cfg,
            DaemonOptions("fake", self.cfg_path),
            edges,
            lambda: load_config(self.cfg_path),
            self.outcomes.append,
            self.states.append,
        )
        self.t0 = 0.0
        self.daemon.source_event(SourceEvent("started"))

    def feed(self, script, start="rest") -> list[str]:
        """Play a script after what was played so far; the lines `gesture -> action: result` it produced."""
        before = len(self.outcomes)
        last = self.t0
        for t, pose in perform(script, seed=3, noise_px=1.0, start=start):
            self.now = last = self.t0 + t
            if pose is not None:
                pose = type(pose)(pose.keypoints, pose.scores, pose.layout, pose.image_size, pose.presence, self.now)
            self.daemon.process(Captured(PoseSample(self.now, pose), self.now))
        self.t0 = last + 1 / 30
        return [
            f"{o.decision.event.gesture} -> {o.decision.action_name}: "
            f"{o.error or o.result or 'skipped: ' + str(o.decision.skipped)}"
            for o in self.outcomes[before:]
        ]


def test_pause_and_resume_from_the_cli_skip_actions_and_release_keys(tmp_path):
    kb = RecordingKeyboard()
    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n", sink=OsActionSink(kb, AppController()))
    assert h.daemon.handle(Command.PAUSE) == {"ok": True, "state": "paused", "paused": True}
    assert h.daemon.status().paused_by == "user" and h.states[-1].state == "paused"
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: skipped: paused"]
    assert kb.log == []
    assert h.daemon.handle(Command.RESUME)["paused"] is False
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: sent ctrl+="]
    assert kb.log == [("down", "ctrl"), ("down", "="), ("up", "="), ("up", "ctrl")]


def test_the_pause_gesture_toggles_and_says_it_was_the_gesture(tmp_path):
    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n")
    assert h.feed(GESTURE_SCRIPTS["pause"]) == ["pause -> toggle_pause: paused"]
    st = h.daemon.status()
    assert st.state == "paused" and st.paused_by == "gesture"
    assert h.feed(GESTURE_SCRIPTS["zoom_out"]) == ["zoom_out -> zoom_out: skipped: paused"]
    assert h.feed(GESTURE_SCRIPTS["pause"]) == ["pause -> toggle_pause: resumed"]
    assert h.feed(GESTURE_SCRIPTS["zoom_out"]) == ["zoom_out -> zoom_out: dry run: would hotkey mod+-"]


def test_reload_keeps_the_running_config_when_the_new_one_is_broken(tmp_path):
    h = Harness(tmp_path, "actions:\n  zoom_in: {hotkey: [mod, '=']}\n")
    h.cfg_path.write_text("gestures:\n  refractory_s: -1\nbindings: [{gesture: zoom_in, action: nope}]\n")
    r = h.daemon.handle(Command.RELOAD)
    assert r["ok"] is False and "still running the previous one" in r["error"]
    assert "gestures.refractory_s (line 2)" in r["error"] and "unknown action 'nope'" in r["error"]
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: dry run: would hotkey mod+="]
    h.cfg_path.write_text("actions:\n  zoom_in: {hotkey: [mod, '0']}\n")
    assert h.daemon.handle(Command.RELOAD)["ok"] is True
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: dry run: would hotkey mod+0"]
    assert h.cfg_path.read_text() == "actions:\n  zoom_in: {hotkey: [mod, '0']}\n"  # never rewritten


def test_reload_keeps_a_gesture_pause(tmp_path):
    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n")
    h.feed(GESTURE_SCRIPTS["pause"])
    assert h.daemon.handle(Command.RELOAD)["ok"] is True
    assert h.daemon.status().paused is True


def test_auto_pause_skips_actions_while_the_user_types(tmp_path):
    typing = {"now": True}
    h = Harness(tmp_path, busy=lambda: typing["now"])
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: skipped: you are using the keyboard or mouse"]
    assert h.feed(GESTURE_SCRIPTS["pause"]) == ["pause -> toggle_pause: paused"]  # pause control still passes
    h.daemon.handle(Command.RESUME)
    typing["now"] = False
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: dry run: would hotkey mod+="]


def test_a_failing_pose_model_is_a_state_not_a_crash_and_reload_fixes_it(tmp_path):
    import numpy as np

    calls = []

    def make_estimator(settings, timer):
        calls.append(settings.model)
        if settings.model == "full":
            raise ModelError("model file full.onnx is corrupt; restore it")
        return type("Est", (), {"estimate": lambda self, f: None, "reset": lambda self: None, "last_roi": None})()

    h = Harness(tmp_path, make_estimator=make_estimator)
    frame = Frame(np.zeros((48, 64, 3), np.uint8), 0.0)
    h.daemon.process(Captured(frame, 0.0))
    st = h.daemon.status()
    assert st.state == "pose model error" and "corrupt" in st.pose_error
    assert h.states[-1].state == "pose model error"
    h.daemon.process(Captured(frame, 1.0))  # not rebuilt on every frame: retried after a pause
    assert calls == ["full"]
    h.cfg_path.write_text("pose: {model: lite}\n")
    assert h.daemon.handle(Command.RELOAD)["ok"] is True
    h.daemon.process(Captured(frame, 2.0))
    assert calls == ["full", "lite"] and h.daemon.status().pose_error is None
    assert h.daemon.status().state == "running"


def test_a_failing_action_is_reported_and_the_daemon_goes_on(tmp_path):
    h = Harness(
        tmp_path,
        "apps:\n  ghost: {argv: [no-such-program-gesturectl]}\nactions:\n  open_ghost: {launch: ghost}\n"
        "bindings:\n  - {gesture: open_app, action: open_ghost}\n",
        sink=OsActionSink(RecordingKeyboard(), AppController()),
    )
    [line] = h.feed(GESTURE_SCRIPTS["open_app"])
    assert (
        "open_app -> open_ghost: action 'launch ghost' failed: app 'ghost': 'no-such-program-gesturectl' "
        "is not installed" in line
    )
    assert h.daemon.status().last_event["error"] is not None
    assert h.daemon.handle(Command.STATUS)["ok"] is True


def test_source_lost_resets_gestures_and_comes_back(tmp_path):
    h = Harness(tmp_path)
    half = [M("rest", 1), M("hands_together", 1), M("hands_together", 0.5)]  # the zoom's ready phase only
    assert h.feed(half) == []
    h.daemon.source_event(SourceEvent("lost", "camera 0 cannot be opened", 0.5))
    st = h.daemon.status()
    assert st.state == "no camera" and "retrying in 0.5 s" in st.source_message
    h.daemon.source_event(SourceEvent("started"))
    # the spread alone, right after the camera came back, must not complete the zoom begun before
    assert h.feed([M("hands_apart", 0.4), M("hands_apart", 0.5)], start="hands_mid") == []
    assert h.daemon.status().state == "running"


def test_with_exit_at_end_a_lost_source_is_not_said_to_be_retried(tmp_path):
    h = Harness(tmp_path)
    h.daemon.opts = dataclasses.replace(h.daemon.opts, exit_at_end=True)
    assert h.daemon.source_event(SourceEvent("lost", "camera 5 cannot be opened", 0.5)) is True  # it stops
    assert h.daemon.status().source_message == "camera 5 cannot be opened"  # no "(retrying in 0.5 s)"


def test_exit_at_end_and_stop(tmp_path):
    h = Harness(tmp_path)
    assert h.daemon.source_event(SourceEvent("ended")) is False  # without --exit-at-end it stays up
    assert h.daemon.status().state == "ended"
    assert h.daemon.handle(Command.STOP)["ok"] is True
    assert h.daemon._stop.is_set()


def test_the_frame_rate_follows_who_is_in_view_and_what_they_do(tmp_path):
    """Watch rate with someone in view, idle rate and only changed frames with nobody, every frame while a
    gesture may be underway, none while paused by the user; recorded poses are never paced."""
    import numpy as np

    seen = {"pose": None}
    rest = next(p for _, p in perform([M("rest", 0.1)]) if p is not None)
    engage = next(p for _, p in perform([M("hands_mid", 0.1)], start="hands_mid") if p is not None)

    class Est:
        last_roi = None

        def estimate(self, frame):
            p = seen["pose"]
            return None if p is None else type(p)(p.keypoints, p.scores, p.layout, p.image_size, p.presence, frame.t)

        def reset(self):
            pass

    h = Harness(tmp_path, "daemon: {watch_fps: 8, idle_fps: 2, idle_after_s: 1}\n", make_estimator=lambda s, t: Est())
    still = np.zeros((48, 64, 3), np.uint8)

    def play(t0, seconds, image=None):
        before = h.daemon.status().frames
        for i in range(int(seconds * 30)):
            t = t0 + i / 30
            frame = image(i) if image is not None else still
            h.daemon.process(Captured(Frame(frame, t, i), t))
        return h.daemon.status().frames - before

    assert play(0.0, 1.0) == 1  # nobody since the start: idle at once, and the view does not change
    assert play(1.0, 2.0) <= 1  # nobody, nothing changes: the model is not run
    moving = [still.copy() for _ in range(3)]
    for k, m in enumerate(moving):  # something crossing the room
        m[10:30, 10 + 15 * k : 25 + 15 * k] = 200
    assert 3 <= play(3.0, 2.0, lambda i: moving[(i // 15) % 3]) <= 5  # something moves: 2 looks a second
    seen["pose"] = rest
    assert 14 <= play(5.0, 2.0) <= 17  # someone in view, not gesturing: 8 a second
    seen["pose"] = engage
    assert play(7.0, 1.0) >= 28  # the engage pose: every frame
    h.daemon.handle(Command.PAUSE)
    assert play(8.0, 1.0) == 0  # paused by the user: no frame at all
    h.daemon.handle(Command.RESUME)
    assert play(9.0, 1.0) >= 28  # resumed: the next frame is looked at, and the engaged user keeps it at full rate
    before = h.daemon.status().frames
    h.daemon.handle(Command.PAUSE)
    for i in range(30):  # recorded poses cost nothing: a trace is read whole even while paused
        h.daemon.process(Captured(PoseSample(10.0 + i / 30, None), 10.0 + i / 30))
    assert h.daemon.status().frames - before == 30


def test_events_and_their_actions_go_to_the_log_at_info(tmp_path, caplog):
    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n", sink=OsActionSink(RecordingKeyboard(), AppController()))
    with caplog.at_level("INFO", logger="gesturectl.runtime.daemon"):
        h.feed(GESTURE_SCRIPTS["zoom_in"])
        h.daemon.handle(Command.PAUSE)
        h.feed(GESTURE_SCRIPTS["zoom_out"])
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "gesturectl.runtime.daemon"]
    assert ("INFO", "zoom_in -> hotkey ctrl+= (chrome)") in lines
    assert ("INFO", "zoom_out -> action zoom_out (chrome) skipped: paused") in lines


def test_status_with_gestures_reports_the_progress_of_the_last_frame(tmp_path):
    from gesturectl.cli.control import format_gestures

    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n")
    h.feed([M("rest", 0.5), M("both_up", 1.0), M("both_up", 0.5)])
    reply = h.daemon.handle(Command.GESTURES)
    assert reply["ok"] and reply["state"] == "running" and reply["person_in_view"] is True
    recs = {r["gesture"]: r for r in reply["gestures"]}
    assert list(recs) == ["pause", "open_app", "close_app", "zoom_in", "zoom_out"]
    pause = recs["pause"]
    assert pause["state"] == "progress" and pause["phase"] == "0/1"
    assert pause["blocking"]["condition"] == "left_wrist right of right_wrist by > 0.10"
    assert pause["blocking"]["value"] == pytest.approx(-1.1, abs=0.1)
    text = format_gestures(reply["gestures"])
    assert "pause" in text and "left_wrist right of right_wrist by > 0.10 (is 1.1" in text and "sw left of it)" in text


def test_the_pace_reaches_a_pose_model_built_or_reloaded_after_it_was_set(tmp_path):
    """Watching re-finds people 4x less often: a model built on the first frame, or by a reload, gets that too."""
    import numpy as np

    from gesturectl.pose.settings import PoseSettings

    built = []

    class Est:
        last_roi = None

        def __init__(self, settings):
            self.recheck_s = settings.recheck_s
            built.append(self)

        def set_recheck_s(self, seconds):
            self.recheck_s = seconds

        def estimate(self, frame):
            return None

        def reset(self):
            pass

    h = Harness(tmp_path, "pose: {recheck_s: 0.5}\n", make_estimator=lambda s, t: Est(s))
    engine = h.daemon.engine
    engine.pace(4.0)
    engine.process(Captured(Frame(np.zeros((48, 64, 3), np.uint8), 0.0, 0), 0.0))
    assert [e.recheck_s for e in built] == [2.0]
    engine.replace(engine.gestures, engine.dispatcher, PoseSettings(recheck_s=1.0))
    assert [e.recheck_s for e in built] == [2.0, 4.0]
    engine.pace(1.0)
    assert built[-1].recheck_s == 1.0


def test_status_says_who_is_in_view_and_whose_gestures_count(tmp_path):
    from gesturectl.cli.control import format_status

    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n")
    st = h.daemon.status()
    assert (st.people_in_view, st.user) == (0, None)
    h.feed(GESTURE_SCRIPTS["zoom_in"])
    st = h.daemon.status()
    assert st.people_in_view == 1 and st.user is not None and st.user_in_view
    assert f"people in view: 1; person #{st.user} is in control" in format_status(st.to_dict())
    for _ in range(30):  # the user walks out of view: a second of frames with nobody
        h.now += 1 / 30
        h.daemon.process(Captured(PoseSample(h.now, None), h.now))
    st = h.daemon.status()
    assert st.people_in_view == 0
    text = format_status(st.to_dict())
    assert "people in view: none" in text and ("out of view" in text or "nobody is in control" in text)
