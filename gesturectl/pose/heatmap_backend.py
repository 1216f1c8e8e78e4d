"""A heatmap pose model (an exported Simple Baselines PoseResNet) as the pose stage, top-down.

    Frame ─▶ [no ROI] BlazePose PersonDetector ─Roi─┐
          └▶ [tracking] box of last frame's joints ─┤
                                                    ▼
         centre/scale ▶ affine crop (input size) ▶ ONNX heatmaps ▶ final_predictions ▶ COCO-17 Pose

numpy + OpenCV + onnxruntime only (no torch). The person box comes from the BlazePose detector's
ROI (the same tracker the default backend uses); while at least `MIN_TRACK_JOINTS` joints score
above `track_score`, the next box is the bounding box of those joints, enlarged. Scores are the
heatmap peaks clipped to [0, 1]. A model exported with random weights is announced as such.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from gesturectl.errors import ModelError
from gesturectl.pose.blazepose import PersonDetector, roi_from_detection
from gesturectl.pose.detection import pick_person
from gesturectl.pose.heatmaps import affine_transform_matrix, box_to_centre_scale, final_predictions, normalise_bgr
from gesturectl.pose.models import OnnxModel, RuntimeOptions, verified_path
from gesturectl.pose.preprocess import limit_opencv_threads
from gesturectl.pose.roi import Roi
from gesturectl.pose.settings import PoseSettings
from gesturectl.timing import StageTimer
from gesturectl.types import CocoJoint, Frame, Pose

log = logging.getLogger(__name__)

MIN_TRACK_JOINTS = 6
TRACK_SCORE = 0.3
TRACK_MARGIN = 1.2  # the joints' box is enlarged by this before box_to_centre_scale pads it again


class HeatmapPoseEstimator:
    """Frame → COCO-17 Pose | None with a heatmap model on the tracked person box."""

    def __init__(self, detector: PersonDetector, model: OnnxModel, timer: StageTimer | None = None) -> None:
        shape = model.input_shape
        if len(shape) != 4 or not all(isinstance(d, int) for d in shape[2:]) or shape[1] != 3:
            raise ModelError(f"{model.path}: expected an input of N×3×H×W with fixed H and W, got {shape}")
        self._detector = detector
        self._model = model
        self._timer = timer or StageTimer()
        self.input_hw = (int(shape[2]), int(shape[3]))
        self._box: tuple[float, float, float, float] | None = None
        self.last_roi: Roi | None = None  # the person box, for drawing
        self.random_weights = model.metadata.get("gesturectl.weights", "").startswith("random")
        if self.random_weights:
            log.warning(
                "%s has random (untrained) weights: its keypoints are meaningless; "
                "it is only good for testing the wiring",
                model.path.name,
            )

    @classmethod
    def from_path(cls, path: Path, settings: PoseSettings, timer: StageTimer | None = None) -> HeatmapPoseEstimator:
        if not path.is_file():
            raise ModelError(
                f"pose.model: {path} does not exist (export one with "
                "`gesturectl export-simple-baselines`, or use lite/full)"
            )
        limit_opencv_threads(settings.threads)
        rt = RuntimeOptions(threads=settings.threads)
        det = PersonDetector(
            OnnxModel(verified_path("pose_detection"), rt), settings.min_detection_score, settings.nms_iou
        )
        model = OnnxModel(path, rt, hint="re-export it with `gesturectl export-simple-baselines`")
        return cls(det, model, timer)

    def reset(self) -> None:
        self._box = None
        self.last_roi = None

    def estimate(self, frame: Frame) -> Pose | None:
        image = frame.image
        box = self._box or self._detect(image)
        if box is None:
            return None
        in_h, in_w = self.input_hw
        self.last_roi = Roi(box[0] + box[2] / 2, box[1] + box[3] / 2, max(box[2], box[3], 1.0))
        centre, scale = box_to_centre_scale(*box, aspect_ratio=in_w / in_h)
        m = affine_transform_matrix(centre, scale, 0.0, (in_w, in_h))
        crop = cv2.warpAffine(image, m, (in_w, in_h), flags=cv2.INTER_LINEAR)
        heat = self._timer.record("heatmaps", lambda: self._model(normalise_bgr(crop)))
        hm = next(iter(heat.values()))
        if hm.shape[1] != len(CocoJoint):
            raise ModelError(f"{self._model.path}: {hm.shape[1]} heatmaps, but the daemon needs the 17 COCO joints")
        preds, maxvals = final_predictions(hm, centre[None], scale[None])
        scores = np.clip(maxvals[0, :, 0], 0.0, 1.0)
        self._box = self._next_box(preds[0], scores)
        h, w = image.shape[:2]
        return Pose(preds[0], scores, "coco17", (w, h), float(scores.mean()), frame.t)

    def _detect(self, image: np.ndarray) -> tuple[float, float, float, float] | None:
        dets = self._timer.record("detector", lambda: self._detector(image))
        det = pick_person(dets)  # type: ignore[arg-type]
        if det is None:
            return None
        h, w = image.shape[:2]
        roi = roi_from_detection(det, w, h)
        return roi.cx - roi.size / 2, roi.cy - roi.size / 2, roi.size, roi.size

    @staticmethod
    def _next_box(pts: np.ndarray, scores: np.ndarray) -> tuple[float, float, float, float] | None:
        good = pts[scores >= TRACK_SCORE]
        if len(good) < MIN_TRACK_JOINTS:
            return None  # not confident: detect again on the next frame
        (x0, y0), (x1, y1) = good.min(0), good.max(0)
        cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * TRACK_MARGIN, (y1 - y0) * TRACK_MARGIN
        return cx - bw / 2, cy - bh / 2, bw, bh
