"""The single-person pipeline's re-checks: how often the detector runs while a track is held.

Fakes stand in for both models, so the schedule is exact: a person whose hip centre is at (320, 300) and
size point at (320, 150) in a 640×480 frame; the landmark model returns the person centred in the crop it is
given, so a track never drifts.
"""

from __future__ import annotations

import numpy as np

from gesturectl.pose.blazepose import RECHECK_BACKOFF_MAX, BlazePoseEstimator, roi_from_detection
from gesturectl.pose.detection import Detection
from gesturectl.pose.landmarks import AUX_CENTRE, AUX_SIZE, NUM_OUTPUT_LANDMARKS, RawLandmarks
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame, Landmark

W, H = 640, 480
CENTRE, SIZE_POINT = (320.0, 300.0), (320.0, 150.0)


def detection(dx: float = 0.0) -> Detection:
    kps = np.array([[CENTRE[0] + dx, CENTRE[1]], [SIZE_POINT[0] + dx, SIZE_POINT[1]], [0, 0], [0, 0]], np.float32)
    return Detection((0.3, 0.1, 0.7, 0.9), kps / np.array([W, H], np.float32), 0.9)


class FakeDetector:
    def __init__(self) -> None:
        self.calls: list[float] = []
        self.others = 0  # how many people besides the tracked one it reports
        self.t = 0.0

    def __call__(self, image: np.ndarray) -> list[Detection]:
        self.calls.append(self.t)
        return [detection()] + [detection(dx=250.0 * (i + 1) * (-1) ** i) for i in range(self.others)]


class FakeLandmarks:
    """The person whose hip centre is the crop's centre (so a track never drifts), shoulders 80 px apart."""

    def __call__(self, image: np.ndarray, roi) -> RawLandmarks:
        xy = np.tile(np.array([roi.cx, roi.cy - 100.0], np.float32), (NUM_OUTPUT_LANDMARKS, 1))
        xy[Landmark.LEFT_SHOULDER, 0] += 40.0
        xy[Landmark.RIGHT_SHOULDER, 0] -= 40.0
        xy[AUX_CENTRE], xy[AUX_SIZE] = (roi.cx, roi.cy), (roi.cx, roi.cy - 150.0)
        ones = np.ones(NUM_OUTPUT_LANDMARKS, np.float32)
        return RawLandmarks(xy, ones, ones, 0.99, ones)


def run(seconds: float, fps: float = 30.0, others_from: float | None = None, recheck_s: float = 0.5):
    det = FakeDetector()
    est = BlazePoseEstimator(det, FakeLandmarks(), PoseSettings(recheck_s=recheck_s))  # type: ignore[arg-type]
    image = np.zeros((H, W, 3), np.uint8)
    for i in range(int(seconds * fps)):
        det.t = t = i / fps
        if others_from is not None and t >= others_from:
            det.others = 1
        assert est.estimate(Frame(image, t, i)) is not None
    return [round(t, 2) for t in det.calls]


def test_a_lone_steady_person_is_rechecked_ever_less_often_up_to_the_cap():
    calls = run(8.0)
    gaps = np.diff(calls)
    # 0.5 s, then 1 s, then 2 s (= 4 × recheck_s) from then on
    assert np.allclose(gaps[:3], [0.5, 1.0, 2.0], atol=0.04)
    assert np.all(gaps <= 0.5 * RECHECK_BACKOFF_MAX + 0.04)
    assert calls == [0.0, 0.5, 1.5, 3.5, 5.5, 7.5]  # re-checks every 0.5 s would make 16


def test_anyone_else_in_view_brings_the_recheck_back_to_recheck_s():
    calls = run(8.0, others_from=4.0)
    after = [t for t in calls if t >= 4.0]
    # the first re-check after the newcomer appears (at most the cap later) sees them; from then on every 0.5 s
    assert after[0] <= 4.0 + 0.5 * RECHECK_BACKOFF_MAX
    assert np.allclose(np.diff(after), 0.5, atol=0.04)


def test_the_daemons_slower_pace_is_never_shortened_by_the_cap():
    det = FakeDetector()
    est = BlazePoseEstimator(det, FakeLandmarks(), PoseSettings(recheck_s=0.5))  # type: ignore[arg-type]
    est.set_recheck_s(3.0)  # watching: re-find people less often than the backoff's cap (2 s)
    image = np.zeros((H, W, 3), np.uint8)
    for i in range(300):
        det.t = i / 30
        est.estimate(Frame(image, det.t, i))
    assert np.all(np.diff(det.calls) >= 3.0 - 0.04)


class FakeFinder:
    """MoveNet's place in the everyone pipeline: ROIs of the people it finds."""

    def __init__(self) -> None:
        self.detector = FakeDetector()

    def __call__(self, image: np.ndarray) -> list:
        return [roi_from_detection(d, W, H) for d in self.detector(image)]


def run_everyone(seconds: float, others_from: float | None = None, fps: float = 30.0, counts: list | None = None):
    """The finder's call times; `counts` gets (t, people in the scene) per frame."""
    finder = FakeFinder()
    est = MultiBlazePoseEstimator(finder, FakeLandmarks(), PoseSettings(recheck_s=0.5, max_people=4))  # type: ignore[arg-type]
    image = np.zeros((H, W, 3), np.uint8)
    for i in range(int(seconds * fps)):
        finder.detector.t = t = i / fps
        if others_from is not None and t >= others_from:
            finder.detector.others = 1
        scene = est.estimate_scene(Frame(image, t, i))
        if counts is not None:
            counts.append((t, len(scene.people)))
    return [round(t, 2) for t in finder.detector.calls]


def test_the_everyone_pipeline_never_backs_off_its_finder():
    """The finder is what sees a newcomer before their arm can be taken for the user's: every recheck_s."""
    calls = run_everyone(4.0)
    assert np.allclose(np.diff(calls), 0.5, atol=0.04) and len(calls) == 8


def test_a_newcomer_is_followed_within_recheck_s():
    counts: list[tuple[float, int]] = []
    run_everyone(8.0, others_from=4.0, counts=counts)
    assert all(n == 1 for t, n in counts if t < 4.0)
    followed_from = min(t for t, n in counts if n == 2)
    assert 4.0 <= followed_from <= 4.5
    assert all(n == 2 for t, n in counts if t >= followed_from)
