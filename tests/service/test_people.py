"""The pose service sees everyone in a group photo, and no one's limb is borrowed from a neighbour."""

from __future__ import annotations

import cv2

from gesturectl.pose.settings import PoseSettings
from gesturectl.service.core import PoseService
from gesturectl.types import Landmark
from tests.conftest import shared_path


def test_a_group_photo_lists_every_person():
    image = cv2.imread(str(shared_path("media/images/three_people.jpg")))
    poses = PoseService(PoseSettings()).estimate(image)
    assert len(poses) == 3
    # the seated man (nose lowest in the picture): the model drew his left arm along his neighbour's raised
    # arm; that arm is marked missing
    seated = max(poses, key=lambda p: p.keypoints[Landmark.NOSE, 1])
    assert seated.scores[Landmark.LEFT_WRIST] < 0.5 and seated.scores[Landmark.LEFT_ELBOW] < 0.5
    assert len(PoseService(PoseSettings(max_people=1)).estimate(image)) == 1
