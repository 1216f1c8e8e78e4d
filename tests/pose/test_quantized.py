"""The bundled int8 landmark model (`pose.precision: int8`): it loads, verifies, and agrees with float."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from gesturectl.errors import ModelError
from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.models import OnnxModel, load_manifest, models_dir, verified_path
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame


def test_the_int8_model_is_verified_and_keeps_the_float_models_tensors():
    manifest = load_manifest()
    entry = manifest["pose_landmark_full_int8"]
    assert entry["licence"] == "Apache-2.0" and "quantize_blazepose" in entry["converted_with"]
    q = OnnxModel(verified_path("pose_landmark_full_int8"))
    f = OnnxModel(verified_path("pose_landmark_full"))
    assert (q.input_name, q.input_shape, q.output_names) == (f.input_name, f.input_shape, f.output_names)
    assert entry["bytes"] < manifest["pose_landmark_full"]["bytes"]


def test_precision_chooses_the_bundled_landmark_model():
    assert PoseSettings().landmark_model_name() == "pose_landmark_full_int8"  # auto: int8 where it is bundled
    assert PoseSettings(precision="float32").landmark_model_name() == "pose_landmark_full"
    assert PoseSettings(model="lite").landmark_model_name() == "pose_landmark_lite"  # auto: no int8 lite
    assert PoseSettings(precision="int8").landmark_model_name() == "pose_landmark_full_int8"


def test_int8_without_a_bundled_copy_is_refused_with_the_way_out():
    with pytest.raises(ValidationError, match="int8 is bundled for model full only.*precision: float32"):
        PoseSettings(model="lite", precision="int8")
    with pytest.raises(ValidationError, match="precision"):
        PoseSettings(precision="int4")  # type: ignore[arg-type]


def _pose(astronaut_png, precision: str):
    image = cv2.imread(str(astronaut_png))
    est = BlazePoseEstimator.from_settings(PoseSettings(precision=precision, track=False))  # type: ignore[arg-type]
    pose = est.estimate(Frame(image, 0.0))
    assert pose is not None, f"{precision}: no person found on the astronaut photo"
    return pose


def test_int8_landmarks_agree_with_float_on_a_real_photo(astronaut_png):
    ref, q = _pose(astronaut_png, "float32"), _pose(astronaut_png, "int8")
    seen = ref.scores > 0.5  # the joints in the photo (her legs are out of frame)
    assert seen.sum() >= 11
    d = np.linalg.norm(ref.keypoints - q.keypoints, axis=1)[seen]
    # 512×512 photo, the astronaut's shoulders are about 150 px apart
    assert d.mean() < 6.0 and d.max() < 20.0, d
    assert abs(ref.presence - q.presence) < 0.05


@pytest.mark.parametrize("pipeline", [BlazePoseEstimator, MultiBlazePoseEstimator])
def test_both_pipelines_load_the_int8_file_when_asked(tmp_path, pipeline):
    files = ("manifest.json", "pose_detection.onnx", "movenet_multipose.onnx", "movenet_multipose_int8.onnx")
    for f in (*files, "pose_landmark_full.onnx"):
        shutil.copy(models_dir() / f, tmp_path / f)
    pipeline.from_settings(PoseSettings(precision="float32"), models=tmp_path)  # everything it needs is there
    with pytest.raises(ModelError, match="pose_landmark_full_int8.onnx is missing"):
        pipeline.from_settings(PoseSettings(precision="int8"), models=tmp_path)
