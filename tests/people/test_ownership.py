"""Limb ownership: a joint that jumps onto a neighbour, or lies on them, is marked missing, never borrowed."""

from __future__ import annotations

import numpy as np

from gesturectl.people.ownership import LimbOwnership
from gesturectl.people.tracker import IdentityTracker
from gesturectl.synth.puppet import Camera, Move
from gesturectl.types import CocoJoint, Person, Scene
from tests.people.scenes import SIZE, USER_CAM, Actor, scenes, with_joint

J = CocoJoint
# a neighbour standing close on the user's left (image right), one arm raised
NEIGHBOUR_CAM = Camera(SIZE, 100.0, (400.0, 190.0))


def _pair(seconds: float = 1.0):
    return list(
        scenes(
            Actor([Move("rest", seconds)], USER_CAM),
            Actor([Move("right_hand_up", seconds)], NEIGHBOUR_CAM, start="right_hand_up"),
        )
    )


def _run(frames, edit=None):
    tracker, owner = IdentityTracker(), LimbOwnership()
    out = []
    for i, s in enumerate(frames):
        s = tracker.update(s)
        if edit is not None:
            s = edit(i, s)
        out.append(owner.update(s))
    return out, owner


def _user(scene: Scene) -> Person:
    return min(scene.people, key=lambda p: p.pose.keypoints[J.LEFT_SHOULDER, 0])


def _neighbour(scene: Scene) -> Person:
    return max(scene.people, key=lambda p: p.pose.keypoints[J.LEFT_SHOULDER, 0])


def test_nothing_is_dropped_when_everyone_keeps_to_themselves():
    out, _ = _run(_pair())
    for s in out:
        for p in s.people:
            assert (p.pose.scores >= 0.5).sum() >= 13  # all on-image joints kept


def _jump_to(target_of):
    def jump(i: int, s: Scene) -> Scene:
        if not 20 <= i < 24:
            return s
        user, other = _user(s), _neighbour(s)
        moved = Person(with_joint(user.pose, J.LEFT_WRIST, target_of(other)), user.track_id)
        return Scene((moved, other), s.image_size, s.t)

    return jump


def test_a_limb_jump_toward_a_neighbour_is_dropped():
    """For a few frames the estimator throws the user's left wrist into the neighbour's box (beside
    their head, on none of their bones): the forearm's length and angle jump, so the wrist goes."""
    out, _ = _run(_pair(), _jump_to(lambda other: (460.0, 60.0)))
    for i, s in enumerate(out):
        wrist = _user(s).pose.score(J.LEFT_WRIST)
        assert (wrist == 0.0) == (20 <= i < 24), (i, wrist)
        assert _user(s).pose.score(J.LEFT_ELBOW) > 0.5  # the elbow stays its own


def test_a_wrist_landing_on_a_neighbours_arm_takes_the_limb_with_it():
    out, owner = _run(_pair(), _jump_to(lambda other: tuple(other.pose.keypoints[J.RIGHT_ELBOW] + [0.0, 10.0])))
    for i, s in enumerate(out):
        lost = [j for j in (J.LEFT_ELBOW, J.LEFT_WRIST) if _user(s).pose.score(j) == 0.0]
        assert lost == ([J.LEFT_ELBOW, J.LEFT_WRIST] if 20 <= i < 24 else []), i
        assert _neighbour(s).pose.score(J.RIGHT_WRIST) > 0.5


def test_a_jump_without_a_neighbour_there_is_kept():
    """The same jump into empty space is the person's own movement (fast, but not borrowed)."""

    def jump(i: int, s: Scene) -> Scene:
        if not 20 <= i < 24:
            return s
        user, other = _user(s), _neighbour(s)
        moved = Person(with_joint(user.pose, J.LEFT_WRIST, (150.0, 60.0)), user.track_id)
        return Scene((moved, other), s.image_size, s.t)

    out, _ = _run(_pair(), jump)
    assert all(_user(s).pose.score(J.LEFT_WRIST) > 0.5 for s in out)


def test_an_arm_drawn_along_a_neighbours_arm_is_dropped_from_the_first_frame():
    """No history needed: elbow and wrist lying on the neighbour's raised arm are not the user's. Each
    skeleton then runs through the other; the borrowed joints are the less confident ones (0.53 in
    three_people.jpg), and they are the ones dropped."""
    s = IdentityTracker().update(_pair(0.1)[0])
    user, other = _user(s), _neighbour(s)
    kp = np.array(user.pose.keypoints)
    kp[J.LEFT_ELBOW] = other.pose.keypoints[J.RIGHT_ELBOW] * 0.7 + other.pose.keypoints[J.RIGHT_SHOULDER] * 0.3
    kp[J.LEFT_WRIST] = other.pose.keypoints[J.RIGHT_WRIST]
    sc = np.array(user.pose.scores)
    sc[[J.LEFT_ELBOW, J.LEFT_WRIST]] = 0.6
    borrowed = Person(type(user.pose)(kp, sc, "coco17", SIZE, 1.0, s.t), user.track_id)
    owner = LimbOwnership()
    out = owner.update(Scene((borrowed, other), SIZE, s.t))
    u = _user(out).pose
    assert u.score(J.LEFT_ELBOW) == 0.0 and u.score(J.LEFT_WRIST) == 0.0
    assert u.score(J.RIGHT_WRIST) > 0.5 and _neighbour(out).pose.score(J.RIGHT_WRIST) > 0.5
    assert owner.dropped[user.track_id] == ["left_elbow", "left_wrist"]


def test_alone_nothing_is_ever_dropped():
    s = IdentityTracker().update(next(scenes(Actor([Move("rest", 0.1)], USER_CAM))))
    assert LimbOwnership().update(s) == s
