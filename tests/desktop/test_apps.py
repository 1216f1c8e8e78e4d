"""Open and close a real application: open_app starts xclock from the config, close_app closes it
(its process and its window disappear); processes the config does not name, and processes of
other users with the app's name, are never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from gesturectl.actions.apps import AppController
from gesturectl.actions.spec import AppSpec
from gesturectl.actions.windows import X11Windows
from gesturectl.synth.puppet import GESTURE_SCRIPTS
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until, xdotool

CONFIG = """
apps:
  clock:
    argv: [xclock, -update, "1"]
    process_names: [xclock]
    window_classes: [xclock]
    close_timeout_s: 4
actions:
  open_clock: {launch: clock}
  close_clock: {close: clock}
bindings:
  - {gesture: open_app, action: open_clock}
  - {gesture: close_app, action: close_clock}
daemon:
  tray: "off"
"""


def _xclocks(uid):
    return [
        p
        for p in psutil.process_iter(["name", "uids"])
        if p.info["name"] == "xclock" and p.info["uids"].real == uid and p.status() != psutil.STATUS_ZOMBIE
    ]


def _clock_windows(env):
    return [w for w in xdotool(env, "search", "--onlyvisible", "--class", "xclock").split("\n") if w]


def test_open_and_close_a_real_application(xsession, tmp_path):
    if shutil.which("xclock") is None or shutil.which("xeyes") is None:
        pytest.skip("needs x11-apps (xclock, xeyes)")
    env = xsession
    uid = os.getuid()
    assert _xclocks(uid) == []
    cfg = tmp_path / "config.yaml"
    cfg.write_text(CONFIG)
    bystander = subprocess.Popen(["xeyes"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    other_user = None
    if uid == 0:  # a process named like the app but owned by someone else (nobody): must survive
        other_dir = tempfile.mkdtemp(prefix="gesturectl-other-")  # pytest's tmp is private to root
        os.chmod(other_dir, 0o755)
        fake = os.path.join(other_dir, "xclock")
        shutil.copy(shutil.which("sleep"), fake)
        other_user = subprocess.Popen([fake, "120"], user=65534, group=65534)
        assert wait_until(lambda: psutil.Process(other_user.pid).name() == "xclock", 5)
    script = [*GESTURE_SCRIPTS["open_app"], M("rest", 2.0), *GESTURE_SCRIPTS["close_app"][1:], M("rest", 2.0)]
    trace = tmp_path / "apps.jsonl"
    write_trace(trace, script)
    try:
        d = Daemon(env, tmp_path, trace, "--exit-at-end", "--config", str(cfg))
        line = d.next_line()
        assert "open_app -> open_clock: started clock" in line, line
        assert wait_until(lambda: len(_xclocks(uid)) == 1, 10)
        assert wait_until(lambda: len(_clock_windows(env)) == 1, 10)
        line = d.next_line()
        assert "close_app -> close_clock: closed clock" in line and "asked 1 window(s) to close" in line, line
        assert wait_until(lambda: _xclocks(uid) == [], 10)
        assert wait_until(lambda: _clock_windows(env) == [], 10)
        assert d.wait() == 0
        assert bystander.poll() is None, "a process the config does not name was touched"
        if other_user is not None:
            assert other_user.poll() is None, "another user's process was touched"
    finally:
        bystander.terminate()
        if other_user is not None:
            other_user.kill()
            shutil.rmtree(other_dir, ignore_errors=True)
        for p in _xclocks(uid):
            p.kill()


def test_open_app_does_not_start_a_second_copy(xsession, tmp_path):
    if shutil.which("xclock") is None:
        pytest.skip("needs x11-apps (xclock)")
    env = xsession
    cfg = tmp_path / "config.yaml"
    cfg.write_text(CONFIG)
    first = subprocess.Popen(["xclock"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trace = tmp_path / "open.jsonl"
    write_trace(trace, GESTURE_SCRIPTS["open_app"])
    try:
        assert wait_until(lambda: len(_xclocks(os.getuid())) == 1, 10)
        d = Daemon(env, tmp_path, trace, "--exit-at-end", "--config", str(cfg))
        line = d.next_line()
        assert f"clock is already running (pid {first.pid}); not starting a second copy" in line, line
        assert d.wait() == 0
        assert len(_xclocks(os.getuid())) == 1
    finally:
        first.terminate()
        first.wait(5)


STUBBORN = Path(__file__).with_name("stubborn_window.py")


def test_close_leaves_an_app_that_is_asking_about_unsaved_work(xsession, tmp_path, monkeypatch):
    """Its window was asked and it stays (as an editor asking "save changes?" does): by default it is left
    running, with the reason; only `force_close: true` terminates it."""
    monkeypatch.setenv("DISPLAY", xsession["DISPLAY"])
    controller = AppController(X11Windows())
    log = tmp_path / "stubborn.log"
    names = ("gesturectl-no-such-app",)  # only the process this controller starts is the app's
    app = AppSpec(argv=(sys.executable, str(STUBBORN), str(log)), process_names=names, close_timeout_s=1.0)
    assert "started stubborn" in controller.launch("stubborn", app)
    [proc] = controller.own_processes("stubborn", app)
    try:
        assert wait_until(lambda: log.is_file() and "mapped" in log.read_text(), 10)
        assert wait_until(lambda: xdotool(xsession, "search", "--pid", str(proc.pid)).strip() != "", 10)
        said = controller.close("stubborn", app)
        assert "asked 1 window(s) of stubborn to close; still open after 1 s, so left running" in said, said
        assert "asked to close" in log.read_text()  # it was asked, politely, and said no
        assert proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
        forced = AppSpec(argv=app.argv, process_names=names, close_timeout_s=1.0, force_close=True)
        said = controller.close("stubborn", forced)
        assert said.startswith("closed stubborn") and "asked 1 window(s) to close" in said, said
        assert wait_until(lambda: not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE, 5)
    finally:
        if proc.is_running():
            proc.kill()
