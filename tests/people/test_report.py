"""The people report (pose --json) and the drawing of a scene: everyone listed and drawn, the user flagged."""

from __future__ import annotations

import numpy as np

from gesturectl.people.report import scene_report
from gesturectl.people.tracker import IdentityTracker
from gesturectl.pose.draw import BYSTANDER_COLOUR, SIDE_COLOURS, draw_scene
from gesturectl.synth.puppet import Move
from tests.people.scenes import BYSTANDER_CAM, USER_CAM, Actor, scenes


def _scene():
    return IdentityTracker().update(
        next(scenes(Actor([Move("rest", 0.1)], USER_CAM), Actor([Move("rest", 0.1)], BYSTANDER_CAM)))
    )


def test_the_report_lists_everyone_with_ids_and_flags_the_user():
    r = scene_report(_scene(), controlling=1, layout="coco")
    assert (r["width"], r["height"], r["layout"]) == (640, 480, "coco17")
    assert [(p["track_id"], p["controlling"]) for p in r["people"]] == [(0, False), (1, True)]
    assert [k["name"] for k in r["people"][0]["keypoints"]][:2] == ["nose", "left_eye"]
    assert scene_report(_scene(), controlling=None)["people"][1]["controlling"] is False


def test_the_user_is_drawn_in_colour_and_bystanders_in_grey():
    scene = _scene()
    image = np.zeros((480, 640, 3), np.uint8)
    drawn = draw_scene(image, scene, controlling=0, min_score=0.5)
    user, other = scene.person(0).pose, scene.person(1).pose
    x, y = np.round(user.keypoints[6]).astype(int)  # right shoulder: the right side's blue
    assert tuple(int(v) for v in drawn[y, x]) == SIDE_COLOURS["right"]
    x, y = np.round(other.keypoints[6]).astype(int)
    assert tuple(int(v) for v in drawn[y, x]) == BYSTANDER_COLOUR
