"""Whom `record` follows: the person in control, else the one followed so far, else the largest in view;
never whoever happens to be largest on each frame (a bystander stepping closer would take over the trace)."""

from __future__ import annotations

from gesturectl.people.focus import RecordingFocus
from gesturectl.people.stage import Selection
from gesturectl.types import Person, Scene
from tests.conftest import make_pose


def _person(track_id: int, cx: float, half: float) -> Person:
    """A person whose joints span a square of side 2 × `half` around (cx, 240)."""
    pose = make_pose(default=(cx, 240.0), nose=(cx - half, 240.0 - half), left_ankle=(cx + half, 240.0 + half))
    return Person(pose, track_id)


def _frame(*people: Person, controlling: int | None = None) -> Selection:
    return Selection(Scene(tuple(people), (640, 480), 0.0), controlling)


def test_the_recording_stays_with_its_person_when_a_bystander_steps_closer():
    focus = RecordingFocus(0.5)
    assert focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 60))).keypoints[0][0] == 80  # the larger: 1
    assert focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 200))).keypoints[0][0] == 80  # 2 larger now
    assert focus.track_id == 1


def test_when_the_followed_person_leaves_the_largest_one_left_is_followed_and_kept():
    focus = RecordingFocus(0.5)
    focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 60), _person(3, 560, 40)))
    assert focus.pick(_frame(_person(2, 480, 60), _person(3, 560, 40))).keypoints[0][0] == 420
    assert focus.pick(_frame(_person(1, 200, 150), _person(2, 480, 60))).keypoints[0][0] == 420  # 1 is back: 2 kept
    assert focus.track_id == 2


def test_the_person_in_control_is_always_the_one_recorded():
    focus = RecordingFocus(0.5)
    focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 60)))
    assert focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 60), controlling=2)).keypoints[0][0] == 420
    assert focus.pick(_frame(_person(1, 200, 120), _person(2, 480, 60))).keypoints[0][0] == 420  # and followed after
    assert focus.pick(_frame()) is None
