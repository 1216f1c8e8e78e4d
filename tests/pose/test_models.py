import shutil

import pytest

from gesturectl.errors import ModelError
from gesturectl.pose.models import OnnxModel, load_manifest, models_dir, verified_path


def test_bundled_models_match_their_manifest():
    manifest = load_manifest()
    assert set(manifest) == {
        "pose_detection",
        "pose_landmark_lite",
        "pose_landmark_full",
        "pose_landmark_full_int8",
        "movenet_multipose",
        "movenet_multipose_int8",
    }
    for name, entry in manifest.items():
        assert entry["licence"] == "Apache-2.0"
        assert verified_path(name).name == entry["file"]


@pytest.fixture
def model_copy(tmp_path):
    for f in ("manifest.json", "pose_landmark_lite.onnx"):
        shutil.copy(models_dir() / f, tmp_path / f)
    return tmp_path


def test_missing_model_names_the_file_and_the_fix(model_copy):
    (model_copy / "pose_landmark_lite.onnx").unlink()
    with pytest.raises(ModelError, match=r"pose_landmark_lite.onnx is missing; restore it"):
        verified_path("pose_landmark_lite", model_copy)


def test_corrupt_model_is_caught_by_its_hash(model_copy):
    p = model_copy / "pose_landmark_lite.onnx"
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt or was replaced"):
        verified_path("pose_landmark_lite", model_copy)


def test_unloadable_file_gives_a_model_error(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="onnxruntime cannot load"):
        OnnxModel(bad)


def test_unknown_model_name(model_copy):
    with pytest.raises(ModelError, match="not in"):
        verified_path("pose_landmark_heavy", model_copy)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"models": []}',
        '{"models": {"pose_landmark_lite": "x.onnx"}}',
        '{"models": {"pose_landmark_lite": {"file": 3, "sha256": "ab"}}}',
        '{"models": {"pose_landmark_lite": {"file": "../../etc/passwd", "sha256": "ab"}}}',
        '{"nothing": 1}',
        "\xff\xfe not json",
    ],
)
def test_a_manifest_of_the_wrong_shape_is_one_clear_model_error(model_copy, text):
    (model_copy / "manifest.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(ModelError, match="manifest"):
        verified_path("pose_landmark_lite", model_copy)


def test_a_model_that_hands_its_memory_back_after_each_run_gives_the_same_outputs():
    """`release_after_run` (the finder and detector) shrinks onnxruntime's arena after each run; the results
    must not change, run after run."""
    import numpy as np

    from gesturectl.pose.models import RuntimeOptions

    path = verified_path("pose_detection")
    kept, released = OnnxModel(path), OnnxModel(path, RuntimeOptions(release_after_run=True))
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)
        a, b = kept(x), released(x)
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])


def test_the_landmark_model_without_a_memory_pattern_gives_the_same_outputs():
    """The landmark models run with onnxruntime's memory pattern off (5 MB less resident, the same CPU:
    docs/performance.md); what they compute must not change, run after run."""
    import numpy as np

    from gesturectl.pose.models import RuntimeOptions

    path = verified_path("pose_landmark_lite")
    planned, unplanned = OnnxModel(path), OnnxModel(path, RuntimeOptions(memory_pattern=False))
    rng = np.random.default_rng(1)
    for _ in range(3):
        x = rng.uniform(0, 1, (1, 256, 256, 3)).astype(np.float32)
        a, b = planned(x), unplanned(x)
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])
