"""The two-stage BlazePose pipeline: person detector → ROI → landmark model → `Pose`.

    Frame ──▶ [no ROI yet] PersonDetector ──Detection──▶ roi_from_alignment ──Roi──┐
          └─▶ [tracking]  previous frame's auxiliary landmarks ──────────▶ Roi ──┤
                                                                                  ▼
                                     LandmarkModel(crop of Roi) ──RawLandmarks──▶ Pose
                                     (pose score < min_presence: drop the ROI, detect again)

In a video the detector runs when the person is lost and to re-check the track (every `recheck_s`,
backed off up to 4× while the tracked person is alone in view); otherwise the ROI follows the
landmarks of the previous frame, which is both faster and steadier. The two alignment points
that place the next ROI pass through a One Euro filter first (in units of the ROI's side; a
very low cutoff when still, opening fast with motion, as MediaPipe does for its auxiliary
landmarks): without it the crop and the landmarks feed back on each other and a still person's
joints flicker between two solutions, and the ROI drifts toward a neighbour in a group.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from gesturectl.filters import OneEuroFilter
from gesturectl.pose.anchors import ssd_anchors
from gesturectl.pose.detection import (
    Detection,
    decode_boxes,
    pick_person,
    remove_letterbox,
    scores_from_logits,
    weighted_nms,
)
from gesturectl.pose.landmarks import AUX_CENTRE, AUX_SIZE, NUM_BODY_LANDMARKS, RawLandmarks, decode_landmarks
from gesturectl.pose.models import OnnxModel, RuntimeOptions, verified_path
from gesturectl.pose.preprocess import crop_tensor, limit_opencv_threads
from gesturectl.pose.roi import Roi, letterbox_roi, roi_from_alignment
from gesturectl.pose.settings import PoseSettings
from gesturectl.timing import StageTimer
from gesturectl.types import Frame, Pose

DETECTOR_INPUT = 224
LANDMARK_INPUT = 256
# Anchors at or above this score join the weighted-NMS clusters (MediaPipe's decoder threshold);
# the user's `min_detection_score` then applies to each cluster's strongest member.
CANDIDATE_SCORE = 0.5
# One Euro filter of the tracking alignment points, in ROI sides: (min_cutoff_hz, beta, d_cutoff_hz).
ROI_FILTER = (0.01, 10.0, 1.0)
# A tracked ROI whose centre is this fraction of a side away from the tracked person's detection is re-seeded.
DRIFT_FRACTION = 0.2
# A re-check that finds the tracked person alone and on track doubles the time to the next one, up to this many
# times `recheck_s`; anyone else in view, a drifted crop or a lost track brings it back to `recheck_s`.
RECHECK_BACKOFF_MAX = 4


class PersonDetector:
    """BlazePose person detector: BGR image → detections in normalized image coordinates."""

    def __init__(self, model: OnnxModel, min_score: float, nms_iou: float) -> None:
        self._model = model
        self._anchors = ssd_anchors()
        self._min_score = min_score
        self._nms_iou = nms_iou
        self._input = np.empty((1, DETECTOR_INPUT, DETECTOR_INPUT, 3), np.float32)  # reused every call

    def __call__(self, image_bgr: np.ndarray) -> list[Detection]:
        h, w = image_bgr.shape[:2]
        roi, padding = letterbox_roi(w, h)
        x = crop_tensor(image_bgr, roi, DETECTOR_INPUT, (-1.0, 1.0), zero_border=True, out=self._input)
        out = self._model(x)
        regressors, logits = out["Identity"][0], out["Identity_1"][0, :, 0]
        boxes, kps = decode_boxes(regressors, self._anchors, DETECTOR_INPUT)
        clusters = weighted_nms(boxes, kps, scores_from_logits(logits), CANDIDATE_SCORE, self._nms_iou)
        return [remove_letterbox(d, padding) for d in clusters if d.score >= self._min_score]


class LandmarkModel:
    """BlazePose landmark model: BGR image + ROI → 39 landmarks in image pixels."""

    def __init__(self, model: OnnxModel) -> None:
        self._model = model
        self._input = np.empty((1, LANDMARK_INPUT, LANDMARK_INPUT, 3), np.float32)  # reused every frame

    def __call__(self, image_bgr: np.ndarray, roi: Roi) -> RawLandmarks:
        x = crop_tensor(image_bgr, roi, LANDMARK_INPUT, (0.0, 1.0), zero_border=False, out=self._input)
        out = self._model(x)
        return decode_landmarks(out["Identity"][0], float(out["Identity_1"].ravel()[0]), out["Identity_3"][0], roi)


def roi_from_detection(det: Detection, width: int, height: int) -> Roi:
    kps = det.keypoints * np.array([width, height], np.float32)
    return roi_from_alignment(tuple(kps[0]), tuple(kps[1]))


def nearest_roi(rois: list[Roi], ref: Roi, max_fraction: float = 0.5) -> Roi | None:
    """The ROI whose centre is nearest `ref`'s, if within `max_fraction` of ref's side."""
    best = min(rois, key=lambda r: math.hypot(r.cx - ref.cx, r.cy - ref.cy), default=None)
    if best is None or math.hypot(best.cx - ref.cx, best.cy - ref.cy) > max_fraction * ref.size:
        return None
    return best


class BlazePoseEstimator:
    """Frame → Pose | None, with ROI tracking between frames.

    Call `reset()` when the stream is cut (a new source, a seek) so the next frame is
    detected afresh.
    """

    def __init__(
        self,
        detector: PersonDetector,
        landmarks: LandmarkModel,
        settings: PoseSettings,
        timer: StageTimer | None = None,
    ) -> None:
        self._detector = detector
        self._landmarks = landmarks
        self._settings = settings
        self._recheck_s = settings.recheck_s
        self._timer = timer or StageTimer()
        self._roi: Roi | None = None
        self._roi_filter = OneEuroFilter(*ROI_FILTER)
        self._roi_scale: float | None = None
        self._anchor: Roi | None = None  # the tracked person as the detector last saw them
        self._anchor_t: float | None = None
        self._backoff = 1  # re-check interval multiplier: grows while the tracked person is alone in view
        self._alone = False  # the detector's last look saw at most one person
        self.last_roi: Roi | None = None  # for drawing and debugging only

    @classmethod
    def from_settings(
        cls, settings: PoseSettings, timer: StageTimer | None = None, models: Path | None = None
    ) -> BlazePoseEstimator:
        """Build the pipeline from the bundled, hash-checked models."""
        limit_opencv_threads(settings.threads)
        name = settings.landmark_model_name()
        rt = RuntimeOptions(threads=settings.threads, memory_pattern=False)
        rare = RuntimeOptions(threads=settings.threads, release_after_run=True)  # runs to find or re-check only
        det = PersonDetector(
            OnnxModel(verified_path("pose_detection", models), rare), settings.min_detection_score, settings.nms_iou
        )
        lm = LandmarkModel(OnnxModel(verified_path(name, models), rt))
        return cls(det, lm, settings, timer)

    def set_recheck_s(self, seconds: float) -> None:
        """Re-find people (and re-seed drifted crops) every `seconds` from now on (the daemon's pace)."""
        self._recheck_s = seconds

    def reset(self) -> None:
        self._roi = None
        self._anchor = self._anchor_t = None
        self._backoff = 1
        self._reset_filter()

    def _recheck_due(self, t: float) -> bool:
        """Whether this frame re-finds the tracked person: every `recheck_s` (the daemon's pace may lengthen it),
        backed off while they are alone and on track, never longer apart than the backoff's cap."""
        if self._anchor_t is None:
            return True
        cap = max(self._recheck_s, self._settings.recheck_s * RECHECK_BACKOFF_MAX)
        return t - self._anchor_t >= min(self._recheck_s * self._backoff, cap)

    def estimate(self, frame: Frame) -> Pose | None:
        image = frame.image
        h, w = image.shape[:2]
        roi = self._roi if self._settings.track else None
        tracked = roi is not None
        if roi is None:
            roi = self._detect(image, frame.t)
            self._reset_filter()
            self._backoff = 1
        elif self._recheck_due(frame.t):
            roi = self._recheck(image, roi, frame.t)
        if roi is None:
            self._roi = None
            return None
        lm: RawLandmarks | None = self._run_landmarks(image, roi)
        if lm is not None and lm.pose_score < self._settings.min_presence and tracked:
            roi = self._detect(image, frame.t, near=self._anchor)  # lost: look again in this same frame
            self._reset_filter()
            self._backoff = 1
            lm = self._run_landmarks(image, roi) if roi is not None else None
        if lm is None or roi is None or lm.pose_score < self._settings.min_presence:
            self._roi = None
            return None
        self.last_roi = roi
        self._roi = self._next_roi(lm, roi, frame.t)
        body = slice(0, NUM_BODY_LANDMARKS)
        return Pose(lm.xy[body], lm.visibility[body], "blazepose33", (w, h), lm.pose_score, frame.t)

    def _run_landmarks(self, image: np.ndarray, roi: Roi) -> RawLandmarks:
        return self._timer.record("landmarks", lambda: self._landmarks(image, roi))

    def _reset_filter(self) -> None:
        self._roi_filter.reset()
        self._roi_scale = None

    def _next_roi(self, lm: RawLandmarks, roi: Roi, t: float) -> Roi:
        """The ROI for the next frame, from this frame's alignment points after the One Euro filter."""
        if self._roi_scale is None:  # the filter's unit: the ROI side when the track started
            self._roi_scale = roi.size
        pts = np.stack([lm.xy[AUX_CENTRE], lm.xy[AUX_SIZE]]).astype(np.float64) / self._roi_scale
        pts = self._roi_filter(t, pts) * self._roi_scale
        return roi_from_alignment(tuple(pts[0]), tuple(pts[1]))

    def _detect(self, image: np.ndarray, t: float, near: Roi | None = None) -> Roi | None:
        """ROI of the person to follow: the one nearest `near` (the tracked person) if given and
        still there, else the largest and most central. It becomes the track's anchor."""
        dets = self._timer.record("detector", lambda: self._detector(image))
        self._alone = len(dets) <= 1
        h, w = image.shape[:2]
        roi = nearest_roi([roi_from_detection(d, w, h) for d in dets], near) if near is not None else None
        if roi is None:
            det = pick_person(dets)  # type: ignore[arg-type]
            roi = None if det is None else roi_from_detection(det, w, h)
        self._anchor, self._anchor_t = roi, t
        return roi

    def _recheck(self, image: np.ndarray, roi: Roi, t: float) -> Roi:
        """Keep the track on its person: if the ROI has drifted away from where the detector now
        sees that person (toward a neighbour, typically), start again from the detection."""
        prev = self._anchor
        anchor = self._detect(image, t, near=prev if prev is not None else roi)
        if anchor is None or (prev is not None and nearest_roi([anchor], prev) is None):
            self._anchor = prev  # the tracked person is not detected now: trust the landmarks
            self._backoff = 1
            return roi
        if math.hypot(anchor.cx - roi.cx, anchor.cy - roi.cy) > DRIFT_FRACTION * anchor.size:
            self._reset_filter()
            self._backoff = 1
            return anchor
        self._backoff = min(2 * self._backoff, RECHECK_BACKOFF_MAX) if self._alone else 1
        return roi
