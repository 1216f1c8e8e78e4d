import numpy as np
import pytest

from gesturectl.pose.detection import (
    Detection,
    decode_boxes,
    iou,
    pick_person,
    remove_letterbox,
    scores_from_logits,
    weighted_nms,
)


def test_decode_box_and_keypoints_relative_to_anchor():
    raw = np.zeros((1, 12), np.float32)
    raw[0, :4] = [22.4, -11.2, 44.8, 89.6]  # /224 -> +0.1, -0.05, w 0.2, h 0.4
    raw[0, 4:8] = [0.0, 0.0, 22.4, 22.4]
    boxes, kps = decode_boxes(raw, np.array([[0.5, 0.5]], np.float32), 224)
    np.testing.assert_allclose(boxes[0], [0.5, 0.25, 0.7, 0.65], atol=1e-6)
    np.testing.assert_allclose(kps[0, 0], [0.5, 0.5], atol=1e-6)
    np.testing.assert_allclose(kps[0, 1], [0.6, 0.6], atol=1e-6)
    with pytest.raises(ValueError, match=r"expected regressors of shape \(1, 12\)"):
        decode_boxes(np.zeros((2, 12)), np.zeros((1, 2)), 224)


def test_scores_are_clipped_sigmoids():
    s = scores_from_logits(np.array([0.0, 1000.0, -1000.0], np.float32))
    np.testing.assert_allclose(s, [0.5, 1.0, 0.0], atol=1e-12)


def test_iou_by_hand():
    a = np.array([0, 0, 2, 2.0])
    b = np.array([[1, 1, 3, 3.0], [5, 5, 6, 6], [0, 0, 2, 2]])
    np.testing.assert_allclose(iou(a, b), [1 / 7, 0, 1])


def test_weighted_nms_merges_overlaps_by_score():
    boxes = np.array([[0, 0, 1, 1], [0, 0, 1, 0.8], [2, 2, 3, 3], [0, 0, 1, 1]], np.float64)
    kps = np.zeros((4, 4, 2))
    kps[0, 0] = [0.5, 0.5]
    kps[1, 0] = [0.5, 0.2]
    scores = np.array([0.9, 0.6, 0.7, 0.1])
    out = weighted_nms(boxes, kps, scores, min_score=0.5, iou_threshold=0.3)
    assert [round(d.score, 3) for d in out] == [0.9, 0.7]  # strongest first; 0.1 is below min_score
    assert out[0].box[3] == pytest.approx((1 * 0.9 + 0.8 * 0.6) / 1.5)  # 0.92
    assert out[0].keypoints[0, 1] == pytest.approx((0.5 * 0.9 + 0.2 * 0.6) / 1.5)  # 0.38
    assert out[1].box == pytest.approx((2, 2, 3, 3))


def test_weighted_nms_takes_candidates_strongest_first_ties_in_anchor_order():
    """Equal scores keep the anchors' order (a stable sort), whatever their position, and the clusters follow."""
    rng = np.random.default_rng(7)
    n = 400
    xy = rng.uniform(0, 1, (n, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(0.05, 0.3, (n, 2))], axis=1)
    kps = rng.uniform(0, 1, (n, 4, 2))
    scores = np.round(rng.uniform(0, 1, n), 1)  # many ties
    out = weighted_nms(boxes, kps, scores, min_score=0.5, iou_threshold=0.3)
    # by hand: walk the candidates in (score descending, index ascending) order
    remaining = sorted((i for i in range(n) if scores[i] >= 0.5), key=lambda i: (-scores[i], i))
    want = []
    while remaining:
        top = remaining[0]
        cluster = [i for i in remaining if iou(boxes[top], boxes[i : i + 1])[0] > 0.3] or [top]
        remaining = [i for i in remaining if i not in cluster]
        w = scores[cluster]
        want.append(((boxes[cluster] * w[:, None]).sum(0) / w.sum(), scores[top]))
    assert len(out) == len(want) > 10
    for d, (box, score) in zip(out, want):
        assert d.score == score and d.box == pytest.approx(tuple(box), abs=1e-12)


def test_letterbox_removal_maps_the_padded_square_back():
    det = Detection((0.25, 0.125, 0.75, 0.875), np.array([[0.5, 0.5], [0.5, 0.125], [0, 0], [1, 0.875]]), 0.8)
    out = remove_letterbox(det, (0.0, 0.125, 0.0, 0.125))  # a 4:3 landscape image in a square
    assert out.box == pytest.approx((0.25, 0.0, 0.75, 1.0))
    np.testing.assert_allclose(out.keypoints, [[0.5, 0.5], [0.5, 0.0], [0, -1 / 6], [1, 1.0]], atol=1e-6)


def _det(hip, size_pt, score=0.9):
    kps = np.array([hip, size_pt, hip, size_pt], np.float32)
    kps[2] = [hip[0], (hip[1] + size_pt[1]) / 2]
    return Detection((0, 0, 0.1, 0.1), kps, score)


def test_pick_person_prefers_the_large_central_body():
    small_corner = _det((0.1, 0.9), (0.1, 0.8))
    big_centre = _det((0.5, 0.8), (0.5, 0.3), score=0.7)
    assert pick_person([small_corner, big_centre]) is big_centre
    assert pick_person([]) is None
