"""Perturbations of recorded poses (gesturectl/synth/perturb.py), checked on small hand-built poses."""

from __future__ import annotations

import numpy as np
import pytest

from gesturectl.gestures.features import body_points
from gesturectl.synth.perturb import Perturbation, perturb, perturb_pose
from gesturectl.types import CocoJoint, Pose


def _pose(t: float = 0.0) -> Pose:
    """Shoulders 100 px apart at y=200 (the person faces the camera, their left on the image's right),
    nose 60 px above, elbows 70 px below the shoulders, wrists 70 px below the elbows."""
    kp = np.zeros((17, 2))
    kp[CocoJoint.LEFT_SHOULDER] = (370, 200)
    kp[CocoJoint.RIGHT_SHOULDER] = (270, 200)
    kp[CocoJoint.NOSE] = (320, 140)
    kp[CocoJoint.LEFT_ELBOW] = (380, 270)
    kp[CocoJoint.RIGHT_ELBOW] = (260, 270)
    kp[CocoJoint.LEFT_WRIST] = (380, 340)
    kp[CocoJoint.RIGHT_WRIST] = (260, 340)
    kp[CocoJoint.LEFT_HIP] = (350, 360)
    kp[CocoJoint.RIGHT_HIP] = (290, 360)
    return Pose(kp, np.ones(17), "coco17", (640, 480), 1.0, t)


def _body(pose: Pose) -> dict[str, tuple[float, float]]:
    got = body_points(pose, 0.5)
    assert got is not None
    return got[0]


def test_identity_changes_nothing():
    p = _pose()
    assert np.allclose(perturb_pose(p, Perturbation()).keypoints, p.keypoints)


def test_shoulders_placed_lower_make_the_hands_and_head_stay_put_relative_to_each_other():
    before = _body(_pose())
    after = _body(perturb_pose(_pose(), Perturbation(shoulder_shift_sw=-0.2)))
    assert after["left_wrist"][1] == pytest.approx(before["left_wrist"][1] + 0.2)  # wrists 0.2 sw higher
    assert after["nose"][1] == pytest.approx(before["nose"][1])  # the head moves with the shoulders


def test_longer_arms_move_elbows_and_wrists_along_the_arm():
    after = _body(perturb_pose(_pose(), Perturbation(arm_scale=1.2)))
    assert after["left_wrist"][1] == pytest.approx(-1.4 * 1.2)
    assert after["left_elbow"][1] == pytest.approx(-0.7 * 1.2)
    assert after["nose"][1] == pytest.approx(0.6)


def test_camera_roll_distance_and_foreshortening():
    before = _body(_pose())
    rolled = _body(perturb_pose(_pose(), Perturbation(roll_deg=10)))
    far = _body(perturb_pose(_pose(), Perturbation(scale=0.5)))
    low = _body(perturb_pose(_pose(), Perturbation(vertical_scale=0.8)))
    assert far["left_wrist"] == pytest.approx(before["left_wrist"])  # body units do not see distance
    assert rolled["left_wrist"] != pytest.approx(before["left_wrist"])  # the body frame is not roll-corrected
    assert low["left_wrist"][1] == pytest.approx(0.8 * before["left_wrist"][1])


def test_jitter_is_seeded_and_in_shoulder_widths():
    frames = [(i / 20, _pose(i / 20)) for i in range(200)]
    a = perturb(frames, Perturbation(jitter_sw=0.05, seed=3))
    b = perturb(frames, Perturbation(jitter_sw=0.05, seed=3))
    assert all(np.array_equal(x[1].keypoints, y[1].keypoints) for x, y in zip(a, b, strict=True))
    moved = np.array([pa.keypoints[CocoJoint.NOSE, 0] - 320 for _, pa in a])
    assert np.std(moved) == pytest.approx(5.0, rel=0.2)  # 0.05 of a 100 px shoulder width


def test_lower_frame_rate_and_dropped_frames_keep_times_and_nobody():
    frames = [(i / 20, None if i == 5 else _pose(i / 20)) for i in range(40)]
    at8 = perturb(frames, Perturbation(fps=8))
    ts = [t for t, _ in at8]
    assert ts[0] == 0.0 and all(0.1 - 1e-6 <= b - a <= 0.15 + 1e-6 for a, b in zip(ts, ts[1:]))
    assert len(at8) == 16
    dropped = perturb(frames, Perturbation(drop_frac=0.5, seed=1))
    assert dropped[0][0] == 0.0 and 10 < len(dropped) < 30
    assert all(p is None or p.t == t for t, p in dropped)


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError, match="arm_scale"):
        Perturbation(arm_scale=0)
    with pytest.raises(ValueError, match="drop_frac"):
        Perturbation(drop_frac=1.0)
