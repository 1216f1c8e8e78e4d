"""Everyone in a photo: on three_people.jpg each person is found and every joint drawn for a person
lies on that person (regions marked by hand on the photo), the neighbour's raised arm included."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gesturectl.config import load_config
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.runtime.selection import people_stage
from gesturectl.types import Frame, Landmark, joint_names
from tests.conftest import shared_path

# Hand-marked on the 1049×861 photo: polygons (x, y pixels) covering each person's visible body.
REGIONS: dict[str, list[list[tuple[int, int]]]] = {
    "standing_left": [  # raises their left hand
        [(100, 15), (265, 15), (275, 235), (95, 235)],  # head
        [(0, 215), (340, 220), (325, 330), (318, 645), (30, 655), (0, 655)],  # sweater
        [(280, 215), (510, 160), (565, 165), (565, 250), (330, 320), (285, 320)],  # upper arm
        [(515, 175), (540, 0), (655, 0), (645, 65), (600, 115), (575, 245)],  # forearm and hand
        [(0, 245), (65, 245), (45, 705), (0, 765)],  # right arm at the edge
        [(0, 640), (155, 640), (155, 861), (0, 861)],  # legs
    ],
    "seated_centre": [
        [(305, 315), (495, 315), (495, 575), (305, 575)],  # head
        [(85, 535), (625, 535), (685, 861), (80, 861)],  # shirt, shoulders and arms
    ],
    "standing_right": [
        [(795, 25), (965, 25), (965, 245), (795, 245)],  # head
        [(715, 225), (1049, 225), (1049, 715), (725, 715)],  # shirt
        [(705, 425), (785, 425), (815, 755), (735, 755)],  # right arm hanging
        [(775, 675), (1049, 675), (1049, 861), (785, 861)],  # trousers
    ],
}


def _inside(xy: np.ndarray, polygons: list[list[tuple[int, int]]]) -> bool:
    pt = (float(xy[0]), float(xy[1]))
    return any(cv2.pointPolygonTest(np.array(p, np.float32), pt, False) >= 0 for p in polygons)


def _who(pose) -> str:
    """The marked person whose head holds this pose's nose."""
    nose = pose.keypoints[Landmark.NOSE]
    names = [n for n, regions in REGIONS.items() if _inside(nose, regions[:1])]
    assert len(names) == 1, f"nose at {nose} is in the heads of {names}"
    return names[0]


@pytest.fixture(scope="module")
def three_people():
    image = cv2.imread(str(shared_path("media/images/three_people.jpg")))
    settings = PoseSettings()
    est = MultiBlazePoseEstimator.from_settings(settings)
    cfg = load_config(None)
    selection = people_stage(cfg.user, cfg.gestures).select(est.estimate_scene(Frame(image, 0.0)))
    return selection, settings.draw_min_score


def test_every_person_is_found_once(three_people):
    selection, _ = three_people
    assert sorted(_who(p.pose) for p in selection.scene.people) == sorted(REGIONS)


def test_every_drawn_joint_lies_on_its_own_person(three_people):
    selection, min_score = three_people
    names = joint_names("blazepose33")
    wrong = []
    for person in selection.scene.people:
        who = _who(person.pose)
        w, h = person.pose.image_size
        for j, (xy, s) in enumerate(zip(person.pose.keypoints, person.pose.scores)):
            in_image = 0 <= xy[0] < w and 0 <= xy[1] < h  # joints placed outside the photo cannot be drawn
            if s >= min_score and in_image and not _inside(xy, REGIONS[who]):
                wrong.append(f"{who}.{names[j]} at ({xy[0]:.0f}, {xy[1]:.0f}) score {s:.2f}")
    assert not wrong, "joints drawn off their person:\n" + "\n".join(wrong)


def test_the_raised_hand_is_found_and_nobody_borrows_it(three_people):
    selection, min_score = three_people
    by_name = {_who(p.pose): p.pose for p in selection.scene.people}
    raiser = by_name["standing_left"]
    assert raiser.scores[Landmark.LEFT_WRIST] >= min_score
    assert _inside(raiser.keypoints[Landmark.LEFT_WRIST], REGIONS["standing_left"][3:4])
    seated = by_name["seated_centre"]
    assert seated.scores[Landmark.LEFT_WRIST] < min_score  # drawn along the raised arm by the model, dropped


@pytest.mark.slow
def test_one_person_costs_what_the_single_person_pipeline_costs_and_agrees_with_it():
    """On a one-person video: the finder every recheck_s (never backed off, unlike the single-person pipeline's
    re-check: it finds newcomers), one landmark crop per frame (plus the first crop's refinement), and the same
    joints as the single-person estimator."""
    from gesturectl.pose.blazepose import BlazePoseEstimator
    from gesturectl.sources.files import VideoFileSource
    from gesturectl.timing import StageTimer

    video = shared_path("media/video/arms_overhead.mp4")
    settings = PoseSettings(model="lite", recheck_s=1.0)
    timer = StageTimer()
    multi = MultiBlazePoseEstimator.from_settings(settings, timer)
    single = BlazePoseEstimator.from_settings(settings)
    src = VideoFileSource(video)
    scenes, poses = [], []
    for f in src:
        scenes.append(multi.estimate_scene(f))
        poses.append(single.estimate(f))
    src.close()
    assert [len(s.people) for s in scenes] == [1] * 120
    assert timer.calls["detector"] == 4 and timer.calls["landmarks"] == 121
    d = [np.linalg.norm(s.people[0].pose.keypoints[11:17] - p.keypoints[11:17], axis=1) for s, p in zip(scenes, poses)]
    assert np.median(np.concatenate(d)) < 0.02 * 576


def test_the_factory_follows_everyone_unless_max_people_is_one():
    from gesturectl.pose.blazepose import BlazePoseEstimator
    from gesturectl.pose.factory import build_estimator

    assert isinstance(build_estimator(PoseSettings(model="lite")), MultiBlazePoseEstimator)
    assert isinstance(build_estimator(PoseSettings(model="lite", max_people=1)), BlazePoseEstimator)


def test_max_people_bounds_the_crops(three_people):
    image = cv2.imread(str(shared_path("media/images/three_people.jpg")))
    est = MultiBlazePoseEstimator.from_settings(PoseSettings(max_people=2))
    scene = est.estimate_scene(Frame(image, 0.0))
    assert len(scene.people) == 2
