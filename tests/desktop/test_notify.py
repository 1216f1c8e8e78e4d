"""Desktop notifications against a real notification daemon: dunst on a private D-Bus session bus, read
back with `dunstctl history`: the daemon's action notification and its pause notification arrive."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from gesturectl.synth.puppet import GESTURE_SCRIPTS
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until


@pytest.fixture
def dunst(xsession):
    missing = [c for c in ("dbus-daemon", "dunst", "dunstctl") if shutil.which(c) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install dunst dbus-daemon)")
    pytest.importorskip("desktop_notifier")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, text=True
    )
    assert bus.stdout is not None
    env = dict(xsession, DBUS_SESSION_BUS_ADDRESS=bus.stdout.readline().strip())
    server = subprocess.Popen(["dunst"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_until(lambda: subprocess.run(["dunstctl", "count"], env=env, capture_output=True).returncode == 0, 10)
    yield env
    server.terminate()
    server.wait(5)
    bus.terminate()
    bus.wait(5)


def _received(env) -> list[tuple[str, str, str]]:
    """(app, summary, body) of every notification dunst got (closing the shown ones files them in history)."""
    subprocess.run(["dunstctl", "close-all"], env=env, check=True)
    out = subprocess.run(["dunstctl", "history"], env=env, capture_output=True, text=True, check=True).stdout
    return [(n["appname"]["data"], n["summary"]["data"], n["body"]["data"]) for n in json.loads(out)["data"][0]]


def test_actions_and_pause_reach_the_notification_daemon(dunst, tmp_path):
    env = dunst
    trace = tmp_path / "zoom_then_pause.jsonl"
    write_trace(trace, [*GESTURE_SCRIPTS["zoom_in"], M("rest", 1.0), *GESTURE_SCRIPTS["pause"], M("rest", 60.0)])
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.yaml").write_text(
        "bindings:\n  - {gesture: zoom_in, action: zoom_in}\n  - {gesture: pause, action: toggle_pause}\n"
        "daemon: {notify: true, tray: 'off'}\n"
    )
    d = Daemon(env, tmp_path, trace, "--dry-run")
    try:
        assert "zoom_in -> zoom_in" in d.next_line(30)
        assert "pause -> toggle_pause: paused" in d.next_line(30)
        got: list = []
        assert wait_until(lambda: len(got.extend(_received(env)) or got) >= 2, 10), got
        assert ("gesturectl", "gesturectl", "zoom_in -> hotkey ctrl+= [dry run]") in got
        assert any(s == "gesturectl: paused" and "gesture" in b for _, s, b in got), got
    finally:
        d.stop()
