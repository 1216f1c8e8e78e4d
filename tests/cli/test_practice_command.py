"""`gesturectl practice` on a trace: per-attempt lines, counts, and calibration written only when confirmed,
keeping the user's comments and other settings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import write_trace

READY = [M("rest", 0.6), M("hands_together", 0.8), M("hands_together", 0.3)]
NARROW = [*READY, M("hands_shoulder_wide", 0.5), M("hands_shoulder_wide", 0.5), M("rest", 1.5)]  # span 2.0 sw

USER_CONFIG = """\
# my settings: keep this comment
version: 1
gestures:
  definitions:
    pause: {enabled: false}   # I never pause
daemon:
  idle_fps: 4   # keep me
"""


def _cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "gesturectl", *args], capture_output=True, text=True, input=stdin or ""
    )


def test_practice_reports_each_attempt_and_counts(tmp_path):
    trace = tmp_path / "narrow.jsonl"
    write_trace(trace, NARROW * 2)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("version: 1\n")
    res = _cli("practice", "zoom_in", "--source", str(trace), "--config", str(cfg))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    misses = [ln for ln in lines if "near miss," in ln]
    assert len(misses) == 2 and all("shoulder widths short" in ln for ln in misses)
    assert lines[-1].startswith("zoom_in: 0 fired, 2 near misses")


@pytest.mark.slow
def test_calibration_is_written_only_after_confirmation_and_keeps_comments(tmp_path):
    trace = tmp_path / "narrow.jsonl"
    write_trace(trace, NARROW * 3)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(USER_CONFIG)
    res = _cli("practice", "zoom_in", "--source", str(trace), "--config", str(cfg), "--calibrate")
    assert res.returncode == 0, res.stderr
    assert "zoom_in: hands apart by more than (sw) 2.20 -> 1.8" in res.stdout
    assert "not written" in res.stdout and cfg.read_text() == USER_CONFIG  # no terminal, no --yes: untouched
    assert json.loads(_cli("replay", str(trace), "--json", "--config", str(cfg)).stdout or "null") is None
    res = _cli("practice", "zoom_in", "--source", str(trace), "--config", str(cfg), "--calibrate", "--yes")
    assert res.returncode == 0, res.stderr and "wrote 1 change(s)" in res.stdout
    text = cfg.read_text()
    for kept in ("# my settings: keep this comment", "# I never pause", "idle_fps: 4   # keep me"):
        assert kept in text
    assert "calibrated by gesturectl practice" in text and "margin: 1.8" in text
    events = [
        json.loads(line)["gesture"]
        for line in _cli("replay", str(trace), "--config", str(cfg), "--json").stdout.splitlines()
    ]
    assert events == ["zoom_in"] * 3
