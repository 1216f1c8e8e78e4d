"""App actions off the frame loop: the loop hands over the slow part and goes on; what it did arrives later.

A launch waits half a second to see that the program does not fail at once, a close waits for the app to go:
on the loop, every frame waited too (the preview froze, a gesture begun meanwhile was lost)."""

from __future__ import annotations

import shutil
import threading
import time

import psutil
import pytest

from gesturectl.actions.action import Pending
from gesturectl.actions.apps import AppController
from gesturectl.actions.sink import OsActionSink
from gesturectl.errors import ActionError
from gesturectl.runtime.background import BackgroundActions
from gesturectl.synth.puppet import GESTURE_SCRIPTS
from gesturectl.synth.puppet import Move as M
from tests.fakes import RecordingKeyboard
from tests.runtime.test_daemon_logic import Harness

APPS = """
apps:
  sleeper: {{argv: [{argv}], process_names: [gesturectl-no-such-app]}}
actions:
  open_sleeper: {{launch: sleeper}}
  close_sleeper: {{close: sleeper}}
bindings:
  - {{gesture: open_app, action: open_sleeper}}
  - {{gesture: close_app, action: close_sleeper}}
"""


def test_work_runs_in_order_and_is_collected_without_waiting():
    bg: BackgroundActions[str] = BackgroundActions()
    gate = threading.Event()
    bg.submit("first", lambda: "one" if gate.wait(10) else "timed out")
    bg.submit("second", lambda: "two")

    def fails() -> str:
        raise ActionError("action 'launch x' failed: x is not installed")

    bg.submit("third", fails)
    assert bg.collect() == [] and bg.open == 3  # nothing waits for the first
    gate.set()
    done = bg.drain(10)
    assert done == [
        ("first", "one", None),
        ("second", "two", None),
        ("third", None, "action 'launch x' failed: x is not installed"),
    ]
    assert bg.open == 0 and bg.collect() == []


class GatedSink(OsActionSink):
    """An OS sink whose app actions finish only when the test says so."""

    def __init__(self) -> None:
        super().__init__(RecordingKeyboard(), AppController())
        self.gate = threading.Event()
        self.started: list[str] = []

    def start(self, action):
        self.started.append(action.describe())
        return Pending(lambda: f"done {action.describe()}" if self.gate.wait(10) else "never")


def test_the_frames_go_on_while_an_app_action_finishes_and_its_outcome_comes_after(tmp_path):
    sink = GatedSink()
    h = Harness(tmp_path, APPS.format(argv="sleep, '30'"), sink=sink)
    # open_app fires; its launch is still "running" (the gate is shut) while the frames after it are processed
    assert h.feed([*GESTURE_SCRIPTS["open_app"], M("rest", 1.0)]) == []
    assert sink.started == ["launch sleeper"]
    processed = h.daemon.status().frames
    sink.gate.set()
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while not lines and time.monotonic() < deadline:  # the next frames collect it
        lines = h.feed([M("rest", 0.1)])
    assert lines == ["open_app -> open_sleeper: done launch sleeper"]
    # gesture to action is when it acted (the program started), not when its watch ended frames later
    assert h.outcomes[-1].latency_s == 0.0
    assert h.daemon.status().frames > processed and h.daemon.status().last_event["result"] == "done launch sleeper"


@pytest.mark.skipif(shutil.which("sleep") is None, reason="needs sleep(1)")
def test_a_real_launch_and_close_are_said_when_they_finish(tmp_path):
    h = Harness(tmp_path, APPS.format(argv="sleep, '30'"), sink=OsActionSink(RecordingKeyboard(), AppController()))
    script = [*GESTURE_SCRIPTS["open_app"], M("rest", 2.0), *GESTURE_SCRIPTS["close_app"][1:], M("rest", 2.0)]
    lines = h.feed(script)
    lines += [f"{o.decision.event.gesture}: {o.result}" for o in h.daemon.engine.finished_actions(wait_s=10)]
    started = next(ln for ln in lines if "started sleeper" in ln)
    pid = int(started.rsplit("pid ", 1)[1].rstrip(")"))
    closed = [ln for ln in lines if "closed sleeper" in ln]
    assert closed and f"pids [{pid}]; terminated" in closed[0], lines
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
