"""MoveNet MultiPose decoding and the BlazePose crop placed on each person it finds (pure numpy)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gesturectl.pose.movenet import SIZE_SW, TORSO_SW, FoundPerson, decode, roi_for_person
from gesturectl.types import CocoJoint as J


def _row(kps: dict[int, tuple[float, float, float]], score: float) -> np.ndarray:
    row = np.zeros(56, np.float32)
    for j, (y, x, s) in kps.items():
        row[3 * j : 3 * j + 3] = (y, x, s)
    row[55] = score
    return row


def test_decode_keeps_people_above_the_score_in_image_pixels():
    rows = np.stack([_row({J.NOSE: (0.25, 0.5, 0.9)}, 0.6), _row({}, 0.1)])
    people = decode(rows, 640.0, 0.2)
    assert len(people) == 1 and people[0].score == pytest.approx(0.6)
    assert people[0].keypoints[J.NOSE].tolist() == pytest.approx([320.0, 160.0])
    with pytest.raises(ValueError, match="56"):
        decode(np.zeros((6, 51)), 640.0, 0.2)


def _person(hips: bool) -> FoundPerson:
    kp = np.zeros((17, 2), np.float32)
    sc = np.full(17, 0.05, np.float32)
    for j, xy in {J.LEFT_SHOULDER: (150, 100), J.RIGHT_SHOULDER: (50, 100), J.NOSE: (100, 50)}.items():
        kp[j], sc[j] = xy, 0.9
    if hips:
        kp[J.LEFT_HIP], kp[J.RIGHT_HIP] = (130, 250), (70, 250)
        sc[[J.LEFT_HIP, J.RIGHT_HIP]] = 0.9
    return FoundPerson(kp, sc, 0.5)


def test_the_crop_is_centred_on_the_hips_upright_and_sized_by_the_shoulders():
    roi = roi_for_person(_person(hips=True))
    assert (roi.cx, roi.cy) == pytest.approx((100.0, 250.0))
    assert abs(roi.rotation) < 1e-6
    assert roi.size == pytest.approx(2 * 1.25 * max(SIZE_SW * 100, 2 * 150, 1.1 * math.hypot(0, 200)))


def test_hips_out_of_view_are_placed_below_the_shoulders_and_no_shoulders_no_crop():
    roi = roi_for_person(_person(hips=False))
    assert (roi.cx, roi.cy) == pytest.approx((100.0, 100.0 + TORSO_SW * 100))
    p = _person(hips=True)
    sc = p.scores.copy()
    sc[J.LEFT_SHOULDER] = 0.0
    assert roi_for_person(FoundPerson(p.keypoints, sc, 0.5)) is None
