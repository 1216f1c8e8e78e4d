import numpy as np
import pytest

from gesturectl.pose.anchors import AnchorSpec, ssd_anchors


def test_blazepose_grid_has_2254_anchors_in_model_order():
    a = ssd_anchors()
    assert a.shape == (2254, 2)  # 28*28*2 + 14*14*2 + 7*7*6
    np.testing.assert_allclose(a[0], [0.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(a[1], [0.5 / 28, 0.5 / 28])  # two anchors per cell at stride 8
    np.testing.assert_allclose(a[2], [1.5 / 28, 0.5 / 28])  # x varies fastest
    np.testing.assert_allclose(a[56], [0.5 / 28, 1.5 / 28])  # next row after 28 cells × 2
    np.testing.assert_allclose(a[1568], [0.5 / 14, 0.5 / 14])  # stride 16 starts
    np.testing.assert_allclose(a[1960:1966], np.tile([0.5 / 7, 0.5 / 7], (6, 1)))  # 3 layers × 2 at stride 32
    np.testing.assert_allclose(a[-1], [6.5 / 7, 6.5 / 7])


def test_other_specs():
    a = ssd_anchors(AnchorSpec(input_size=128, strides=(8, 16, 16, 16)))
    assert a.shape == (16 * 16 * 2 + 8 * 8 * 6, 2)  # BlazeFace's 896
    assert a.shape[0] == 896
    assert a.min() == pytest.approx(0.5 / 16)
