"""MoveNet MultiPose as the people finder: one pass over the whole image, up to six people (pure decoding).

    image ──letterbox to 256², int32 RGB──▶ MoveNet MultiPose (ONNX) ──[1, 6, 56]──▶ FoundPerson × ≤ 6
                                                                                      ──▶ Roi per person

Each of the six rows is 17 COCO keypoints × (y, x, score) normalized to the letterboxed input, then the
person's box (ymin, xmin, ymax, xmax) and score. The multi-person estimator uses the people found here
only to place a BlazePose landmark crop on each of them (`roi_for_person`): MoveNet finds people that
BlazePose's face-based detector misses (it proposes one box per photo on most of the COCO test photos),
and BlazePose then gives the 33 landmarks the recognizer is tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gesturectl.pose.models import OnnxModel
from gesturectl.pose.roi import Roi, roi_from_alignment
from gesturectl.types import CocoJoint

INPUT = 256
#: Body size (hip centre to the ROI's size point) in shoulder widths. BlazePose's detector uses about 3
#: (2.8-3.2 on three_people.jpg); 2.5 crops tighter, which gave the landmark model the raised hand in that
#: photo (3.0 put the wrist beside the forearm) at a small cost on full-body COCO people (mean OKS 0.689
#: against 0.709 for full, 0.674 against 0.665 for lite; tools/compare_people.py).
SIZE_SW = 2.5
#: Shoulders to hips in shoulder widths, for people whose hips are out of view.
TORSO_SW = 1.4
#: MoveNet's person score a person must reach (its scores run low: 0.39-0.52 for the three clearly
#: visible people of three_people.jpg); the BlazePose landmark model's presence then confirms each one.
MIN_PERSON_SCORE = 0.2


@dataclass(frozen=True)
class FoundPerson:
    """One person MoveNet found, in image pixels."""

    keypoints: np.ndarray  # (17, 2) COCO x, y
    scores: np.ndarray  # (17,)
    score: float

    @property
    def size(self) -> float:
        return float(np.ptp(self.keypoints[self.scores >= 0.2], axis=0).max(initial=0.0))


def letterbox(image_bgr: np.ndarray, size: int = INPUT) -> tuple[np.ndarray, float]:
    """(int32 [1, size, size, 3] RGB with the image at the top left, pixels per input unit)."""
    import cv2

    h, w = image_bgr.shape[:2]
    side = max(h, w)
    scale = size / side
    small = cv2.resize(image_bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((size, size, 3), np.uint8)
    canvas[: small.shape[0], : small.shape[1]] = small[:, :, ::-1]
    return canvas[None].astype(np.int32), float(side)


def decode(rows: np.ndarray, side: float, min_score: float) -> list[FoundPerson]:
    """The people in a [6, 56] output scored at least `min_score`, keypoints in image pixels."""
    if rows.ndim != 2 or rows.shape[1] != 56:
        raise ValueError(f"expected MoveNet MultiPose rows of shape (N, 56), got {rows.shape}")
    out = []
    for row in rows:
        if row[55] < min_score:
            continue
        kp = row[:51].reshape(17, 3)
        xy = np.stack([kp[:, 1], kp[:, 0]], 1) * side
        out.append(FoundPerson(xy.astype(np.float32), kp[:, 2].astype(np.float32), float(row[55])))
    return out


def roi_for_person(p: FoundPerson, min_score: float = 0.2) -> Roi | None:
    """The BlazePose ROI for a found person: centred on the hips (estimated below the shoulders when
    out of view), upright along hips → shoulders, sized like BlazePose's detector sizes a body."""
    J = CocoJoint
    ok = p.scores >= min_score
    if not (ok[J.LEFT_SHOULDER] and ok[J.RIGHT_SHOULDER]):
        return None
    kp = p.keypoints.astype(np.float64)
    sm = (kp[J.LEFT_SHOULDER] + kp[J.RIGHT_SHOULDER]) / 2
    sw = max(float(np.hypot(*(kp[J.LEFT_SHOULDER] - kp[J.RIGHT_SHOULDER]))), 1.0)
    if ok[J.LEFT_HIP] and ok[J.RIGHT_HIP]:
        hm = (kp[J.LEFT_HIP] + kp[J.RIGHT_HIP]) / 2
    else:
        hm = sm + np.array([0.0, TORSO_SW * sw])
    up = sm - hm
    torso = max(float(np.hypot(*up)), 1e-3)
    reach = float(np.hypot(*(kp[ok] - hm).T).max())
    dist = max(SIZE_SW * sw, 2.0 * torso, 1.1 * reach)
    size_point = hm + up / torso * dist
    return roi_from_alignment((float(hm[0]), float(hm[1])), (float(size_point[0]), float(size_point[1])))


class MoveNetFinder:
    """BGR image -> ROIs of everyone MoveNet MultiPose finds, the largest first."""

    def __init__(self, model: OnnxModel, min_score: float = MIN_PERSON_SCORE) -> None:
        self._model = model
        self._min_score = min_score

    def people(self, image_bgr: np.ndarray) -> list[FoundPerson]:
        x, side = letterbox(image_bgr)
        rows = next(iter(self._model(x).values()))[0]
        return decode(rows, side, self._min_score)

    def __call__(self, image_bgr: np.ndarray) -> list[Roi]:
        found = sorted(self.people(image_bgr), key=lambda p: -p.size * p.score)
        return [r for r in (roi_for_person(p) for p in found) if r is not None]
