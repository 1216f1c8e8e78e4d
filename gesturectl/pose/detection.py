"""Decoding of the BlazePose person detector's raw output (pure numpy).

The model returns, per anchor, 12 regressors (box centre x, y, width, height and four
keypoints x, y, all in input pixels relative to the anchor centre) and one score logit.
Decoding follows MediaPipe's `TensorsToDetections` + weighted non-maximum suppression +
letterbox removal, so the resulting detections are in normalized image coordinates.

Keypoints of a detection: 0 mid-hip centre, 1 a point whose distance from the hip centre
encodes the full-body size and whose direction encodes the rotation, 2 mid-shoulder
centre, 3 the same size/rotation point for the upper body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Detection:
    """One detected person in normalized image coordinates ([0, 1] across the image).

    Attributes:
        box: (xmin, ymin, xmax, ymax) of the face-and-body box the model regresses.
        keypoints: (4, 2) normalized (x, y): hip centre, full-body size point,
            shoulder centre, upper-body size point.
        score: detector confidence in [0, 1].
    """

    box: tuple[float, float, float, float]
    keypoints: np.ndarray
    score: float

    @property
    def area(self) -> float:
        return max(0.0, self.box[2] - self.box[0]) * max(0.0, self.box[3] - self.box[1])


def decode_boxes(raw: np.ndarray, anchors: np.ndarray, input_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn (N, 12) regressors into boxes (N, 4: xmin, ymin, xmax, ymax) and keypoints (N, 4, 2).

    Coordinates are normalized to the (letterboxed) model input.
    """
    if raw.ndim != 2 or raw.shape[1] != 12 or raw.shape[0] != anchors.shape[0]:
        raise ValueError(f"expected regressors of shape ({anchors.shape[0]}, 12), got {raw.shape}")
    scaled = raw / float(input_size)
    cx = scaled[:, 0] + anchors[:, 0]
    cy = scaled[:, 1] + anchors[:, 1]
    w, h = scaled[:, 2], scaled[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    kps = scaled[:, 4:12].reshape(-1, 4, 2) + anchors[:, None, :]
    return boxes, kps


def scores_from_logits(logits: np.ndarray, clip: float = 100.0) -> np.ndarray:
    """Sigmoid of clipped logits, as the detector's calculator does."""
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(logits, np.float64), -clip, clip)))


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one (4,) box against (M, 4) boxes."""
    ix0 = np.maximum(box[0], boxes[:, 0])
    iy0 = np.maximum(box[1], boxes[:, 1])
    ix1 = np.minimum(box[2], boxes[:, 2])
    iy1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def weighted_nms(
    boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray, min_score: float, iou_threshold: float
) -> list[Detection]:
    """Weighted non-maximum suppression, strongest first.

    Each cluster (the strongest remaining box and every box overlapping it by more than
    `iou_threshold`) becomes one detection whose box and keypoints are the score-weighted
    mean of the cluster and whose score is the strongest member's.
    """
    order = np.argsort(-scores, kind="stable")
    remaining = order[scores[order] >= min_score].astype(np.int64)
    out: list[Detection] = []
    while remaining.size:
        top = remaining[0]
        overlap = iou(boxes[top], boxes[remaining])
        cluster = remaining[overlap > iou_threshold]
        if cluster.size == 0:  # a degenerate (zero-area) box still forms its own cluster
            cluster = remaining[:1]
        remaining = remaining[~np.isin(remaining, cluster)]
        w = scores[cluster][:, None]
        box = (boxes[cluster] * w).sum(0) / w.sum()
        kps = (keypoints[cluster] * w[:, :, None]).sum(0) / w.sum()
        x0, y0, x1, y1 = (float(v) for v in box)
        out.append(Detection((x0, y0, x1, y1), kps.astype(np.float32), float(scores[top])))
    return out


def remove_letterbox(det: Detection, padding: tuple[float, float, float, float]) -> Detection:
    """Map a detection from the letterboxed input to the original image (normalized).

    Args:
        det: detection in normalized model-input coordinates.
        padding: (left, top, right, bottom) letterbox padding as fractions of the input.
    """
    left, top, right, bottom = padding
    sx, sy = 1.0 - left - right, 1.0 - top - bottom
    x0, y0, x1, y1 = det.box
    box = ((x0 - left) / sx, (y0 - top) / sy, (x1 - left) / sx, (y1 - top) / sy)
    kps = (det.keypoints - np.array([left, top], np.float32)) / np.array([sx, sy], np.float32)
    return Detection(box, kps.astype(np.float32), det.score)


def pick_person(dets: list[Detection]) -> Detection | None:
    """The user in front of the camera: the detection with the largest, most central body.

    Body size is the hip-centre-to-size-point distance (the box only covers the face); a
    detection loses weight the further its hip centre is from the image centre.
    """
    if not dets:
        return None

    def merit(d: Detection) -> float:
        size = float(np.linalg.norm(d.keypoints[1] - d.keypoints[0]))
        off_centre = float(np.linalg.norm(d.keypoints[2] - np.array([0.5, 0.5])))
        return size * max(0.0, 1.0 - off_centre) * d.score

    return max(dets, key=merit)
