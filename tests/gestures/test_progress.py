"""Progress records: what blocks a gesture, with the value and threshold the deciding check read."""

from __future__ import annotations

import pytest

from gesturectl.config import parse_config
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.synth.puppet import Move as M
from gesturectl.synth.puppet import perform

SPEC = parse_config("").gestures  # the default vocabulary
READY = [M("hands_together", 1.0), M("hands_together", 0.5)]  # zoom_in's first phase, held


def _records(script, gesture):
    """(events, that gesture's record on every frame) for a puppet script, without smoothing."""
    rec = Recognizer(SPEC)
    events, records = [], []
    for _, pose in perform(script):
        events += rec.update(pose)
        records.append({p.gesture: p for p in rec.progress()}[gesture])
    return events, records


def test_a_spread_too_small_names_the_motion_and_how_far_it_got():
    # Hands together (0.14 sw apart) held, then at once 1.0 sw apart: 0.86 of the 1.0 zoom_in needs.
    events, recs = _records([*READY, M("hands_mid", 0.6, ease_s=0)], "zoom_in")
    assert "zoom_in" not in [e.gesture for e in events]
    best = max(recs, key=lambda p: p.fraction)
    assert best.phase_index == 1 and best.phase_name == "spread"
    assert best.blocking is not None and "grows by 1.00" in best.blocking.condition
    assert best.blocking.value == pytest.approx(0.86, abs=0.01)
    assert best.blocking.threshold == pytest.approx(1.0)
    assert best.blocking.unit == "sw"
    assert best.motion == pytest.approx(0.86, abs=0.01) and best.motion_needed == pytest.approx(1.0)


def test_the_same_spread_a_little_wider_fires_and_the_record_says_so():
    events, recs = _records([*READY, M("hands_apart", 0.6), M("hands_apart", 0.5)], "zoom_in")
    assert [e.gesture for e in events] == ["zoom_in"]
    fired = [p for p in recs if p.state == "fired"]
    assert len(fired) == 1 and fired[0].t == pytest.approx(events[0].t) and fired[0].fraction == 1.0
    after = recs[recs.index(fired[0]) + 1]
    assert after.state == "cooldown"  # the hands moved on, so the pose is released; the cooldown runs
    assert after.cooldown_left_s == pytest.approx(SPEC.definitions["zoom_in"].cooldown_s - 1 / 30, abs=1e-6)
    assert after.blocking is not None and after.blocking.unit == "s"


def test_uncrossed_hands_above_the_head_block_pause_on_the_crossing_condition():
    _, recs = _records([M("both_up", 1.0), M("both_up", 1.0)], "pause")
    last = recs[-1]
    assert last.state == "progress" and last.phase_index == 0
    b = last.blocking
    assert b is not None and b.condition == "left_wrist right of right_wrist by > 0.10"
    assert b.value == pytest.approx(-1.1, abs=1e-6) and b.threshold == pytest.approx(0.1) and b.unit == "sw"


def test_a_hold_released_early_reports_the_hold():
    events, recs = _records([M("x_above_head", 0.6), M("x_above_head", 0.5), M("rest", 0.8)], "pause")
    assert events == []
    holding = [p for p in recs if p.blocking is not None and p.blocking.unit == "s"]
    assert holding and holding[-1].blocking.condition == "x_above_head held 1.00 s"
    best = max(p.hold_s for p in recs)
    assert 0.3 < best < 1.0 and recs[-1].hold_s == 0.0


def test_hands_down_block_gated_gestures_on_the_engage_condition():
    _, recs = _records([M("rest", 1.0)], "zoom_in")
    last = recs[-1]
    assert last.state == "not_engaged" and not last.engaged
    assert last.blocking is not None and last.blocking.condition == "engage: left_wrist above shoulder_mid by > -1.00"
    assert last.blocking.value == pytest.approx(-1.6)


def test_nobody_in_view():
    rec = Recognizer(SPEC)
    rec.update(None)
    recs = rec.progress()
    assert [p.gesture for p in recs] == rec.gestures
    assert all(p.state == "no_body" and p.fraction == 0.0 for p in recs)


def test_other_gestures_report_the_refractory_time_after_one_fires():
    rec = Recognizer(SPEC)
    for _, pose in perform([*READY, M("hands_apart", 0.6), M("hands_apart", 0.5)]):
        if rec.update(pose):
            break
    else:
        raise AssertionError("zoom_in never fired")
    others = [p for p in rec.progress() if p.gesture != "zoom_in"]
    assert all(p.state == "refractory" and p.refractory_left_s == pytest.approx(SPEC.refractory_s) for p in others)
    assert others[0].blocking is not None and others[0].blocking.condition == "refractory after zoom_in"


@pytest.mark.parametrize(
    ("relation", "value", "limit", "kind", "words"),
    [
        (
            ("left_wrist", "above", "head"),
            -1.39,
            0.20,
            "condition",
            "left_wrist above head by > 0.20 (is 1.39 sw below)",
        ),
        (
            ("left_wrist", "above", "head"),
            0.05,
            0.20,
            "condition",
            "left_wrist above head by > 0.20 (is 0.05 sw above)",
        ),
        (
            ("right_wrist", "above", "head"),
            -2.09,
            -0.35,
            "condition",
            "right_wrist at most 0.35 below head (is 2.09 sw below)",
        ),
        (
            ("left_wrist", "below", "head"),
            -1.17,
            -0.30,
            "engage",
            "engage: left_wrist at most 0.30 above head (is 1.17 sw above)",
        ),
        (
            ("left_wrist", "right_of", "right_wrist"),
            -0.25,
            0.15,
            "condition",
            "left_wrist right of right_wrist by > 0.15 (is 0.25 sw left of it)",
        ),
        (("a", "left_of", "b"), 0.10, -0.50, "condition", "a at most 0.50 right of b (is 0.10 sw left of it)"),
    ],
)
def test_a_relation_says_which_way_the_point_is_and_what_it_may_be(relation, value, limit, kind, words):
    from gesturectl.gestures.progress import RELATION_WORDS, Blocker

    point, rel, ref = relation
    prefix = "engage: " if kind == "engage" else ""
    b = Blocker(f"{prefix}{point} {RELATION_WORDS[rel][0]} {ref} by > {limit:.2f}", value, limit, "sw", kind, relation)
    assert b.words() == words
    assert "(is -" not in b.words()


def test_the_engage_gate_keeps_the_relation_of_its_condition():
    """The gate's blocker is the condition's, prefixed: its words say which way the wrist is, too."""
    rec = Recognizer(SPEC)
    for _, pose in perform([M("rest", 1.0)]):
        rec.update(pose)
    zoom = {p.gesture: p for p in rec.progress()}["zoom_in"]
    b = zoom.blocking
    assert b is not None and b.kind == "engage" and b.relation is not None
    assert b.condition.startswith("engage: ") and b.words().startswith("engage: ")
    assert "(is -" not in b.words() and " sw " in b.words()
