"""`explain`'s summary of progress records: fired times, nearest misses with the blocking condition."""

from __future__ import annotations

import pytest

from gesturectl.config import parse_config
from gesturectl.gestures.explain import Explainer, summary_lines
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.synth.puppet import Move as M
from gesturectl.synth.puppet import perform

SPEC = parse_config("").gestures
READY = [M("rest", 0.5), M("hands_together", 1.0), M("hands_together", 0.5)]


def _explain(script):
    rec, ex = Recognizer(SPEC), Explainer()
    for _, pose in perform(script):
        rec.update(pose)
        ex.add(rec.progress())
    return {s.gesture: s for s in ex.summaries()}


def test_a_short_spread_is_zoom_ins_nearest_miss_with_its_value():
    # First a spread of 0.86 sw (a miss), a second's break, back together, then a full spread (fires).
    script = [*READY, M("hands_mid", 1.2, ease_s=0), *READY[1:], M("hands_wide", 0.6), M("hands_wide", 0.5)]
    s = _explain(script)["zoom_in"]
    assert s.fired_at and s.fired_at[0] > 3.0  # (and its repeats)
    miss = s.misses[0]
    assert miss.t < s.fired_at[0] and miss.phase_index == 1 and miss.phases == 3
    assert [r.name for r in miss.reach] == ["together", "spread"]
    assert miss.reach[0].done and miss.reach[0].hold_s == pytest.approx(miss.reach[0].hold_needed_s, abs=0.04)
    assert miss.reach[1].motion == pytest.approx(0.86, abs=0.01) and miss.reach[1].motion_needed == 1.0
    assert miss.blocking is not None and miss.blocking.kind == "motion"
    words = miss.words()
    assert f"together held {miss.reach[0].hold_s:.2f}" in words
    assert "spread reached 0.86 of 1.00 shoulder widths" in words
    assert "within 0.8 s" in words


def test_a_hold_broken_early_says_how_long_and_what_broke_it():
    # The X above the head is held 0.5 s of the 1 s pause needs, then the arms come down.
    script = [M("rest", 0.3), M("x_above_head", 0.6, ease_s=0.3), M("x_above_head", 0.4), M("rest", 0.6)]
    s = _explain(script)["pause"]
    assert s.fired_at == ()
    miss = s.misses[0]
    assert miss.reach[0].name == "x_above_head" and not miss.reach[0].done
    assert 0.4 < miss.reach[0].hold_s < 0.9
    assert miss.ended_by is not None and miss.ended_by.kind == "condition"
    assert "x_above_head held" in miss.words() and "of 1.00 s" in miss.words()


def test_a_gesture_never_started_reports_its_closest_condition():
    # Both hands up but not crossed: pause never starts; the crossing is what is missing.
    s = _explain([M("both_up", 1.0), M("both_up", 1.0)])["pause"]
    assert s.fired_at == () and s.misses == ()
    assert s.closest is not None
    t, b = s.closest
    assert b.condition == "left_wrist right of right_wrist by > 0.10"
    lines = summary_lines(s)
    assert lines[0] == "pause never fired" and "never started" in lines[1]
