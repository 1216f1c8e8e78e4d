"""Pure geometry on poses: boxes, scales, keypoint similarity and distances to a skeleton.

Everything here works on one `Pose` at a time in image pixels and counts only joints scored at or
above `min_score` (the others are missing and never used).
"""

from __future__ import annotations

import numpy as np

from gesturectl.types import Pose, joint_names

#: Bones of the skeleton, by joint name (the COCO subset: present in both layouts).
BONES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("nose", "left_shoulder"),
    ("nose", "right_shoulder"),
)

_INDEX_CACHE: dict[str, dict[str, int]] = {}


def index_of(layout: str) -> dict[str, int]:
    """Joint name -> index for a layout."""
    if layout not in _INDEX_CACHE:
        _INDEX_CACHE[layout] = {n: i for i, n in enumerate(joint_names(layout))}
    return _INDEX_CACHE[layout]


def visible(pose: Pose, min_score: float) -> np.ndarray:
    """Boolean mask of the joints scored at or above `min_score`."""
    return np.asarray(pose.scores >= min_score)


def box(pose: Pose, min_score: float, pad: float = 0.0) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) around the visible joints, widened by `pad` × the larger side; None if none visible."""
    m = visible(pose, min_score)
    if not m.any():
        return None
    pts = pose.keypoints[m]
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    p = pad * max(float(x1 - x0), float(y1 - y0), 1.0)
    return float(x0) - p, float(y0) - p, float(x1) + p, float(y1) + p


def shoulder_width(pose: Pose, min_score: float) -> float | None:
    """Distance between the shoulders in pixels, or None when one is missing."""
    ix = index_of(pose.layout)
    ls, rs = ix["left_shoulder"], ix["right_shoulder"]
    if pose.scores[ls] < min_score or pose.scores[rs] < min_score:
        return None
    return float(np.hypot(*(pose.keypoints[ls] - pose.keypoints[rs])))


def scale(pose: Pose, min_score: float) -> float:
    """A person's size in pixels: the shoulder width, else a third of the visible box's diagonal (at least 1)."""
    sw = shoulder_width(pose, min_score)
    if sw is not None and sw > 1.0:
        return sw
    b = box(pose, min_score)
    if b is None:
        return 1.0
    return max(1.0, float(np.hypot(b[2] - b[0], b[3] - b[1])) / 3.0)


def box_area(b: tuple[float, float, float, float] | None) -> float:
    return 0.0 if b is None else max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def box_iou(a: tuple[float, float, float, float] | None, b: tuple[float, float, float, float] | None) -> float:
    if a is None or b is None:
        return 0.0
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, iw) * max(0.0, ih)
    union = box_area(a) + box_area(b) - inter
    return inter / union if union > 0 else 0.0


def inside(point: np.ndarray, b: tuple[float, float, float, float] | None) -> bool:
    return b is not None and b[0] <= point[0] <= b[2] and b[1] <= point[1] <= b[3]


def keypoint_similarity(
    a_xy: np.ndarray, a_ok: np.ndarray, b_xy: np.ndarray, b_ok: np.ndarray, size_px: float, kappa: float = 0.25
) -> float:
    """OKS-like similarity in [0, 1] of two keypoint sets: mean exp(-d²/2(κ·size)²) over joints both have.

    0 when they share fewer than two visible joints.
    """
    both = a_ok & b_ok
    if int(both.sum()) < 2:
        return 0.0
    d2 = ((a_xy[both] - b_xy[both]) ** 2).sum(1)
    s = max(kappa * size_px, 1e-6)
    return float(np.exp(-d2 / (2.0 * s * s)).mean())


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance in pixels from point p to the segment a-b."""
    ab = b - a
    denom = float(ab @ ab)
    u = 0.0 if denom <= 1e-12 else min(1.0, max(0.0, float((p - a) @ ab) / denom))
    return float(np.hypot(*(p - (a + u * ab))))


def skeleton_distance(point: np.ndarray, pose: Pose, min_score: float, skip: frozenset[int] = frozenset()) -> float:
    """Distance from a point to the nearest visible bone (or lone visible joint) of a pose, skipping `skip`."""
    return nearest_bone(point, pose, min_score, skip)[0]


def nearest_bone(
    point: np.ndarray, pose: Pose, min_score: float, skip: frozenset[int] = frozenset()
) -> tuple[float, tuple[int, ...]]:
    """(distance, the joints of the nearest visible bone or lone joint) from a point to a pose's skeleton."""
    ix = index_of(pose.layout)
    ok = visible(pose, min_score)
    kp = pose.keypoints.astype(np.float64)
    best: tuple[float, tuple[int, ...]] = (float("inf"), ())
    for a, b in BONES:
        ia, ib = ix[a], ix[b]
        if ia in skip or ib in skip:
            continue
        joints: tuple[int, ...]
        if ok[ia] and ok[ib]:
            d, joints = point_segment_distance(point, kp[ia], kp[ib]), (ia, ib)
        elif ok[ia] or ok[ib]:
            k = ia if ok[ia] else ib
            d, joints = float(np.hypot(*(point - kp[k]))), (k,)
        else:
            continue
        if d < best[0]:
            best = (d, joints)
    return best
