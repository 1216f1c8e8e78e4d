"""Recognizer arbitration: priority between simultaneous gestures, refractory time, engage gate."""

from __future__ import annotations

import yaml

from gesturectl.gestures.recognizer import Recognizer
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.synth.puppet import Move as M
from gesturectl.synth.puppet import perform

TWO = """
gestures:
  refractory_s: {refractory}
  smoothing: {{enabled: false}}
  engage:
    when: [{{above: [left_wrist, shoulder_mid], margin: -1.0}}]
  definitions:
    first:
      engage: {engage_first}
      cooldown_s: 0
      phases: [{{when: [{{above: [left_wrist, head]}}], hold_s: 0.2}}]
    second:
      engage: false
      cooldown_s: 0
      phases: [{{when: [{{above: [left_wrist, shoulder_mid]}}], hold_s: {second_hold}}}]
"""


def _run(script, **kw):
    text = TWO.format(**{"refractory": 0.5, "engage_first": "false", "second_hold": 0.2, **kw})
    spec = RecognizerSpec.model_validate(yaml.safe_load(text)["gestures"])  # only these two gestures
    rec = Recognizer(spec)
    out = []
    for _, pose in perform(script):
        out += rec.update(pose)
    return out


def test_simultaneous_gestures_resolve_by_priority():
    # The hand jumps straight up: both gestures' conditions start on the same frame and, with equal
    # holds, complete on the same frame. The first defined wins; the other's pose is spent.
    events = _run([M("rest", 0.5), M("left_hand_up", 2.0, ease_s=0)], second_hold=0.2)
    assert [e.gesture for e in events] == ["first"]
    assert abs(events[0].t - 0.7) < 0.04


def test_refractory_blocks_other_gestures_and_their_progress():
    # "second" completes 0.2 s after the hand passes the shoulders; "first" would complete soon
    # after, but falls inside the refractory time, and its hold restarts only after it.
    events = _run([M("rest", 0.5), M("left_hand_up", 0.6), M("left_hand_up", 1.5)], refractory=0.5)
    names = [e.gesture for e in events]
    assert names == ["second", "first"]
    assert events[1].t - events[0].t >= 0.5 + 0.2 - 1e-6  # refractory, then the full hold


def test_engage_gate_blocks_gated_gestures():
    # "first" needs the gate (left wrist above the lower chest); with hands hanging it never counts.
    events = _run([M("rest", 3.0)], engage_first="true")
    assert events == []
    events = _run([M("rest", 0.5), M("left_hand_up", 0.6), M("left_hand_up", 1.5)], engage_first="true")
    assert "first" in [e.gesture for e in events]
