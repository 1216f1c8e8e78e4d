"""Body frame: origin, units, orientation, missing joints and speeds, by hand."""

from __future__ import annotations

import pytest

from gesturectl.gestures.features import FeatureTracker, body_points
from gesturectl.types import Pose
from tests.conftest import make_pose

# A person facing the camera: their left shoulder appears on the image's right.
UPRIGHT = dict(
    left_shoulder=(400, 200),
    right_shoulder=(300, 200),
    left_hip=(380, 350),
    right_hip=(320, 350),
    nose=(350, 130),
    left_wrist=(450, 100),
    right_wrist=(350, 260),
)


def test_body_frame_by_hand():
    pts, sw = body_points(make_pose(**UPRIGHT), 0.5)
    assert sw == 100.0
    assert pts["shoulder_mid"] == (0.0, 0.0)
    assert pts["left_shoulder"] == (0.5, 0.0) and pts["right_shoulder"] == (-0.5, 0.0)
    assert pts["left_wrist"] == pytest.approx((1.0, 1.0))  # 100 px to the person's left, 100 px up
    assert pts["right_wrist"] == pytest.approx((0.0, -0.6))
    assert pts["head"] == pts["nose"] == pytest.approx((0.0, 0.7))
    assert pts["hip_mid"] == pytest.approx((0.0, -1.5))


def test_same_numbers_mirrored_scaled_and_shifted():
    base, _ = body_points(make_pose(**UPRIGHT), 0.5)
    mirrored = {k: (700 - x, y) for k, (x, y) in UPRIGHT.items()}
    scaled = {k: (3 * x + 40, 3 * y - 10) for k, (x, y) in UPRIGHT.items()}
    for joints, size in ((mirrored, (640, 480)), (scaled, (1920, 1080))):
        pts, _ = body_points(make_pose(size=size, **joints), 0.5)
        for name in [*UPRIGHT, "shoulder_mid", "hip_mid", "head"]:
            assert pts[name] == pytest.approx(base[name]), name


def test_missing_joints_are_left_out_not_guessed():
    p = make_pose(**UPRIGHT)
    scores = p.scores.copy()
    scores[9] = 0.2  # left wrist
    scores[0] = 0.1  # nose: the head falls back to eyes/ears, which sit at (0, 0) here and are visible
    pts, _ = body_points(Pose(p.keypoints, scores, "coco17", p.image_size), 0.5)
    assert "left_wrist" not in pts and "nose" not in pts
    assert pts["head"] == pytest.approx((-3.5, 2.0))  # mean of the eyes and ears at pixel (0, 0)
    scores[5] = 0.3  # a shoulder: no body frame at all
    assert body_points(Pose(p.keypoints, scores, "coco17", p.image_size), 0.5) is None


def test_speed_over_the_window():
    ft = FeatureTracker(0.5, speed_window_s=0.1)
    f0 = ft.update(_at(make_pose(**UPRIGHT), 0.0))
    assert f0.speeds == {}  # no history yet
    moved = dict(UPRIGHT, left_wrist=(450, 70))  # 30 px = 0.3 sw up
    ft.update(_at(make_pose(**UPRIGHT), 0.05))
    f2 = ft.update(_at(make_pose(**moved), 0.1))
    assert f2.speeds["left_wrist"] == pytest.approx(3.0)  # 0.3 sw in 0.1 s
    assert f2.speeds["right_wrist"] == pytest.approx(0.0)
    assert ft.update(None) is None


def _at(p: Pose, t: float) -> Pose:
    return Pose(p.keypoints, p.scores, p.layout, p.image_size, 1.0, t)
