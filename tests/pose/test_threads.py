"""`pose.threads` bounds OpenCV's thread pool as well as onnxruntime's (issue 15: CPU per frame)."""

import cv2
import pytest

from gesturectl.pose.factory import build_estimator
from gesturectl.pose.settings import PoseSettings


@pytest.fixture
def opencv_default_threads():
    cv2.setNumThreads(-1)  # OpenCV's own default (one thread per core)
    yield
    cv2.setNumThreads(-1)


@pytest.mark.parametrize("max_people", [1, 4])
@pytest.mark.parametrize("threads", [1, 3])
def test_building_the_pose_stage_sets_opencvs_threads(opencv_default_threads, threads, max_people):
    build_estimator(PoseSettings(model="lite", threads=threads, max_people=max_people))
    assert cv2.getNumThreads() == threads
