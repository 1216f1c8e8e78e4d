"""One Euro filter: hand-computed steps, limits, validation; the pose smoother's dropout rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gesturectl.filters import OneEuroFilter, smoothing_alpha
from gesturectl.gestures.smoothing import PoseSmoother
from tests.conftest import make_pose


def test_alpha_by_hand():
    # tau = 1 / (2π·1 Hz) = 0.159155; alpha = 1 / (1 + tau / 0.1) = 0.385870
    assert smoothing_alpha(1.0, 0.1) == pytest.approx(0.385870, abs=1e-6)
    assert smoothing_alpha(1e6, 0.1) == pytest.approx(1.0, abs=1e-5)


def test_first_steps_by_hand():
    f = OneEuroFilter(min_cutoff_hz=1.0, beta=0.0, d_cutoff_hz=1.0)
    assert f(0.0, np.array([0.0]))[0] == 0.0  # the first sample passes through
    # beta 0: a plain low-pass at 1 Hz; dt 0.1 s → alpha 0.385870
    y1 = f(0.1, np.array([1.0]))[0]
    assert y1 == pytest.approx(0.385870, abs=1e-6)
    y2 = f(0.2, np.array([1.0]))[0]
    assert y2 == pytest.approx(y1 + 0.385870 * (1 - y1), abs=1e-6)


def test_beta_opens_the_cutoff_with_speed():
    slow, fast = OneEuroFilter(1.0, 0.0), OneEuroFilter(1.0, 5.0)
    for f in (slow, fast):
        f(0.0, np.array([0.0]))
    # d/dt of the first step: 1/0.1 = 10; smoothed by alpha_d(1 Hz, 0.1 s) → 3.8587; cutoff = 1 + 5·3.8587
    a = smoothing_alpha(1.0 + 5.0 * 0.385870 * 10.0, 0.1)
    assert fast(0.1, np.array([1.0]))[0] == pytest.approx(a, abs=1e-5)
    assert slow(0.1, np.array([1.0]))[0] < a


def test_constant_signal_is_unchanged_and_time_going_back_restarts():
    f = OneEuroFilter(1.0, 1.0)
    for i in range(10):
        assert f(i / 30, np.array([2.0, -3.0])) == pytest.approx([2.0, -3.0])
    assert f(0.0, np.array([7.0]))[0] == 7.0


@pytest.mark.parametrize(
    "kw",
    [
        dict(min_cutoff_hz=0.0, beta=1.0),
        dict(min_cutoff_hz=1.0, beta=-1.0),
        dict(min_cutoff_hz=1.0, beta=1.0, d_cutoff_hz=0.0),
    ],
)
def test_bad_parameters_are_named(kw):
    with pytest.raises(ValueError, match="cutoff|beta"):
        OneEuroFilter(**kw)


def test_pose_smoother_smooths_restarts_after_dropout_and_passes_missing_joints():
    sm = PoseSmoother(1.0, 0.0, 1.0, min_score=0.5, max_dropout_s=0.25)
    p0 = make_pose(size=(640, 480), left_wrist=(100, 100))
    p1 = make_pose(size=(640, 480), left_wrist=(148, 100))
    out0 = sm.update(_at(p0, 0.0))
    assert tuple(out0.keypoints[9]) == (100, 100)
    out1 = sm.update(_at(p1, 0.1))
    x = float(out1.keypoints[9, 0])
    assert x == pytest.approx(100 + 0.385870 * 48, abs=1e-3)  # filtered in image heights, same alpha
    assert sm.update(None) is None
    out2 = sm.update(_at(p1, 0.5))  # 0.4 s gap > 0.25 s: the filter restarts at the raw value
    assert float(out2.keypoints[9, 0]) == pytest.approx(148.0)
    low = make_pose(size=(640, 480), left_wrist=(300, 300))
    scores = np.array(low.scores)
    scores[9] = 0.1
    out3 = sm.update(_at(low, 0.53, scores))
    assert float(out3.keypoints[9, 0]) == pytest.approx(300.0)  # missing: passed through, not smoothed


def _at(pose, t, scores=None):
    from gesturectl.types import Pose

    return Pose(pose.keypoints, pose.scores if scores is None else scores, pose.layout, pose.image_size, 1.0, t)


def test_alpha_formula_matches_the_paper():
    # Casiez et al.: alpha = 1 / (1 + tau/Te), tau = 1 / (2π fc)
    fc, te = 2.5, 1 / 60
    assert smoothing_alpha(fc, te) == pytest.approx(1 / (1 + (1 / (2 * math.pi * fc)) / te))
