"""Fixtures of the pose service tests: the astronaut photo in each format, a lite service, a direct estimate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gesturectl.pose.factory import build_estimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.service.core import PoseService
from gesturectl.types import Frame, Pose

LITE = PoseSettings(model="lite")


@pytest.fixture(scope="session")
def photo(astronaut_png) -> np.ndarray:
    """The astronaut as BGR pixels, read as `gesturectl pose` reads a file."""
    return cv2.imread(str(astronaut_png))


@pytest.fixture(scope="session")
def png(astronaut_png) -> bytes:
    return astronaut_png.read_bytes()


@pytest.fixture(scope="session")
def jpeg(photo) -> bytes:
    return cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()


@pytest.fixture(scope="session")
def webp(photo) -> bytes:
    return cv2.imencode(".webp", photo, [cv2.IMWRITE_WEBP_QUALITY, 101])[1].tobytes()  # > 100: lossless


@pytest.fixture(scope="session")
def direct():
    """Estimate a still image directly with the pose stage, outside any service: direct(image_bytes) -> Pose."""
    est = build_estimator(LITE)

    def run(data: bytes) -> Pose:
        est.reset()
        pose = est.estimate(Frame(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), 0.0))
        assert pose is not None
        return pose

    return run


@pytest.fixture(scope="session")
def direct_pose(direct, png) -> Pose:
    """The astronaut's pose from an estimator run directly on the PNG."""
    return direct(png)


@pytest.fixture(scope="session")
def lite_service() -> PoseService:
    return PoseService(LITE, workers=2)


def keypoint_array(person: dict) -> np.ndarray:
    """(K, 3) x, y, score of a reported person."""
    return np.array([[k["x"], k["y"], k["score"]] for k in person["keypoints"]], np.float32)


def matches(person: dict, pose: Pose) -> bool:
    """True when a reported person is the given pose (to the report's rounding)."""
    got = keypoint_array(person)
    want = np.column_stack([pose.keypoints, pose.scores])
    return got.shape == want.shape and bool(np.allclose(got, want, atol=0.006))


class GatedEstimator:
    """A pose stage that holds each call until the test opens the gate (to catch requests in flight)."""

    def __init__(self, gate, entered) -> None:
        self.last_roi = None
        self._gate, self._entered = gate, entered

    def reset(self) -> None:
        pass

    def estimate(self, frame: Frame) -> Pose | None:
        self._entered.set()
        assert self._gate.wait(30), "the test never opened the gate"
        return None


class BrokenEstimator:
    """A pose stage that fails in a way no refusal covers."""

    last_roi = None

    def reset(self) -> None:
        pass

    def estimate(self, frame: Frame) -> Pose | None:
        raise RuntimeError("the model fell over")
