import math

import numpy as np
import pytest

from gesturectl.pose.roi import Roi, crop_matrix, letterbox_roi, normalize_radians, project_to_image, roi_from_alignment


def test_upright_body_gives_an_unrotated_square():
    roi = roi_from_alignment((100, 200), (100, 100))
    assert (roi.cx, roi.cy) == (100, 200)
    assert roi.size == pytest.approx(2 * 100 * 1.25)
    assert roi.rotation == pytest.approx(0.0)


def test_body_lying_head_right_turns_the_crop_a_quarter():
    roi = roi_from_alignment((100, 200), (200, 200))
    assert roi.rotation == pytest.approx(math.pi / 2)
    # the crop's top edge (head side) lies to the right of the centre in the image
    tl, tr, br, bl = roi.corners()
    assert (tl[0] + tr[0]) / 2 == pytest.approx(100 + 125)


def test_normalize_radians():
    assert normalize_radians(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert normalize_radians(-math.pi) == pytest.approx(-math.pi)
    assert normalize_radians(0.3) == pytest.approx(0.3)


def test_crop_matrix_maps_corners_and_projection_inverts_it():
    roi = Roi(320, 240, 200, 0.4)
    m = crop_matrix(roi, 256)
    corners = roi.corners()
    mapped = corners @ m[:, :2].T + m[:, 2]
    np.testing.assert_allclose(mapped, [[0, 0], [256, 0], [256, 256], [0, 256]], atol=1e-9)
    pts = np.array([[0.1, 0.2], [0.5, 0.5], [0.9, 0.7]])
    img = project_to_image(pts, roi)
    back = img @ m[:, :2].T + m[:, 2]
    np.testing.assert_allclose(back / 256, pts, atol=1e-9)
    np.testing.assert_allclose(img[1], [320, 240])


def test_letterbox_of_a_landscape_image():
    roi, pad = letterbox_roi(640, 480)
    assert (roi.cx, roi.cy, roi.size, roi.rotation) == (320, 240, 640, 0)
    assert pad == pytest.approx((0, 0.125, 0, 0.125))


def test_roi_rejects_degenerate_sizes():
    with pytest.raises(ValueError, match="positive finite"):
        Roi(0, 0, 0.0)
