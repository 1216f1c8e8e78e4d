"""Identities across frames: two people crossing (with a short occlusion) keep their ids."""

from __future__ import annotations

import pytest

from gesturectl.people.geometry import shoulder_width
from gesturectl.people.tracker import IdentityTracker
from gesturectl.synth.puppet import Move
from gesturectl.types import Person, Scene
from tests.people.scenes import BYSTANDER_CAM, SIZE, USER_CAM, Actor, scenes


def _ids_by_size(tracked: list[Scene]) -> tuple[set[int], set[int]]:
    """Track ids given to the near (big) and far (small) person over a run."""
    near, far = set(), set()
    for s in tracked:
        for p in s.people:
            (near if shoulder_width(p.pose, 0.5) > 95 else far).add(p.track_id)
    return near, far


@pytest.mark.parametrize("occluded", [False, True])
def test_two_people_crossing_keep_their_identities(occluded):
    walk = [Move("rest", 1.0), Move("hands_together", 1.0), Move("rest", 1.0)]
    a = Actor(walk, USER_CAM, moves=lambda t: (120 + 130 * t, 200.0))
    # the far person walks the other way and, optionally, is hidden behind the near one mid-crossing
    hidden = (lambda t: not 1.3 <= t <= 1.7) if occluded else (lambda t: True)
    b = Actor(walk, BYSTANDER_CAM, moves=lambda t: (520 - 130 * t, 185.0), visible=hidden)
    tracker = IdentityTracker(memory_s=1.0)
    tracked = [tracker.update(s) for s in scenes(a, b)]
    near, far = _ids_by_size(tracked)
    assert len(near) == 1 and len(far) == 1 and near != far, (near, far)
    # the crossing really happened: the two swapped sides
    first, last = tracked[0], tracked[-1]
    assert first.person(near.pop()).pose.keypoints[:, 0].mean() < 320 < last.people[0].pose.keypoints[:, 0].max()


def test_a_person_gone_longer_than_the_memory_comes_back_with_a_new_id():
    a = Actor([Move("rest", 3.0)], USER_CAM, visible=lambda t: not 1.0 <= t <= 2.5)
    tracker = IdentityTracker(memory_s=1.0)
    ids = {p.track_id for s in scenes(a) for p in tracker.update(s).people}
    assert len(ids) == 2


def test_only_the_largest_people_are_followed():
    a, b = Actor([Move("rest", 0.2)], USER_CAM), Actor([Move("rest", 0.2)], BYSTANDER_CAM)
    tracker = IdentityTracker(max_people=1)
    for s in scenes(a, b):
        out = tracker.update(s)
        assert len(out.people) == 1 and shoulder_width(out.people[0].pose, 0.5) > 95


def test_scene_validation():
    pose = next(scenes(Actor([Move("rest", 0.1)], USER_CAM))).people[0].pose
    with pytest.raises(ValueError, match="track ids must be unique"):
        Scene((Person(pose, 1), Person(pose, 1)), SIZE, 0.0)
    with pytest.raises(ValueError, match="image_size"):
        Scene((Person(pose),), (320, 240), 0.0)
    with pytest.raises(ValueError, match="track_id"):
        Person(pose, -1)
    assert Scene.of(pose).people[0].pose is pose
    assert Scene.of(None, SIZE, 1.0).people == ()
