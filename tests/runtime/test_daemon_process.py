"""`gesturectl run` as a user starts it: a real process, its control socket, one instance per user, stop.
Smoke tests only (the logic is tested in-process); they wait for what the daemon reports, never a fixed time."""

from __future__ import annotations

import os
import signal
import stat

import pytest

from gesturectl.synth.puppet import DEMO_ZOOM_SCRIPT
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until

pytestmark = pytest.mark.slow
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


@pytest.fixture
def daemons():
    started = []

    def start(tmp, source, *extra):
        d = Daemon(ENV, tmp, source, *extra)
        started.append(d)
        assert wait_until(lambda: d.control("status").get("ok"), 30), d.err
        return d

    yield start
    for d in started:
        d.stop()


def test_control_over_the_socket_and_a_clean_stop(tmp_path, daemons):
    trace = tmp_path / "zooms.jsonl"
    write_trace(trace, [M("rest", 1.5), *DEMO_ZOOM_SCRIPT])
    d = daemons(tmp_path, trace, "--dry-run")
    st = d.control("status")
    assert st["state"] in ("running", "ended") and st["dry_run"] is True
    assert d.control("pause") == {"ok": True, "state": "paused", "paused": True}
    assert d.control("status")["paused_by"] == "user"
    assert d.control("resume")["paused"] is False
    assert wait_until(lambda: d.control("status")["events"] >= 1, 30)
    assert d.control("stop")["ok"] is True
    assert d.proc.wait(10) == 0
    assert not (tmp_path / "rt" / "control.sock").exists()


def test_socket_is_private_one_instance_per_user_and_sigterm_stops_it(tmp_path, daemons):
    trace = tmp_path / "idle.jsonl"
    write_trace(trace, [M("rest", 30)])
    d = daemons(tmp_path, trace, "--dry-run")
    sock = tmp_path / "rt" / "control.sock"
    assert stat.S_IMODE(sock.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((tmp_path / "rt").stat().st_mode) == 0o700
    second = Daemon(ENV, tmp_path, trace, "--dry-run")
    assert second.proc.wait(30) == 2
    assert "already running" in "\n".join(second.err)
    assert d.control("status")["ok"]
    d.proc.send_signal(signal.SIGTERM)
    assert d.proc.wait(10) == 0
    assert any("stopped:" in e for e in d.err)


def test_human_readable_status(tmp_path, daemons):
    import subprocess
    import sys

    trace = tmp_path / "idle.jsonl"
    write_trace(trace, [M("rest", 30)])
    d = daemons(tmp_path, trace, "--dry-run")
    r = subprocess.run(
        [sys.executable, "-m", "gesturectl", "status"], env=d.env, capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("gesturectl is running") and "source: " in r.stdout and "{" not in r.stdout
