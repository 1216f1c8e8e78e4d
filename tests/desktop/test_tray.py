"""The tray icon on a real system tray (tint2 under Xvfb): it docks, and its title follows the daemon's
state through pause and resume. (A synthetic click on the docked icon did not reach pystray's handler
under tint2, so the click action is not exercised here.)"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

import pytest

from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until, xdotool


def _title(env, wid) -> str:
    out = subprocess.run(["xprop", "-id", wid, "WM_NAME"], env=env, capture_output=True, text=True).stdout
    return out.split("=", 1)[-1].strip().strip('"')


def test_tray_icon_docks_and_shows_the_state(xsession, tmp_path):
    if importlib.util.find_spec("pystray") is None:  # (importing it would connect to a display)
        pytest.skip("needs pystray (pip install 'gesturectl[tray]')")
    if shutil.which("tint2") is None:
        pytest.skip("needs tint2 (a system tray for Xvfb)")
    env = xsession
    panel = subprocess.Popen(["tint2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(
            lambda: (
                subprocess.run(["xdotool", "search", "--class", "tint2"], env=env, capture_output=True).returncode == 0
            ),
            10,
        )
        trace = tmp_path / "idle.jsonl"
        write_trace(trace, [M("rest", 60)])
        d = Daemon(env, tmp_path, trace, "--dry-run")
        try:
            wid = wait_until(
                lambda: xdotool(env, "search", "--classname", "gesturectlSystemTrayIcon").split("\n")[0], 15
            )
            assert wid, "\n".join(d.err)
            assert wait_until(lambda: _title(env, wid) == "gesturectl: running", 30), _title(env, wid)
            assert d.control("pause")["paused"] is True
            assert wait_until(lambda: _title(env, wid) == "gesturectl: paused", 30)
            assert d.control("resume")["paused"] is False
            assert wait_until(lambda: _title(env, wid) == "gesturectl: running", 30)
        finally:
            d.stop()
    finally:
        panel.terminate()
        panel.wait(5)
