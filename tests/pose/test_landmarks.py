import numpy as np
import pytest

from gesturectl.pose.landmarks import decode_landmarks, refine_with_heatmap, sigmoid
from gesturectl.pose.roi import Roi


def _heatmap(k=2, base=-20.0):
    return np.full((64, 64, k), base, np.float32)


def test_refinement_moves_to_the_confident_cells():
    hm = _heatmap()
    hm[10, 20, 0] = 20.0  # one confident cell
    hm[30, 40, 1] = 20.0  # two equally confident cells
    hm[30, 41, 1] = 20.0
    xy = np.array([[20.3 / 64, 10.2 / 64], [40.9 / 64, 30.6 / 64]])
    out, peaks = refine_with_heatmap(xy, hm)
    assert peaks == pytest.approx([1.0, 1.0])
    np.testing.assert_allclose(out[0], [20 / 64, 10 / 64], atol=1e-6)
    np.testing.assert_allclose(out[1], [40.5 / 64, 30 / 64], atol=1e-6)


def test_no_refinement_when_unsure_or_outside():
    hm = _heatmap(base=-5.0)  # sigmoid(-5) = 0.0067 < 0.5 everywhere
    xy = np.array([[0.3, 0.3], [1.2, 0.5]])
    np.testing.assert_array_equal(refine_with_heatmap(xy, hm)[0], xy)
    hm[:, :, 1] = 20.0
    np.testing.assert_array_equal(refine_with_heatmap(xy, hm)[0][1], xy[1])  # cell 76 is off the map


def test_refinement_window_is_nine_cells_wide():
    hm = _heatmap(k=1)
    hm[10, 24, 0] = 20.0  # 4 cells right of the centre: inside a 9×9 window
    out, _ = refine_with_heatmap(np.array([[20.5 / 64, 10.5 / 64]]), hm)
    np.testing.assert_allclose(out[0], [24 / 64, 10 / 64], atol=1e-6)
    hm2 = _heatmap(k=1)
    hm2[10, 25, 0] = 20.0  # 5 cells away: outside, so nothing changes
    np.testing.assert_array_equal(
        refine_with_heatmap(np.array([[20.5 / 64, 10.5 / 64]]), hm2)[0][0], [20.5 / 64, 10.5 / 64]
    )


def test_decode_scales_projects_and_activates():
    raw = np.zeros((39, 5), np.float32)
    raw[0] = [128, 64, 0, 0.0, 2.0]  # crop centre x, quarter height; visibility logit 0
    raw[1] = [256, 256, 0, 10.0, -10.0]
    lm = decode_landmarks(raw.ravel(), 0.97, None, Roi(500, 400, 200, 0.0))
    np.testing.assert_allclose(lm.xy[0], [500, 400 - 50], atol=1e-4)
    np.testing.assert_allclose(lm.xy[1], [600, 500], atol=1e-4)
    assert lm.visibility[0] == pytest.approx(0.5)
    assert lm.presence[0] == pytest.approx(float(sigmoid(np.float32(2.0))))
    assert lm.visibility[1] > 0.9999 and lm.presence[1] < 1e-4
    assert lm.pose_score == pytest.approx(0.97)
