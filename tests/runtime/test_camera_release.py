"""The camera is let go of while the user has paused (CLI, tray, hotkey): its light goes off, and resume
opens it again within a second. Paused by the gesture, it keeps watching so the gesture can resume.
A fake camera records every open and close; the daemon runs its real loop and capture thread in-process."""

from __future__ import annotations

import threading
import time

from gesturectl.actions.sink import DryRunSink
from gesturectl.commands import Command, PausedBy, PauseState
from gesturectl.config import load_config
from gesturectl.runtime.assembly import Edges, build_daemon
from gesturectl.runtime.capture import Capture, LatestSlot, SourceEvent
from gesturectl.runtime.daemon import DaemonOptions, camera_off
from gesturectl.sources.base import PoseSample


class FakeCamera:
    """A live source yielding empty pose samples at `fps`; the log records opens and closes."""

    live = True

    def __init__(self, log: list, fps: float = 100.0) -> None:
        self.fps, self._log = fps, log
        self._closed = threading.Event()
        log.append(("open", time.monotonic()))

    def __iter__(self):
        i = 0
        while not self._closed.is_set():
            time.sleep(1 / self.fps)
            yield PoseSample(time.monotonic(), None)
            i += 1

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._log.append(("close", time.monotonic()))


def wait_for(pred, timeout=3.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.005)
    return pred()


def kinds(log):
    return [k for k, _ in log]


def test_only_a_pause_by_the_user_turns_the_camera_off():
    assert camera_off(PauseState().apply(Command.PAUSE, PausedBy.USER))
    assert not camera_off(PauseState().apply(Command.PAUSE, PausedBy.GESTURE))
    assert not camera_off(PauseState())
    # paused by the gesture, then the user pauses too: now it is the user's pause
    assert camera_off(PauseState().apply(Command.PAUSE, PausedBy.GESTURE).apply(Command.PAUSE, PausedBy.USER))


def test_capture_closes_a_live_source_on_release_and_reopens_it_on_take_back():
    log: list = []
    slot = LatestSlot()
    cap = Capture(lambda: FakeCamera(log), slot)
    events: list[str] = []

    def consume():
        while not stop.is_set():
            item = slot.get(0.05)
            if isinstance(item, SourceEvent):
                events.append(item.kind)

    stop = threading.Event()
    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    cap.start()
    try:
        assert wait_for(lambda: kinds(log) == ["open"])
        cap.release(True)
        assert wait_for(lambda: kinds(log) == ["open", "close"])
        assert wait_for(lambda: events[-1:] == ["released"])
        time.sleep(0.1)
        assert kinds(log) == ["open", "close"]  # stays closed while released
        t_resume = time.monotonic()
        cap.release(False)
        assert wait_for(lambda: kinds(log) == ["open", "close", "open"])
        assert log[-1][1] - t_resume < 1.0
        assert wait_for(lambda: events[-1:] == ["started"])
    finally:
        cap.stop()
        stop.set()
        cap.join(2)


def test_the_daemon_turns_the_camera_off_when_paused_from_the_cli_and_on_again_on_resume(tmp_path):
    cfg_path = tmp_path / "config.yaml"
    cfg_path.write_text("")
    log: list = []
    edges = Edges(sink=DryRunSink(), open_source=lambda spec: FakeCamera(log), make_estimator=lambda s, t: None)
    daemon, _ = build_daemon(load_config(cfg_path), DaemonOptions("0", cfg_path), edges, lambda: load_config(cfg_path))
    loop = threading.Thread(target=daemon.run, daemon=True)
    loop.start()
    try:
        assert wait_for(lambda: daemon.status().source_state == "started")
        assert daemon.command(Command.PAUSE) == {"ok": True, "state": "paused", "paused": True}
        assert wait_for(lambda: kinds(log) == ["open", "close"]), log
        assert wait_for(lambda: daemon.status().source_state == "released")
        assert daemon.status().state == "paused"
        t_resume = time.monotonic()
        assert daemon.command(Command.TOGGLE_PAUSE)["paused"] is False  # the hotkey and the tray toggle
        assert wait_for(lambda: kinds(log) == ["open", "close", "open"]), log
        assert log[-1][1] - t_resume < 1.0
        assert wait_for(lambda: daemon.status().state == "running")

        # paused by the gesture: the camera stays on (the gesture must be seen to resume)
        assert daemon.command(Command.PAUSE, by=PausedBy.GESTURE)["paused"] is True
        time.sleep(0.2)
        assert kinds(log) == ["open", "close", "open"] and daemon.status().source_state == "started"
        frames = daemon.status().frames
        assert wait_for(lambda: daemon.status().frames > frames)  # still watching, at the idle rate
    finally:
        daemon.stop()
        loop.join(5)
    assert kinds(log)[-1] == "close"
