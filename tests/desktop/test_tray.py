"""The tray icon on a real system tray (tint2 under Xvfb): it docks, its title and icon follow the daemon's
state (watching, paused) and the title names the last event. (A synthetic click on the docked icon did not
reach pystray's handler under tint2, so the click action is not exercised here.)"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

import pytest

from gesturectl.runtime.tray import KIND_COLOURS
from gesturectl.synth.puppet import GESTURE_SCRIPTS
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until, xdotool


def _icon_pixel(env, wid) -> tuple[int, ...]:
    """The RGB of the docked icon's window at a quarter of its width (inside the disc, off the glyph)."""
    out = subprocess.run(
        ["import", "-window", wid, "-depth", "8", "ppm:-"], env=env, capture_output=True, timeout=20
    ).stdout
    if not out.startswith(b"P6"):
        return (-1, -1, -1)
    _, dims, _, rest = out.split(b"\n", 3)
    w, h = (int(v) for v in dims.split())
    x, y = w // 4 + 1, h // 2
    return tuple(rest[(y * w + x) * 3 : (y * w + x) * 3 + 3])


def _near(px, colour, tol=40) -> bool:
    return len(px) == 3 and all(abs(int(a) - int(b)) <= tol for a, b in zip(px, colour))


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
        trace = tmp_path / "zoom.jsonl"
        write_trace(trace, [*GESTURE_SCRIPTS["zoom_in"], M("rest", 60)])
        (tmp_path / "cfg").mkdir()
        (tmp_path / "cfg" / "config.yaml").write_text("bindings:\n  - {gesture: zoom_in, action: zoom_in}\n")
        d = Daemon(env, tmp_path, trace, "--dry-run")
        try:
            wid = wait_until(
                lambda: xdotool(env, "search", "--classname", "gesturectlSystemTrayIcon").split("\n")[0], 15
            )
            assert wid, "\n".join(d.err)
            assert wait_until(lambda: _title(env, wid).startswith("gesturectl: watching"), 30), _title(env, wid)
            assert "zoom_in -> zoom_in" in d.next_line(30)
            last = "; last: zoom_in -> hotkey ctrl+= [dry run] at "
            assert wait_until(lambda: _title(env, wid).startswith("gesturectl: watching" + last), 30), _title(env, wid)
            assert _near(_icon_pixel(env, wid), KIND_COLOURS["active"])
            assert d.control("pause")["paused"] is True
            assert wait_until(lambda: _title(env, wid).startswith("gesturectl: paused" + last), 30)
            assert wait_until(lambda: _near(_icon_pixel(env, wid), KIND_COLOURS["paused"]), 30)
            assert d.control("resume")["paused"] is False
            assert wait_until(lambda: _title(env, wid).startswith("gesturectl: watching"), 30)
        finally:
            d.stop()
    finally:
        panel.terminate()
        panel.wait(5)
