"""Practice: per attempt, fired or what was missing in words and numbers; calibration to the person."""

from __future__ import annotations

import pytest

from gesturectl.config import load_config
from gesturectl.gestures.calibration import MIN_SPAN_SW, propose
from gesturectl.gestures.features import body_points
from gesturectl.gestures.pipeline import GesturePipeline, recognize
from gesturectl.gestures.practice import PracticeTracker, shortfall_words
from gesturectl.gestures.progress import Blocker
from gesturectl.gestures.spec import GestureSpec, RecognizerSpec
from gesturectl.synth.puppet import Move as M
from gesturectl.synth.puppet import perform

SPEC = load_config(None).gestures
READY = [M("rest", 0.6), M("hands_together", 0.8), M("hands_together", 0.3)]
NARROW = [*READY, M("hands_shoulder_wide", 0.5), M("hands_shoulder_wide", 0.5), M("rest", 1.5)]  # span 2.0 sw


def _practice(script, spec: RecognizerSpec = SPEC, only=None) -> PracticeTracker:
    pipe, tracker = GesturePipeline(spec), PracticeTracker(only)
    for t, pose in perform(script, seed=2, noise_px=0.5):
        pipe.update(pose)
        got = body_points(pose, spec.min_joint_score) if pose is not None else None
        tracker.add(t, pipe.progress(), None if got is None else got[0])
    return tracker


def test_a_fired_zoom_a_narrow_one_and_a_small_one_are_told_apart_with_numbers():
    script = [*READY, M("hands_apart", 0.5), M("hands_apart", 0.5), M("rest", 1.5)]  # fires
    script += NARROW  # spread to 2.0 sw, 0.2 short of the 2.2 apart
    script += [*READY, M("hands_mid", 0.5), M("hands_mid", 0.5), M("rest", 1.0)]  # a small movement
    tr = _practice(script, only=["zoom_in"])
    assert [(r.fired, r.near) for r in tr.results] == [(True, False), (False, True), (False, False)]
    assert tr.results[0].words().endswith("fired")
    words = tr.results[1].words()
    assert "near miss" in words and "step 3 of 3 (apart)" in words
    assert "left_wrist left of right_wrist" in words and "shoulder widths short" in words
    short = tr.results[1].closest.blocking
    assert short is not None and short.threshold == pytest.approx(2.2) and short.value == pytest.approx(2.0, abs=0.1)
    assert tr.summary_lines()[0].startswith("zoom_in: 1 fired, 1 near misses, 1 other movements")


def test_a_hold_let_go_early_says_how_long_of_how_long():
    script = [M("rest", 0.5), M("left_hand_up", 0.8), M("left_hand_up", 0.5), M("rest", 1.0)]
    tr = _practice(script, only=["open_app"])
    [miss] = tr.results
    assert miss.near and not miss.fired
    assert "held 0.5" in miss.missing() and "of 0.80 s" in miss.missing()


def test_shortfall_words():
    low = Blocker("left_wrist above head by > 0.70", 0.58, 0.70, "sw")
    assert shortfall_words(low) == "left_wrist above head by > 0.70 (is 0.58 sw): 0.12 shoulder widths short"
    wide = Blocker("distance(left_wrist, right_wrist) < 0.80", 0.91, 0.80, "sw")
    assert shortfall_words(wide).endswith("(is 0.91 sw): 0.11 shoulder widths too far apart")
    fast = Blocker("speed(left_wrist) < 0.50", 0.8, 0.5, "sw/s")
    assert "0.30 shoulder widths per second too fast" in shortfall_words(fast)


def test_calibration_fits_a_narrow_span_within_the_safety_bound_and_then_fires():
    assert [e.gesture for e in recognize(SPEC, perform(NARROW * 3, seed=2))] == []  # 2.0 sw < 2.2: near misses
    tr = _practice(NARROW * 3, only=["zoom_in"])
    assert tr.tally["zoom_in"].near == 3
    prop = propose({"zoom_in": SPEC.definitions["zoom_in"]}, tr.results)
    [change] = prop.changes
    assert change.old == 2.2 and change.new == pytest.approx(max(MIN_SPAN_SW, 0.85 * 2.0), abs=0.05)
    assert "widest span 2.0" in change.words()
    new = GestureSpec.model_validate({**SPEC.definitions["zoom_in"].model_dump(), **prop.overrides["zoom_in"]})
    spec = SPEC.model_copy(update={"definitions": {**SPEC.definitions, "zoom_in": new}})
    assert [e.gesture for e in recognize(spec, perform(NARROW * 3, seed=2))] == ["zoom_in"] * 3


def test_calibration_needs_three_real_tries_and_never_goes_below_the_bounds():
    tr = _practice(NARROW, only=["zoom_in"])
    prop = propose({"zoom_in": SPEC.definitions["zoom_in"]}, tr.results)
    assert prop.changes == () and "calibration needs 3" in prop.notes[0]
    tiny = [*READY, M("hands_mid", 0.5), M("hands_mid", 0.5), M("rest", 1.5)] * 3  # span 1.0: like a clap
    tr = _practice(tiny, only=["zoom_in"])
    prop = propose({"zoom_in": SPEC.definitions["zoom_in"]}, tr.results)
    assert all(c.new >= MIN_SPAN_SW for c in prop.changes)
