"""Simple Baselines geometry and decoding (numpy, no torch), checked against hand-computed numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gesturectl.pose.heatmaps import (
    affine_transform_matrix,
    apply_affine,
    box_to_centre_scale,
    final_predictions,
    flip_back,
    flip_test_average,
    gaussian_target,
    max_predictions,
    normalise_bgr,
)


def test_box_to_centre_scale_by_hand():
    # 50×100 box, aspect 192/256 = 0.75: too narrow, so its width grows to 75; /200 px; ×1.25
    c, s = box_to_centre_scale(10, 20, 50, 100, 0.75)
    assert tuple(c) == (35.0, 70.0)
    assert tuple(s) == pytest.approx((75 / 200 * 1.25, 100 / 200 * 1.25))
    c, s = box_to_centre_scale(0, 0, 300, 100, 0.75)  # too wide: the height grows to 400
    assert tuple(s) == pytest.approx((300 / 200 * 1.25, 400 / 200 * 1.25))


def test_affine_by_hand():
    centre, scale = np.array([100.0, 200.0]), np.array([0.96, 1.28])  # a 192×256 px region
    m = affine_transform_matrix(centre, scale, 0.0, (48, 64))
    # 192 px → 48: ×0.25; the centre lands on the output centre (24, 32)
    assert m == pytest.approx(np.array([[0.25, 0, -1], [0, 0.25, -18]]))
    inv = affine_transform_matrix(centre, scale, 0.0, (48, 64), inverse=True)
    pts = np.array([[3.0, 7.0], [100.0, 200.0]])
    assert apply_affine(apply_affine(pts, m), inv) == pytest.approx(pts)


def test_affine_rotation_direction():
    # rotated 90°: the point 96 px to the right of the centre goes to the middle of the top edge
    m = affine_transform_matrix(np.array([100.0, 200.0]), np.array([0.96, 1.28]), 90.0, (48, 64))
    assert apply_affine(np.array([196.0, 200.0]), m) == pytest.approx([24.0, 8.0])


def test_gaussian_target_by_hand():
    joints = np.array([[10.0, 18.0], [-30.0, 10.0], [-20.0, 10.0], [50.0, 50.0]])
    vis = np.array([2, 2, 2, 0])
    t, w = gaussian_target(joints, vis, (192, 256), (48, 64), sigma=2.0)
    assert t.shape == (4, 64, 48) and t.dtype == np.float32
    # joint 0: stride 4 → (2.5, 4.5) → rounded half up to (3, 5)
    assert t[0, 5, 3] == 1.0
    assert t[0, 5, 4] == pytest.approx(math.exp(-1 / 8))
    assert t[0, 5, 9] == pytest.approx(math.exp(-36 / 8))  # 3σ away: still inside the 13×13 window
    # the window (columns -3..9, rows -1..11) is clipped at the map's left and top edges
    assert t[0, 5, 10] == 0.0 and t[0].sum() == pytest.approx(_window_sum(2.0, rx_min=-3, ry_min=-5), rel=1e-6)
    # joint 1: centre column int(-7.5 + 0.5) = -7, window columns -13..-1: entirely off the map
    assert w[1] == 0 and t[1].sum() == 0
    # joint 2: centre column -4, window -10..2: the right part lands on columns 0..2
    assert w[2] == 1 and t[2, 3, 2] == pytest.approx(math.exp(-36 / 8))
    assert w[3] == 0 and t[3].sum() == 0  # unlabelled


def _window_sum(sigma, rx_min, ry_min):
    rx, ry = np.arange(rx_min, 7), np.arange(ry_min, 7)
    return float(np.exp(-(ry[:, None] ** 2 + rx[None] ** 2) / (2 * sigma**2)).sum())


def test_final_predictions_by_hand():
    hm = np.zeros((1, 1, 64, 48), np.float32)
    hm[0, 0, 20, 10] = 1.0
    hm[0, 0, 20, 11] = 0.6  # right neighbour higher than left: +0.25 in x
    hm[0, 0, 19, 10] = 0.5  # upper neighbour higher than lower: -0.25 in y
    centre, scale = np.array([[100.0, 200.0]]), np.array([[0.96, 1.28]])
    preds, vals = final_predictions(hm, centre, scale)
    # heatmap (10.25, 19.75) → image ((10.25 - 24)·4 + 100, (19.75 - 32)·4 + 200)
    assert preds[0, 0] == pytest.approx([45.0, 151.0])
    assert vals[0, 0, 0] == 1.0


def test_max_predictions_masks_empty_maps():
    hm = -np.ones((1, 2, 4, 4), np.float32)
    hm[0, 1, 2, 3] = 0.7
    coords, vals = max_predictions(hm)
    assert coords[0, 0].tolist() == [0.0, 0.0] and coords[0, 1].tolist() == [3.0, 2.0]


def test_flip_back_and_flip_test_by_hand():
    k, h, w = 17, 64, 48
    original = np.zeros((1, k, h, w), np.float32)
    original[0, 5, 30, 10] = 1.0  # left shoulder at x = 10
    flipped = np.zeros_like(original)
    flipped[0, 6, 30, 48 - 10] = 1.0  # in the mirrored image it is the "right" shoulder, at W - x
    back = flip_back(flipped)
    assert back[0, 5, 30, 47 - 38] == 1.0 and back[0, 6].sum() == 0  # reversed and swapped: x = 9
    avg = flip_test_average(original, flipped)
    assert avg[0, 5, 30, 10] == 1.0  # the one-pixel shift lines the two up again
    assert avg.sum() == pytest.approx(1.0)


def test_input_normalisation_is_explicitly_bgr_with_rgb_statistics():
    crop = np.zeros((2, 2, 3), np.uint8)
    crop[..., 0] = 255  # blue channel full
    x = normalise_bgr(crop)
    assert x.shape == (1, 3, 2, 2)
    assert x[0, 0, 0, 0] == pytest.approx((1.0 - 0.485) / 0.229)  # B normalised with the R statistics
    assert x[0, 2, 0, 0] == pytest.approx((0.0 - 0.406) / 0.225)
