"""`gesturectl pose` end to end on real photos and the real video (../shared when present)."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from gesturectl.cli import main
from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.sources.files import VideoFileSource
from gesturectl.timing import StageTimer
from gesturectl.types import Frame
from tests.conftest import shared_path


def test_a_photo_is_drawn_and_its_keypoints_printed_as_json(tmp_path, capsys, astronaut_png):
    out = tmp_path / "demo.png"
    assert main(["pose", str(astronaut_png), "-o", str(out), "--json", "--coco"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["width"], record["height"], record["layout"]) == (512, 512, "coco17")
    assert len(record["people"]) == 1 and 0.5 < record["people"][0]["score"] <= 1.0
    assert record["people"][0]["track_id"] == 0 and record["people"][0]["controlling"] is True  # alone: the user
    kps = {k["name"]: k for k in record["people"][0]["keypoints"]}
    assert list(kps)[:3] == ["nose", "left_eye", "right_eye"] and len(kps) == 17
    # the astronaut's nose is near (222, 128) in the 512×512 photo, her left shoulder right of her right one
    assert abs(kps["nose"]["x"] - 222) < 10 and abs(kps["nose"]["y"] - 128) < 10
    assert kps["left_shoulder"]["x"] > kps["right_shoulder"]["x"]
    import skimage.data

    drawn = cv2.imread(str(out))
    photo = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
    assert drawn.shape == photo.shape
    # the right shoulder (her right, image left) has the blue right-side dot drawn on it
    x, y = round(kps["right_shoulder"]["x"]), round(kps["right_shoulder"]["y"])
    assert tuple(int(v) for v in drawn[y, x]) == (255, 120, 0)
    assert (drawn != photo).any(axis=2).mean() < 0.05  # a drawing on the photo, not a different picture


def test_nobody_in_view_is_a_clear_message_not_a_crash(tmp_path, capsys):
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((240, 320, 3), 180, np.uint8))
    assert main(["pose", str(blank), "-o", str(tmp_path / "o.png")]) == 0
    assert "no person found" in capsys.readouterr().out
    assert (tmp_path / "o.png").is_file()


def test_hands_only_photo_has_no_person(tmp_path, capsys):
    hands = shared_path("media/images/hands.jpg")
    assert main(["pose", str(hands), "--json", "-o", str(tmp_path / "h.png")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["people"] == [] and record["layout"] == "blazepose33"


def test_bad_inputs_name_the_problem(tmp_path, capsys):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\x00" * 100)
    assert main(["pose", str(junk), str(tmp_path / "missing.png"), "-o", str(tmp_path / "outdir")]) == 2
    err = capsys.readouterr().err
    assert "junk.jpg: not a readable image" in err and "missing.png: no such file" in err
    folder = tmp_path / "photos"
    folder.mkdir()
    assert main(["pose", str(folder)]) == 2
    assert f"{folder}: is a folder, not an image; give the files in it (e.g. {folder}/*.jpg)" in capsys.readouterr().err


def test_several_photos_go_to_a_folder(tmp_path, capsys):
    photos = [shared_path("media/images/pose.jpg"), shared_path("media/images/portrait.jpg")]
    assert main(["pose", *map(str, photos), "-o", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["portrait_pose.png", "pose_pose.png"]


@pytest.mark.slow
def test_video_is_tracked_and_written(tmp_path, capsys):
    video = shared_path("media/video/arms_overhead.mp4")
    out = tmp_path / "v.mp4"
    assert main(["pose", str(video), "-o", str(out), "--json", "--model", "lite"]) == 0
    lines = [json.loads(s) for s in capsys.readouterr().out.splitlines()]
    assert len(lines) == 120 and all(len(r["people"]) == 1 for r in lines)
    assert {r["people"][0]["track_id"] for r in lines} == {0}  # one identity all through
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 120
    # both wrists end up above the nose at some point (arms overhead)
    people = [{k["name"]: k for k in r["people"][0]["keypoints"]} for r in lines]
    above = [p["left_wrist"]["y"] < p["nose"]["y"] and p["right_wrist"]["y"] < p["nose"]["y"] for p in people]
    assert any(above)


def test_tracking_runs_the_detector_only_to_recheck_on_a_steady_video():
    video = shared_path("media/video/arms_overhead.mp4")
    timer = StageTimer()
    est = BlazePoseEstimator.from_settings(PoseSettings(model="lite", recheck_s=1.0), timer)
    src = VideoFileSource(video)
    poses = [est.estimate(f) for f in src]
    src.close()
    assert all(p is not None for p in poses)
    # 4 s of video, one person: the first detection, then identity checks at 1 s and 3 s (backed off, the
    # person being alone in view), never a re-detection
    assert timer.calls["detector"] == 3 and timer.calls["landmarks"] == 120
    # tracking agrees with detecting every frame afresh
    fresh = BlazePoseEstimator.from_settings(PoseSettings(model="lite", track=False))
    src = VideoFileSource(video)
    for i, f in enumerate(src):
        if i % 30 == 0:
            q = fresh.estimate(f)
            d = np.linalg.norm(q.keypoints[11:17] - poses[i].keypoints[11:17], axis=1)
            assert np.median(d) < 0.03 * 576
    src.close()


def test_console_script_runs(tmp_path):
    r = subprocess.run([sys.executable, "-m", "gesturectl", "pose", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--json" in r.stdout


def test_lost_person_is_redetected():
    est = BlazePoseEstimator.from_settings(PoseSettings(model="lite"))
    person = cv2.imread(str(shared_path("media/images/pose.jpg")))
    wall = np.full_like(person, 128)
    seq = [person, person, wall, wall, person]
    got = [est.estimate(Frame(img, i / 30, i)) is not None for i, img in enumerate(seq)]
    assert got == [True, True, False, False, True]


def test_everyone_in_a_group_photo_is_listed_and_drawn(tmp_path, capsys):
    photo = shared_path("media/images/three_people.jpg")
    out = tmp_path / "three.png"
    assert main(["pose", str(photo), "-o", str(out), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    people = record["people"]
    assert len(people) == 3 and sorted(p["track_id"] for p in people) == [0, 1, 2]
    # nobody holds the engage posture (hands raised in front of the chest): nobody is in control
    assert [p["controlling"] for p in people] == [False, False, False]
    drawn, original = cv2.imread(str(out)), cv2.imread(str(photo))
    for p in people:  # each person's nose is drawn on (bystander grey)
        nose = next(k for k in p["keypoints"] if k["name"] == "nose")
        x, y = round(nose["x"]), round(nose["y"])
        assert (drawn[y, x] != original[y, x]).any()
    assert main(["pose", str(photo), "-o", str(out)]) == 0
    assert "3 people found" in capsys.readouterr().out
