"""Real motion: MSR Action3D (everyday and sports movements, none a command) must fire nothing;
the pose engine's traces of the shared photos and video give the events the note reports."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gesturectl.config import load_config
from gesturectl.gestures.features import body_points
from gesturectl.gestures.pipeline import recognize
from gesturectl.sources.traces import read_trace
from gesturectl.synth.kinect import MSR_FPS, msr_to_poses, project_frame, read_msr_skeleton
from tests.conftest import ROOT, shared_path

SPEC = load_config(None).gestures


def test_projection_by_hand():
    joints = np.zeros((20, 4))
    joints[:, 2] = 2.0
    joints[:, 3] = 1.0
    joints[0, :2] = (-0.2, 0.4)  # subject's left shoulder (smaller x)
    joints[1, :2] = (0.2, 0.4)
    pose = project_frame(joints, (640, 480), focal_px=500.0)
    # u = 320 - 500·x/z, v = 240 - 500·y/z
    assert tuple(pose.keypoints[5]) == pytest.approx((370.0, 140.0))  # left shoulder on the image's right
    assert tuple(pose.keypoints[6]) == pytest.approx((270.0, 140.0))
    assert pose.scores[1] == 0.0  # eyes have no Kinect joint: missing
    pts, sw = body_points(pose, 0.5)
    assert sw == pytest.approx(100.0) and pts["left_shoulder"] == pytest.approx((0.5, 0.0))


def test_high_arm_wave_raises_the_right_hand():
    # a01 is a one-arm high wave; MSR subjects wave with the right arm: it must come out as right_wrist.
    seq = read_msr_skeleton(shared_path("motion/msr_action3d_dev/a01_s01_e01_skeleton3D.txt"))
    heights = {"left": [], "right": []}
    for _, pose in msr_to_poses(seq):
        got = body_points(pose, 0.5) if pose is not None else None
        if got is None:
            continue
        pts = got[0]
        for side in heights:
            if f"{side}_wrist" in pts:
                heights[side].append(pts[f"{side}_wrist"][1])
    assert max(heights["right"]) > 0.8 > max(heights["left"])


@pytest.mark.slow
def test_msr_action3d_fires_nothing():
    folder = shared_path("motion/msr_action3d_dev")
    fired, seconds = {}, 0.0
    for path in sorted(folder.glob("*_skeleton3D.txt")):
        seq = read_msr_skeleton(path)
        seconds += len(seq) / MSR_FPS
        events = recognize(SPEC, msr_to_poses(seq))
        if events:
            fired[path.name] = [(e.gesture, round(e.t, 2)) for e in events]
    assert seconds > 600  # 270 sequences, about 11.8 minutes
    assert fired == {}


def test_converter_tool_and_eval_command(tmp_path):
    src = shared_path("motion/msr_action3d_dev")
    sub = tmp_path / "src"
    sub.mkdir()
    for p in sorted(src.glob("a1[01]_s01_e0*_skeleton3D.txt")):  # claps and two-hand waves
        (sub / p.name).symlink_to(p)
    out = tmp_path / "traces"
    subprocess.run([sys.executable, str(ROOT / "tools" / "msr_to_traces.py"), str(sub), str(out)], check=True)
    header, frames = read_trace(next(out.glob("a10_s01_e01.jsonl")))
    assert header.layout == "coco17" and header.fps == MSR_FPS
    res = subprocess.run(
        [sys.executable, "-m", "gesturectl", "eval", str(out), "--json"], capture_output=True, text=True, check=True
    )
    summary = json.loads(res.stdout)
    assert summary["traces"] == 6 and summary["labels"] == 0
    assert summary["false_triggers"] == 0 and summary["false_triggers_per_hour"] == 0.0


@pytest.mark.parametrize(
    "media, expected",
    [
        ("media/images/portrait.jpg", []),  # arms folded low: not the raised X of close_app
        ("media/video/arms_overhead.mp4", []),  # both arms up, moving, then hands to the face
    ],
)
@pytest.mark.slow
def test_recorded_media_events(tmp_path, media, expected):
    src = shared_path(media)
    trace = tmp_path / "t.jsonl"
    subprocess.run(
        [sys.executable, "-m", "gesturectl", "record", "--source", str(src), "-o", str(trace)],
        check=True,
        capture_output=True,
    )
    _, frames = read_trace(trace)
    seen = [pose is not None for _, pose in frames]
    assert len(seen) >= 60 and all(seen)  # the person was tracked throughout: "no events" means something
    res = subprocess.run(
        [sys.executable, "-m", "gesturectl", "replay", str(trace), "--json"], capture_output=True, text=True, check=True
    )
    assert [json.loads(line)["gesture"] for line in res.stdout.splitlines()] == expected
