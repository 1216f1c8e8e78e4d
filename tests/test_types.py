import numpy as np
import pytest

from gesturectl.types import BLAZEPOSE_TO_COCO, CocoJoint, Frame, Landmark, Pose, joint_names
from tests.conftest import make_pose


def test_pose_rejects_wrong_shapes_with_a_clear_message():
    with pytest.raises(ValueError, match=r"expected shape \(17, 2\), got \(33, 2\)"):
        Pose(np.zeros((33, 2)), np.zeros(17), "coco17", (10, 10))
    with pytest.raises(ValueError, match=r"Pose.scores: expected shape \(33,\)"):
        Pose(np.zeros((33, 2)), np.zeros(17), "blazepose33", (10, 10))
    with pytest.raises(ValueError, match="unknown layout"):
        Pose(np.zeros((17, 2)), np.zeros(17), "openpose", (10, 10))


def test_pose_arrays_are_frozen_copies():
    kps = np.zeros((17, 2))
    p = Pose(kps, np.ones(17), "coco17", (10, 10))
    kps[0] = 5
    assert p.keypoints[0, 0] == 0
    with pytest.raises(ValueError):
        p.keypoints[0, 0] = 1


def test_named_access_checks_the_layout():
    p = make_pose(left_wrist=(30, 50))
    assert p.xy(CocoJoint.LEFT_WRIST) == (30.0, 50.0)
    with pytest.raises(TypeError):
        p.xy(Landmark.LEFT_WRIST)


def test_blazepose_to_coco_mapping_by_name():
    assert len(BLAZEPOSE_TO_COCO) == 17
    assert BLAZEPOSE_TO_COCO[CocoJoint.NOSE] == Landmark.NOSE == 0
    assert BLAZEPOSE_TO_COCO[CocoJoint.LEFT_EYE] == 2
    assert BLAZEPOSE_TO_COCO[CocoJoint.RIGHT_EYE] == 5
    assert BLAZEPOSE_TO_COCO[CocoJoint.LEFT_SHOULDER] == 11
    assert BLAZEPOSE_TO_COCO[CocoJoint.RIGHT_WRIST] == 16
    assert BLAZEPOSE_TO_COCO[CocoJoint.LEFT_HIP] == 23
    assert BLAZEPOSE_TO_COCO[CocoJoint.RIGHT_ANKLE] == 28


def test_to_coco_picks_the_right_landmarks():
    kps = np.arange(66, dtype=np.float32).reshape(33, 2)
    p = Pose(kps, np.linspace(0, 1, 33), "blazepose33", (100, 100), presence=0.9, t=1.5)
    c = p.to_coco()
    assert c.layout == "coco17" and c.t == 1.5 and c.presence == pytest.approx(0.9)
    assert c.xy(CocoJoint.LEFT_WRIST) == p.xy(Landmark.LEFT_WRIST) == (30.0, 31.0)
    assert c.score(CocoJoint.RIGHT_HIP) == pytest.approx(p.score(Landmark.RIGHT_HIP))


def test_to_dict_names_every_joint():
    d = make_pose(nose=(1.234, 5.678)).to_dict()
    assert list(d["keypoints"]) == joint_names("coco17")
    assert d["keypoints"]["nose"] == {"x": 1.23, "y": 5.68, "score": 1.0}


def test_frame_checks_its_image():
    with pytest.raises(ValueError, match="H×W×3 uint8"):
        Frame(np.zeros((4, 4), np.uint8), 0.0)
    with pytest.raises(ValueError):
        Frame(np.zeros((4, 4, 3), np.float32), 0.0)
    assert Frame(np.zeros((4, 6, 3), np.uint8), 0.0).size == (6, 4)
