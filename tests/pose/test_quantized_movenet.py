"""The bundled int8 MoveNet (the people finder under `pose.precision: auto`): it loads, verifies, agrees with float."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest

from gesturectl.errors import ModelError
from gesturectl.pose.models import OnnxModel, load_manifest, models_dir, verified_path
from gesturectl.pose.movenet import INPUT, FoundPerson, MoveNetFinder
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from tests.conftest import shared_path

# Tolerances in MoveNet input pixels (the image's long side is 256 of them). Its keypoint heatmap and offsets
# are on a 64×64 grid, 4 input pixels a cell. On 13 people in 9 photos (models/MODELS.md) int8 moved the joints
# both models score above 0.3 by at most 1.0 input pixel on average per person and 4.3 at worst (one joint);
# here 0.3 / 1.2 on the astronaut and up to 1.0 / 2.4 on the three people. Half a cell on average and 1.5 cells
# at most: twice the margin seen on these photos, and far inside COCO's keypoint tolerances.
MEAN_PX, MAX_PX = 2.0, 6.0
SCORE = 0.1  # person and keypoint scores: at most 0.07 apart on those photos (the finder's threshold is 0.2)


def test_the_int8_finder_is_verified_smaller_and_keeps_the_float_models_tensors():
    manifest = load_manifest()
    entry = manifest["movenet_multipose_int8"]
    assert entry["licence"] == "Apache-2.0" and "quantize_movenet" in entry["converted_with"]
    assert entry["bytes"] < manifest["movenet_multipose"]["bytes"] / 2
    q = OnnxModel(verified_path("movenet_multipose_int8"))
    f = OnnxModel(verified_path("movenet_multipose"))
    assert (q.input_name, q.input_shape, q.output_names) == (f.input_name, f.input_shape, f.output_names)


def test_precision_chooses_the_finder_too():
    assert PoseSettings().finder_model_name() == "movenet_multipose_int8"  # auto
    assert PoseSettings(model="lite").finder_model_name() == "movenet_multipose_int8"  # not tied to the landmarks
    assert PoseSettings(precision="int8").finder_model_name() == "movenet_multipose_int8"
    assert PoseSettings(precision="float32").finder_model_name() == "movenet_multipose"


def test_the_everyone_pipeline_loads_the_finder_the_precision_names(tmp_path):
    for f in ("manifest.json", "movenet_multipose.onnx", "pose_landmark_full.onnx", "pose_landmark_lite.onnx"):
        shutil.copy(models_dir() / f, tmp_path / f)
    MultiBlazePoseEstimator.from_settings(PoseSettings(precision="float32"), models=tmp_path)
    with pytest.raises(ModelError, match="movenet_multipose_int8.onnx is missing"):
        MultiBlazePoseEstimator.from_settings(PoseSettings(model="lite"), models=tmp_path)


def _found(image: np.ndarray) -> tuple[list[FoundPerson], list[FoundPerson]]:
    finders = [MoveNetFinder(OnnxModel(verified_path(n))) for n in ("movenet_multipose", "movenet_multipose_int8")]
    ref, q = (sorted(f.people(image), key=lambda p: p.keypoints[:, 0].mean()) for f in finders)
    return ref, q


def _assert_agree(image: np.ndarray, people: int) -> None:
    ref, q = _found(image)
    assert len(ref) == len(q) == people
    px = max(image.shape[:2]) / INPUT  # image pixels per input pixel
    for a, b in zip(ref, q):
        assert abs(a.score - b.score) < SCORE and np.abs(a.scores - b.scores).max() < SCORE
        seen = (a.scores > 0.3) & (b.scores > 0.3)
        assert seen.sum() >= 3
        d = np.linalg.norm(a.keypoints - b.keypoints, axis=1)[seen] / px
        assert d.mean() < MEAN_PX and d.max() < MAX_PX, d


def test_int8_and_float_finders_agree_on_a_real_photo(astronaut_png):
    _assert_agree(cv2.imread(str(astronaut_png)), people=1)


def test_int8_and_float_finders_agree_on_three_people():
    _assert_agree(cv2.imread(str(shared_path("media/images/three_people.jpg"))), people=3)
