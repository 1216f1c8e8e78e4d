import numpy as np

from gesturectl.pose.draw import LOW_COLOUR, SIDE_COLOURS, SKELETONS, draw_pose, limb_side, side_of
from gesturectl.types import CocoJoint, Landmark, joint_names
from tests.conftest import make_pose


def test_every_limb_joins_two_joints_of_its_layout():
    for layout, limbs in SKELETONS.items():
        enum = {"coco17": CocoJoint, "blazepose33": Landmark}[layout]
        assert all(type(a) is enum and type(b) is enum for a, b in limbs)
        assert len(set(limbs)) == len(limbs)
    # every joint of COCO takes part in a limb
    assert {int(j) for limb in SKELETONS["coco17"] for j in limb} == set(range(17))


def test_sides_follow_the_person():
    assert side_of("left_wrist") == "left" and side_of("mouth_right") == "right" and side_of("nose") == "centre"
    assert limb_side("left_shoulder", "right_shoulder") == "centre"
    assert set(map(side_of, joint_names("blazepose33"))) == {"left", "right", "centre"}


def _pixel(img, x, y):
    return tuple(int(v) for v in img[y, x])


def test_left_and_right_limbs_have_their_colours_and_low_joints_are_hidden():
    img = np.zeros((200, 200, 3), np.uint8)
    pose = make_pose(
        size=(200, 200),
        default=(100, 100),
        left_shoulder=(20, 20),
        left_elbow=(20, 180),  # a vertical left limb at x=20
        right_shoulder=(180, 20),
        right_elbow=(180, 180),  # a vertical right limb at x=180
    )
    scores = pose.scores.copy()
    scores[CocoJoint.RIGHT_ELBOW] = 0.1
    out = draw_pose(img, type(pose)(pose.keypoints, scores, "coco17", (200, 200)), min_score=0.5)
    assert _pixel(out, 20, 100) == SIDE_COLOURS["left"]
    assert _pixel(out, 180, 100) == (0, 0, 0)  # the limb to a low-score elbow is not drawn
    ring = out[175:186, 175:186].reshape(-1, 3)
    grey = [p for p in ring.astype(int) if p[0] == p[1] == p[2] and p[0] > 0]
    assert grey and 100 <= max(p[0] for p in grey) <= LOW_COLOUR[0]  # the elbow itself is a grey ring
    assert _pixel(out, 180, 180) == (0, 0, 0)  # hollow
    assert img.sum() == 0  # the input is not drawn on
