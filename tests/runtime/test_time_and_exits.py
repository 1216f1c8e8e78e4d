"""Time going back (a new recording, a trace of several takes) never holds gestures back; a broken file with
--exit-at-end ends the daemon instead of being read again and again."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gesturectl.synth.puppet import GESTURE_SCRIPTS
from tests.runtime.test_daemon_logic import Harness


def test_time_going_back_does_not_block_the_next_gesture(tmp_path):
    h = Harness(tmp_path, "daemon: {idle_fps: 30}\ngestures: {definitions: {zoom_in: {cooldown_s: 60}}}\n")
    h.t0 = 1000.0
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: dry run: would hotkey mod+="]
    h.t0 = 0.0  # the clock steps back 1000 s
    assert h.feed(GESTURE_SCRIPTS["zoom_in"]) == ["zoom_in -> zoom_in: dry run: would hotkey mod+="]


@pytest.mark.slow
def test_exit_at_end_on_a_truncated_trace_ends_with_a_message(tmp_path):
    from gesturectl.config import default_config_text  # noqa: F401  (the package is importable)
    from tests.conftest import ROOT

    demo = (ROOT / "gesturectl" / "data" / "demo_trace.jsonl").read_bytes()
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(demo[:5000])
    env = {
        "GESTURECTL_RUNTIME_DIR": str(tmp_path / "rt"),
        "GESTURECTL_STATE_DIR": str(tmp_path / "st"),
        "GESTURECTL_CONFIG_DIR": str(tmp_path / "cfg"),
        "PATH": "/usr/bin:/bin",
    }
    for source in (broken, tmp_path / "missing.jsonl"):
        r = subprocess.run(
            [sys.executable, "-m", "gesturectl", "run", "--source", str(source), "--dry-run", "--exit-at-end"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
        assert r.returncode == 1, r.stderr
        assert "the source could not be read to its end" in r.stderr and "Traceback" not in r.stderr
