"""Everyone in the frame with the BlazePose models: one landmark crop per person (Frame -> Scene).

    Frame ──▶ [every recheck_s, or nobody followed] people finder ──Roi × N──────────┐
              (MoveNet MultiPose, or BlazePose's own person detector)
          └─▶ each followed person's ROI from their previous landmarks ──────────────┤
                                                                                     ▼
              match found ROIs to followed ROIs (new people join, drifted ROIs re-seed)
                                                                                     ▼
              LandmarkModel per ROI (at most max_people; a new one twice, the second crop
              placed by the first's alignment points) ──▶ drop lost and duplicate people ──▶ Scene

The single-person pipeline (`blazepose.py`) follows one ROI and runs the detector only to keep it on
its person; this one keeps one ROI per person, so with one person in view it costs about the same (one
landmark crop per frame plus a finder pass every `recheck_s`), and every further person adds one landmark
crop. Unlike the single-person pipeline's re-check, the finder does not back off while nobody else is in view:
it is what finds a newcomer before their arm can be taken for the user's (docs/people.md).
BlazePose's detector is face-based and proposes one person on most group photos, so the default finder
is MoveNet MultiPose (tools/compare_people.py measures both; models/MODELS.md has the figures).
Track ids are the people stage's business: the scene leaves them unset.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gesturectl.filters import OneEuroFilter
from gesturectl.pose.blazepose import (
    DRIFT_FRACTION,
    ROI_FILTER,
    LandmarkModel,
    PersonDetector,
    nearest_roi,
    roi_from_detection,
)
from gesturectl.pose.detection import Detection
from gesturectl.pose.landmarks import AUX_CENTRE, AUX_SIZE, NUM_BODY_LANDMARKS, RawLandmarks
from gesturectl.pose.models import OnnxModel, RuntimeOptions, verified_path
from gesturectl.pose.movenet import MoveNetFinder
from gesturectl.pose.preprocess import limit_opencv_threads
from gesturectl.pose.roi import Roi, roi_from_alignment
from gesturectl.pose.settings import PoseSettings
from gesturectl.timing import StageTimer
from gesturectl.types import Frame, Landmark, Person, Pose, Scene

#: image -> ROIs of the people in it, the one to follow first first.
Finder = Callable[[np.ndarray], list[Roi]]

# Two followed people whose nose and shoulders are this close (in shoulder widths) are one person.
SAME_PERSON_FRACTION = 0.3


@dataclass
class _Followed:
    """One person followed from frame to frame by their ROI."""

    roi: Roi
    anchor: Roi  # where the finder last saw this person
    fresh: bool = True  # placed by the finder this frame (refined once before use)
    sticky: bool = False  # the landmarks' own next crop slid onto someone else: use the anchor until the next find
    filter: OneEuroFilter = field(default_factory=lambda: OneEuroFilter(*ROI_FILTER))
    scale: float | None = None
    last: RawLandmarks | None = None  # the last accepted landmarks (nose and shoulders tell who it is)


def merit(d: Detection) -> float:
    """Detector score × body size: who to follow first when there are more people than `max_people`."""
    return float(np.linalg.norm(d.keypoints[1] - d.keypoints[0])) * d.score


class DetectorFinder:
    """BlazePose's person detector as a people finder (one box per face it sees)."""

    def __init__(self, detector: PersonDetector) -> None:
        self._detector = detector

    def __call__(self, image_bgr: np.ndarray) -> list[Roi]:
        h, w = image_bgr.shape[:2]
        return [roi_from_detection(d, w, h) for d in sorted(self._detector(image_bgr), key=merit, reverse=True)]


class MultiBlazePoseEstimator:
    """Frame -> Scene of everyone (up to `settings.max_people`), following each person's ROI."""

    def __init__(
        self,
        finder: Finder,
        landmarks: LandmarkModel,
        settings: PoseSettings,
        timer: StageTimer | None = None,
    ) -> None:
        self._finder = finder
        self._landmarks = landmarks
        self._settings = settings
        self._recheck_s = settings.recheck_s
        self._timer = timer or StageTimer()
        self._followed: list[_Followed] = []
        self._detected_t: float | None = None
        self.last_roi: Roi | None = None  # the main person's, for drawing (PoseEstimator)
        self.last_rois: list[Roi] = []

    @classmethod
    def from_settings(
        cls, settings: PoseSettings, timer: StageTimer | None = None, models: Path | None = None
    ) -> MultiBlazePoseEstimator:
        """Build from the bundled, hash-checked models."""
        limit_opencv_threads(settings.threads)
        name = settings.landmark_model_name()
        rt = RuntimeOptions(threads=settings.threads, memory_pattern=False)
        rare = RuntimeOptions(threads=settings.threads, release_after_run=True)  # every recheck_s while following
        finder: Finder
        if settings.people_finder == "movenet":
            finder = MoveNetFinder(OnnxModel(verified_path(settings.finder_model_name(), models), rare))
        else:
            detector = OnnxModel(verified_path("pose_detection", models), rare)
            finder = DetectorFinder(PersonDetector(detector, settings.min_detection_score, settings.nms_iou))
        lm = LandmarkModel(OnnxModel(verified_path(name, models), rt))
        return cls(finder, lm, settings, timer)

    def set_recheck_s(self, seconds: float) -> None:
        """Re-find people (and re-seed drifted crops) every `seconds` from now on (the daemon's pace)."""
        self._recheck_s = seconds

    def reset(self) -> None:
        self._followed = []
        self._detected_t = None

    def estimate(self, frame: Frame) -> Pose | None:
        """The main person only (largest): the single-person view of `estimate_scene`."""
        scene = self.estimate_scene(frame)
        if not scene.people:
            return None
        best = max(range(len(scene.people)), key=lambda i: self.last_rois[i].size)
        self.last_roi = self.last_rois[best]
        return scene.people[best].pose

    def estimate_scene(self, frame: Frame) -> Scene:
        image, t = frame.image, frame.t
        h, w = image.shape[:2]
        due = self._detected_t is None or t - self._detected_t >= self._recheck_s
        if not self._settings.track or not self._followed or due:
            self._detect(image, t)
        kept: list[tuple[_Followed, RawLandmarks, Roi]] = []
        for f in self._followed:
            lm, roi = self._follow(image, f)
            if lm.pose_score < self._settings.min_presence:
                self._detected_t = None  # someone was lost: look again on the next frame
                continue
            kept.append((f, lm, roi))
        kept = _without_duplicates(kept)
        self._followed = []
        people, rois = [], []
        for f, lm, roi in kept:
            f.fresh, f.last = False, lm
            f.roi = f.anchor if f.sticky else self._next_roi(f, lm, roi, t)
            self._followed.append(f)
            body = slice(0, NUM_BODY_LANDMARKS)
            people.append(Person(Pose(lm.xy[body], lm.visibility[body], "blazepose33", (w, h), lm.pose_score, t)))
            rois.append(roi)
        self.last_rois = rois
        self.last_roi = max(rois, key=lambda r: r.size) if rois else None
        return Scene(tuple(people), (w, h), t)

    def _follow(self, image: np.ndarray, f: _Followed) -> tuple[RawLandmarks, Roi]:
        """One person's landmarks this frame, checked to still be that person.

        A fresh crop (from the finder) is refined once with the landmarks' own alignment points, kept
        only if the refined pass still sees the same nose and shoulders. A tracked crop whose landmarks
        jumped to another nose and shoulders (the crop slid onto a neighbour) is redone on the finder's
        crop, which is then kept until the next find."""
        lm = self._run(image, f.roi)
        roi = f.roi
        ok = lm.pose_score >= self._settings.min_presence
        if f.fresh and ok:
            refined_roi = roi_from_alignment(tuple(lm.xy[AUX_CENTRE]), tuple(lm.xy[AUX_SIZE]))
            refined = self._run(image, refined_roi)
            if refined.pose_score >= self._settings.min_presence and _same_person(refined, lm):
                lm, roi = refined, refined_roi
            else:
                f.sticky = True
        elif f.last is not None and (not ok or not _same_person(lm, f.last)) and roi is not f.anchor:
            again = self._run(image, f.anchor)
            if again.pose_score >= self._settings.min_presence and _same_person(again, f.last):
                lm, roi, f.sticky = again, f.anchor, True
        return lm, roi

    def _run(self, image: np.ndarray, roi: Roi) -> RawLandmarks:
        return self._timer.record("landmarks", lambda: self._landmarks(image, roi))

    def _detect(self, image: np.ndarray, t: float) -> None:
        """Match the detector's people to the followed ones: re-seed drifted ROIs, add newcomers."""
        free = list(self._timer.record("detector", lambda: self._finder(image)))
        self._detected_t = t
        for f in self._followed:
            anchor = nearest_roi(free, f.anchor)
            if anchor is None:
                continue
            free.remove(anchor)
            f.anchor, f.sticky = anchor, False
            if math.hypot(anchor.cx - f.roi.cx, anchor.cy - f.roi.cy) > DRIFT_FRACTION * anchor.size:
                f.roi, f.fresh, f.scale = anchor, True, None
                f.filter.reset()
        if not self._settings.track:
            self._followed = []
        room = self._settings.max_people - len(self._followed)
        self._followed += [_Followed(r, r) for r in free[: max(0, room)]]

    def _next_roi(self, f: _Followed, lm: RawLandmarks, roi: Roi, t: float) -> Roi:
        if f.scale is None:
            f.scale = roi.size
        pts = np.stack([lm.xy[AUX_CENTRE], lm.xy[AUX_SIZE]]).astype(np.float64) / f.scale
        pts = f.filter(t, pts) * f.scale
        return roi_from_alignment(tuple(pts[0]), tuple(pts[1]))


def _without_duplicates(
    kept: list[tuple[_Followed, RawLandmarks, Roi]],
) -> list[tuple[_Followed, RawLandmarks, Roi]]:
    """Two ROIs that have converged on one person: keep the more confident.

    Same person: their nose and both shoulders lie within `SAME_PERSON_FRACTION` of a shoulder width
    of each other (ROIs are sized for the whole body, so ROI overlap cannot tell neighbours apart).
    """
    out: list[tuple[_Followed, RawLandmarks, Roi]] = []
    for item in sorted(kept, key=lambda k: -k[1].pose_score):
        if not any(_same_person(item[1], o[1]) for o in out):
            out.append(item)
    return out


def _same_person(a: RawLandmarks, b: RawLandmarks) -> bool:
    core = [Landmark.NOSE, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
    sw = max(
        float(np.hypot(*(a.xy[Landmark.LEFT_SHOULDER] - a.xy[Landmark.RIGHT_SHOULDER]))),
        float(np.hypot(*(b.xy[Landmark.LEFT_SHOULDER] - b.xy[Landmark.RIGHT_SHOULDER]))),
        1.0,
    )
    d = np.hypot(*(a.xy[core] - b.xy[core]).T)
    return bool((d < SAME_PERSON_FRACTION * sw).all())
