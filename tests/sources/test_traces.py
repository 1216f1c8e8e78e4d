import io
import json

import numpy as np
import pytest

from gesturectl.cli import main
from gesturectl.errors import SourceError
from gesturectl.sources.traces import TraceHeader, TraceWriter, read_trace
from gesturectl.types import CocoJoint, Pose
from tests.conftest import make_pose, shared_path


def test_round_trip_keeps_poses_times_and_gaps(tmp_path):
    buf = io.StringIO()
    w = TraceWriter(buf, TraceHeader("coco17", (640, 480), 30))
    w.write(0.0, make_pose(left_wrist=(30.25, 50.5)))
    w.write(1 / 30, None)
    kps = np.arange(66, dtype=np.float32).reshape(33, 2)
    w.write(2 / 30, Pose(kps, np.full(33, 0.7), "blazepose33", (640, 480)))  # stored as its COCO view
    lines = buf.getvalue().splitlines()
    assert json.loads(lines[0]) == {
        "format": "gesturectl-trace",
        "version": 1,
        "layout": "coco17",
        "image_size": [640, 480],
        "fps": 30,
    }
    assert json.loads(lines[2]) == {"t": 0.0333, "keypoints": None}
    p = tmp_path / "t.jsonl"
    p.write_text(buf.getvalue())
    header, frames = read_trace(p)
    assert header == TraceHeader("coco17", (640, 480), 30.0)
    got = list(frames)
    assert [t for t, _ in got] == [0.0, 0.0333, 0.0667]
    assert got[0][1].xy(CocoJoint.LEFT_WRIST) == (30.25, 50.5) and got[1][1] is None
    assert got[2][1].xy(CocoJoint.LEFT_WRIST) == (30.0, 31.0)  # BlazePose left wrist, landmark 15


def test_a_coco_pose_cannot_go_into_a_blazepose_trace():
    w = TraceWriter(io.StringIO(), TraceHeader("blazepose33", (640, 480), 30))
    with pytest.raises(ValueError, match="cannot write a coco17 pose into a blazepose33 trace"):
        w.write(0.0, make_pose())


def test_bad_traces_name_file_and_line(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('{"format": "something-else"}\n')
    with pytest.raises(SourceError, match=r"t.jsonl:1: not a gesturectl trace header"):
        read_trace(p)
    p.write_text(
        '{"format": "gesturectl-trace", "version": 1, "layout": "coco17", "image_size": [4, 4], "fps": 30}\n'
        '{"t": 0, "keypoints": [[1, 2, 3]]}\n'
    )
    _, frames = read_trace(p)
    with pytest.raises(SourceError, match=r"t.jsonl:2: bad trace frame"):
        list(frames)
    with pytest.raises(SourceError, match="cannot open the trace"):
        read_trace(tmp_path / "none.jsonl")


def test_record_a_photo_as_a_held_pose(tmp_path):
    photo = shared_path("media/images/portrait.jpg")
    out = tmp_path / "p.jsonl"
    assert main(["record", "--source", str(photo), "-o", str(out)]) == 0
    header, frames = read_trace(out)
    got = list(frames)
    assert header.image_size == (820, 1024) and len(got) == 60
    assert all(p is not None for _, p in got)
    # arms crossed: each wrist is on the other side of the body midline
    _, p = got[-1]
    mid = (p.xy(CocoJoint.LEFT_SHOULDER)[0] + p.xy(CocoJoint.RIGHT_SHOULDER)[0]) / 2
    assert p.xy(CocoJoint.LEFT_WRIST)[0] < mid < p.xy(CocoJoint.RIGHT_WRIST)[0]


@pytest.mark.slow
def test_record_a_video(tmp_path):
    video = shared_path("media/video/arms_overhead.mp4")
    out = tmp_path / "v.jsonl"
    assert main(["record", "--source", str(video), "-o", str(out), "--layout", "blazepose33"]) == 0
    header, frames = read_trace(out)
    got = list(frames)
    assert header.layout == "blazepose33" and header.fps == pytest.approx(30, abs=0.1) and len(got) == 120
    assert got[-1][0] == pytest.approx(119 / header.fps, abs=1e-3)


def test_camera_lookup_by_name(tmp_path):
    from gesturectl.sources.camera import camera_by_name, camera_names

    for i, name in ((0, "Integrated Webcam"), (2, "Logitech C920"), (3, "Logitech C920 (metadata)")):
        d = tmp_path / f"video{i}"
        d.mkdir()
        (d / "name").write_text(name + "\n")
    assert camera_names(tmp_path) == {0: "Integrated Webcam", 2: "Logitech C920", 3: "Logitech C920 (metadata)"}
    assert camera_by_name("logitech", tmp_path) == 2
    assert camera_by_name("nothing", tmp_path) is None
    assert camera_names(tmp_path / "absent") == {}


def test_record_takes_every_source_form_run_takes(tmp_path, capsys):
    """A trace (here the bundled demo) re-recorded keeps its poses and needs no model; a folder of images and
    a camera index go through the same `open_source` as `run` (a missing camera is a clear error)."""
    out = tmp_path / "demo.jsonl"
    assert main(["record", "--source", "demo", "-o", str(out)]) == 0
    header, frames = read_trace(out)
    from gesturectl.sources import demo_trace_path

    _, original = read_trace(demo_trace_path())
    ours, theirs = list(frames), list(original)
    assert len(ours) == len(theirs) and header.layout == "coco17"
    assert np.allclose(ours[100][1].keypoints, theirs[100][1].keypoints, atol=0.01)
    assert main(["record", "--source", "9", "-o", str(tmp_path / "cam.jsonl")]) == 2
    assert "camera 9 cannot be opened" in capsys.readouterr().err
