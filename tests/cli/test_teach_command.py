"""`gesturectl teach NAME` from a trace, bound in YAML, replayed: the learned gesture fires; its errors are clear."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import write_trace

FLAG = [M("rest", 0.8), M("wave_up", 0.7), M("rest", 0.7)]


def _cli(tmp_path, *args):
    env = dict(os.environ, GESTURECTL_DATA_DIR=str(tmp_path / "data"), GESTURECTL_CONFIG_DIR=str(tmp_path / "cfg"))
    return subprocess.run([sys.executable, "-m", "gesturectl", *args], capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_teach_bind_replay(tmp_path):
    examples, later = tmp_path / "examples.jsonl", tmp_path / "later.jsonl"
    write_trace(examples, FLAG * 5)
    write_trace(later, [M("rest", 1.0), *FLAG * 3, M("hands_mid", 1.0), M("rest", 1.0)])
    res = _cli(tmp_path, "teach", "flag", "--source", str(examples))
    assert res.returncode == 0, res.stderr
    assert "taught 'flag' from 5 examples" in res.stdout and (tmp_path / "data" / "gestures" / "flag.json").exists()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "version: 1\nactions:\n  next: {hotkey: [pagedown]}\ngestures:\n  definitions:\n"
        "    flag: {template: flag, engage: false}\nbindings:\n  - {gesture: flag, action: next}\n"
    )
    out = _cli(tmp_path, "replay", str(later), "--config", str(cfg), "--json")
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["gesture"], r["action"]) for r in recs] == [("flag", "next")] * 3
    again = _cli(tmp_path, "teach", "flag", "--source", str(examples))
    assert again.returncode != 0 and "--force" in again.stderr


def test_a_missing_template_and_too_few_movements_say_what_to_do(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("version: 1\ngestures:\n  definitions:\n    wave: {template: wave}\n")
    trace = tmp_path / "t.jsonl"
    write_trace(trace, [M("rest", 2.0)])
    res = _cli(tmp_path, "replay", str(trace), "--config", str(cfg))
    assert res.returncode != 0 and "gesturectl teach wave" in res.stderr
    res = _cli(tmp_path, "teach", "wave", "--source", str(trace))
    assert res.returncode != 0 and "need at least 2" in res.stderr
