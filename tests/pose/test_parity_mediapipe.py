"""Parity with MediaPipe 0.10.14's own Pose solution on real photos (golden JSON, no mediapipe needed).

The golden file (tools/make_pose_golden.py) holds, per photo and model, MediaPipe's landmarks
with visibility and the ROI MediaPipe derived from its detection. We check:
  * the detector stage: our ROI against MediaPipe's;
  * the landmark stage on MediaPipe's own ROI: every landmark MediaPipe marks visible (> 0.5)
    within 2% of the image diagonal. The one exception is a landmark whose heatmap window peaks
    within 0.03 of the 0.5 refinement switch: there refinement (a jump of up to 4 heatmap cells)
    is decided by differences between two runtimes' arithmetic, so either answer is MediaPipe's;
  * end to end: the median landmark within 1.5% of the diagonal and at least 75% of the visible
    landmarks within 2%. A sub-pixel difference in the detector's ROI moves ambiguous hands
    (crossed arms, a crowd) by up to 12% of the diagonal, in MediaPipe as in ours; the measured
    worst cases are listed in models/MODELS.md.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.roi import Roi
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame
from tests.conftest import ROOT, shared_path

GOLDEN = json.loads((ROOT / "tests" / "golden" / "mediapipe_pose.json").read_text())
KNIFE_EDGE = 0.03


def load_image(image_id: str) -> np.ndarray:
    kind, name = image_id.split(":", 1)
    if kind == "skimage":
        skdata = pytest.importorskip("skimage.data")
        rgb = getattr(skdata, name)()
        return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR if rgb.ndim == 2 else cv2.COLOR_RGB2BGR)
    return cv2.imread(str(shared_path(name)))


@pytest.fixture(scope="module", params=["lite", "full"])
def estimator(request):
    settings = PoseSettings(model=request.param, track=False, precision="float32")  # MediaPipe's own models
    return request.param, BlazePoseEstimator.from_settings(settings)


CASES = sorted(GOLDEN["images"])


@pytest.mark.parametrize("image_id", CASES)
def test_pipeline_matches_mediapipe(estimator, image_id):
    model, est = estimator
    entry = GOLDEN["images"][image_id]
    image = load_image(image_id)
    assert [image.shape[1], image.shape[0]] == entry["image_size"]
    ref = entry[model]
    est.reset()
    pose = est.estimate(Frame(image, 0.0))
    if ref is None:
        assert pose is None, "MediaPipe finds nobody here"
        return
    assert pose is not None
    diag = float(np.hypot(*entry["image_size"]))
    lms = np.array(ref["landmarks"])
    visible = lms[:, 2] > 0.5

    # detector stage
    mx, my, mside, mrot = ref["roi"]
    roi = est.last_roi
    assert np.hypot(roi.cx - mx, roi.cy - my) / diag < 0.005
    assert abs(roi.size - mside) / mside < 0.01
    assert abs(roi.rotation - mrot) < 0.01

    # landmark stage on MediaPipe's own ROI
    lm = est._landmarks(image, Roi(mx, my, mside, mrot))
    err = np.linalg.norm(lm.xy[:33] - lms[:, :2], axis=1) / diag
    edge = np.abs(lm.heatmap_peak[:33] - 0.5) < KNIFE_EDGE
    bad = visible & (err > 0.02) & ~edge
    assert not bad.any(), f"landmarks {np.flatnonzero(bad)} off by {err[bad] * 100}% of the diagonal"

    # end to end
    e2e = np.linalg.norm(pose.keypoints - lms[:, :2], axis=1) / diag
    assert np.median(e2e) < 0.015
    assert (e2e[visible] <= 0.02).mean() >= 0.75
    # visibility agrees too
    assert np.abs(pose.scores - lms[:, 2]).max() < 0.3
