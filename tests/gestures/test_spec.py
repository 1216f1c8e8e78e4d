"""The gesture grammar: conditions by hand, and config errors that name the path."""

from __future__ import annotations

import pytest

from gesturectl.config import parse_config
from gesturectl.errors import ConfigError
from gesturectl.gestures.conditions import compile_condition, compile_quantity
from gesturectl.gestures.features import BodyFrame
from gesturectl.gestures.spec import Condition, Quantity

FRAME = BodyFrame(
    0.0,
    {"left_wrist": (1.0, 1.0), "right_wrist": (-0.2, -0.6), "head": (0.0, 0.7), "shoulder_mid": (0.0, 0.0)},
    {"left_wrist": 0.4},
)


@pytest.mark.parametrize(
    "cond, slack, expected",
    [
        (dict(above=("left_wrist", "head")), 0.0, True),  # 1.0 > 0.7
        (dict(above=("left_wrist", "head"), margin=0.35), 0.0, False),  # 0.3 is not > 0.35
        (dict(above=("left_wrist", "head"), margin=0.35), 0.1, True),  # hysteresis loosens it: 0.3 > 0.25
        (dict(below=("right_wrist", "shoulder_mid")), 0.0, True),
        (dict(left_of=("left_wrist", "right_wrist"), margin=1.1), 0.0, True),  # 1.2 > 1.1
        (dict(right_of=("left_wrist", "right_wrist")), 0.0, False),
        (dict(distance=("left_wrist", "right_wrist"), max=2.0), 0.0, False),  # hypot(1.2, 1.6) = 2.0
        (dict(distance=("left_wrist", "right_wrist"), min=1.9, max=2.1), 0.0, True),
        (dict(speed="left_wrist", max=0.5), 0.0, True),
        (dict(speed="right_wrist", max=0.5), 0.0, False),  # no speed known: false
        (dict(above=("left_elbow", "head")), 0.0, False),  # missing point: false
        (dict(above=("left_elbow", "head"), missing_ok=True), 0.0, True),
        (dict(any_of=[[dict(above=("right_wrist", "head"))], [dict(above=("left_wrist", "head"))]]), 0.0, True),
    ],
)
def test_conditions_by_hand(cond, slack, expected):
    assert (compile_condition(Condition(**cond))(FRAME, slack) is None) is expected


def test_quantities_by_hand():
    assert compile_quantity(Quantity(distance=("left_wrist", "right_wrist")))(FRAME) == pytest.approx(2.0)
    assert compile_quantity(Quantity(dx=("left_wrist", "right_wrist")))(FRAME) == pytest.approx(1.2)
    assert compile_quantity(Quantity(y="head"))(FRAME) == pytest.approx(0.7)
    assert compile_quantity(Quantity(x="left_elbow"))(FRAME) is None


BAD = """
gestures:
  definitions:
    wave:
      cooldown_s: -1
      phases:
        - when:
            - above: [left_wrist, left_ear_lobe]
            - distance: [left_wrist, right_wrist]
              min: 2
              max: 1
        - motion: {change: {distance: [left_wrist, right_wrist]}, by: 0, within_s: 0.5}
    nudge:
      repeat: {step: 0.5}
      phases:
        - when: [{speed: left_wrist, max: 1}]
    poke:
      phases:
        - when: [{speed: left_wrist, max: 1, above: [left_wrist, head]}]
actions:
  zoom: {hotkey: [ctrl, hyper]}
bindings:
  - {gesture: wavee, action: zoom}
"""


def test_grammar_errors_name_their_path():
    with pytest.raises(ConfigError) as e:
        parse_config(BAD, "my.yaml")
    msg = str(e.value)
    assert "gestures.definitions.wave.cooldown_s (line 5): Input should be greater than or equal to 0" in msg
    assert "gestures.definitions.wave.phases.0.when.0" in msg and "unknown joint or point 'left_ear_lobe'" in msg
    assert "min (2.0) must be below max (1.0)" in msg
    assert "by must not be 0" in msg
    assert "gestures.definitions.nudge" in msg and "repeat needs a motion in the last phase" in msg
    assert "exactly one of above, below" in msg
    assert "actions.zoom.hotkey" in msg and "unknown key 'hyper'" in msg


def test_binding_references_are_checked():
    text = """
actions:
  zoom: {hotkey: [mod, "="]}
  start: {launch: editor}
bindings:
  - {gesture: wavee, action: zoom}
  - {gesture: zoom_in, action: zooom, when: {app: browser}}
"""
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    msg = str(e.value)
    assert "bindings.0.gesture: unknown gesture 'wavee'" in msg and "'zoom_in'" in msg
    assert "bindings.1.action: unknown action 'zooom'" in msg
    assert "bindings.1.when.app: unknown app 'browser'" in msg
    assert "actions.start: unknown app 'editor'" in msg
