"""`gesturectl replay` and `gesturectl eval` on puppet-made traces, and the scoring by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gesturectl.gestures.evaluation import Label, Score, score_trace
from gesturectl.synth.puppet import DEMO_ZOOM_SCRIPT
from gesturectl.synth.puppet import Move as M
from gesturectl.types import GestureEvent
from tests.daemon_helpers import write_trace as _write_trace


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "gesturectl", *args], capture_output=True, text=True)


def test_replay_json_prints_only_events(tmp_path):
    trace = tmp_path / "zoom.jsonl"
    _write_trace(trace, DEMO_ZOOM_SCRIPT)
    res = _cli("replay", str(trace), "--json")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["gesture"], r["action"]) for r in recs] == [
        ("zoom_in", "zoom_in"),
        ("zoom_in", "zoom_in"),
        ("zoom_out", "zoom_out"),
    ]
    assert all(r["does"].startswith("hotkey mod+") and r["when_app"] == "chrome" for r in recs)
    assert recs[0]["t"] < recs[1]["t"] < recs[2]["t"]


def test_replay_names_a_bad_trace(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "something-else"}\n')
    res = _cli("replay", str(bad))
    assert res.returncode == 2 and "bad.jsonl:1: not a gesturectl trace header" in res.stderr


def test_eval_command(tmp_path):
    _write_trace(tmp_path / "zoom.jsonl", DEMO_ZOOM_SCRIPT)
    (tmp_path / "zoom.labels.json").write_text(
        json.dumps(
            {
                "gestures": [
                    {"gesture": "zoom_in", "start": 2.5, "end": 3.0},
                    {"gesture": "zoom_in", "start": 5.9, "end": 6.4},
                    {"gesture": "zoom_out", "start": 7.6, "end": 8.1},
                ]
            }
        )
    )
    _write_trace(
        tmp_path / "clap.jsonl",
        [M("rest", 1), M("hands_mid", 0.6), M("hands_mid", 3, ease_s=0, wiggle=(-1, 0.45, 2.5, 0))],
    )
    (tmp_path / "clap.labels.json").write_text('{"gestures": []}')
    res = _cli("eval", str(tmp_path), "--json")
    assert res.returncode == 0, res.stderr
    s = json.loads(res.stdout)
    assert (s["traces"], s["labels"], s["true_positives"], s["false_triggers"]) == (2, 3, 3, 0)
    assert s["precision"] == 1.0 and s["recall"] == 1.0 and s["false_triggers_per_hour"] == 0.0
    assert -0.5 < s["latency_median_s"] < 0.5
    human = _cli("eval", str(tmp_path))
    assert "precision: 1.000  recall: 1.000  false triggers per hour: 0.0" in human.stdout


def test_scoring_by_hand():
    score = Score()
    labels = [Label("zoom_in", 1.0, 2.0), Label("open_app", 5.0, 6.0)]
    events = [
        GestureEvent("zoom_in", 1.8),
        GestureEvent("zoom_in", 2.4, repeat=1),  # TP + its repeat
        GestureEvent("close_app", 4.0),  # false trigger
        GestureEvent("open_app", 7.5),
    ]  # too late (tolerance 1 s): false, and the label is missed
    score_trace(score, "t", events, labels, duration_s=3600.0, tolerance_s=1.0)
    assert (score.true_positives, score.false_triggers, score.labels) == (1, 2, 2)
    assert score.precision == pytest.approx(1 / 3) and score.recall == 0.5
    assert score.unlabelled_s == pytest.approx(3600 - 2 - 2)  # each label covers end - start + tolerance
    assert score.false_per_hour == pytest.approx(2 / ((3600 - 4) / 3600))
    assert score.latency(50) == pytest.approx(-0.2)


def test_bundled_demo_trace_regression():
    """The bundled demo (the default input of the README's main command) and its expected events."""
    from gesturectl.sources import demo_trace_path

    res = _cli("replay", str(demo_trace_path()), "--json")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["gesture"], r.get("skipped")) for r in recs] == [
        ("zoom_in", None),
        ("zoom_in", None),
        ("zoom_out", None),
        ("open_app", None),
        ("close_app", None),
        ("pause", None),
        ("zoom_in", "paused"),
        ("pause", None),
    ]
    assert [round(r["t"], 1) for r in recs] == [3.0, 6.4, 8.1, 11.6, 14.6, 18.0, 21.3, 24.8]


def test_explain_names_the_near_miss_and_its_value(tmp_path):
    trace = tmp_path / "miss.jsonl"
    ready = [M("rest", 0.5), M("hands_together", 1.0), M("hands_together", 0.5)]
    _write_trace(trace, [*ready, M("hands_mid", 0.6, ease_s=0.1), M("hands_mid", 0.5)])
    cfg = tmp_path / "config.yaml"
    cfg.write_text("version: 1\n")
    res = _cli("explain", str(trace), "--gesture", "zoom_in", "--json", "--config", str(cfg))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    [zoom] = out["gestures"]
    assert zoom["gesture"] == "zoom_in" and zoom["fired_at"] == []
    miss = zoom["near_misses"][0]
    assert miss["phase"] == "1/3" and miss["blocking"]["kind"] == "motion"
    assert 0.0 < miss["blocking"]["value"] < 1.0 and miss["blocking"]["threshold"] == 1.0
    text = _cli("explain", str(trace), "--gesture", "zoom_in", "--config", str(cfg)).stdout
    assert text.startswith("zoom_in never fired\n  near miss: zoom_in at ")
    assert "spread reached 0." in text and "of 1.00 shoulder widths" in text


def test_explain_rejects_an_unknown_gesture(tmp_path):
    res = _cli("explain", "demo", "--gesture", "wave")
    assert res.returncode == 2 and "no such enabled gesture" in res.stderr and "zoom_in" in res.stderr


def test_status_reads_as_sentences_not_python_reprs():
    from gesturectl.cli.control import format_status

    st = {
        "state": "paused",
        "paused_by": "gesture",
        "source": "0",
        "source_state": "started",
        "source_message": "",
        "pose_error": None,
        "config": "built-in defaults",
        "dry_run": False,
        "frames": 1200,
        "dropped_frames": 3,
        "uptime_s": 61.2,
        "events": 2,
        "latency_ms": {"n": 2, "median": 4.0, "p95": 8.0},
        "last_event": {
            "gesture": "pause",
            "action": "toggle_pause",
            "result": "paused",
            "error": None,
            "skipped": None,
        },
        "stage_ms": {"pose": 12.5},
    }
    text = format_status(st)
    assert text.splitlines()[0] == "gesturectl is paused (paused by gesture)"
    assert "last: pause -> toggle_pause: paused" in text and "median 4.0 ms, p95 8.0 ms" in text
    assert "{" not in text and "None" not in text
