"""The real-data converters: sides, units and masking checked against what ../shared/README.md says
the data shows (each test skips without ../shared)."""

from __future__ import annotations

import numpy as np
import pytest

from gesturectl.gestures.evaluation import Label
from gesturectl.gestures.features import body_points
from gesturectl.synth.datasets import Case, every_second, natops_cases, retimed, training_halves
from gesturectl.synth.msrc12 import msrc_to_poses, parse_name, read_sequence, read_tagstream
from gesturectl.synth.natops import natops_to_poses, read_arff, wrist_gap_extreme_s
from gesturectl.synth.uav import read_uav, subject_of, uav_to_poses
from gesturectl.types import Pose
from tests.conftest import shared_path


def _points(frames):
    out = []
    for _, pose in frames:
        got = body_points(pose, 0.5) if pose is not None else None
        if got is not None:
            out.append(got[0])
    return out


def test_msrc12_names_and_tagstream_clock(tmp_path):
    assert parse_name("P1_2_11_p24") == ("p24", 11)
    assert parse_name("P3_1_4A_p05") == ("p05", 4)
    with pytest.raises(ValueError, match="not an MSRC-12 name"):
        parse_name("clip")
    tags = tmp_path / "x.tagstream"
    tags.write_text("XQPCTick;Tag\n49875;G1  Start\n")
    assert read_tagstream(tags) == [pytest.approx((49875 * 1000 + 24937) / 49875)]


def test_msrc12_push_right_moves_the_right_wrist_out_to_the_right():
    folder = shared_path("motion/msrc12_dev")
    csv = next(iter(sorted(folder.glob("P*_3_p*.csv"))), None)
    if csv is None:
        pytest.skip("no G3 recording")
    seq = read_sequence(csv)
    assert seq.gesture == 3 and len(seq.action_points_s) >= 5
    assert 0 < seq.action_points_s[0] < seq.times_s[-1]
    pts = _points(msrc_to_poses(seq))
    # x grows toward the person's own left: pushing right makes the right wrist's x very negative
    assert min(p["right_wrist"][0] for p in pts if "right_wrist" in p) < -1.2
    assert min(p["left_wrist"][0] for p in pts if "left_wrist" in p) > -0.5


def test_msrc12_untracked_rows_are_nobody():
    folder = shared_path("motion/msrc12_dev")
    seq = read_sequence(sorted(folder.glob("P*.csv"))[0])
    frames = list(msrc_to_poses(seq))
    assert frames[0][1] is None  # rows before the person is tracked are all zeros
    assert sum(p is not None for _, p in frames) > 0.8 * len(frames)


def test_natops_have_command_raises_the_right_hand_and_zooms_span_the_shoulders():
    samples = read_arff(shared_path("motion/natops_dev/NATOPS_TRAIN.arff"))
    assert len(samples) == 180 and {s.label for s in samples} == set(range(1, 7))
    first = {c: next(s for s in samples if s.label == c) for c in (1, 4, 5)}
    pts = _points(natops_to_poses(first[1]))
    assert max(p["right_wrist"][1] for p in pts) > 0.6 > max(p["left_wrist"][1] for p in pts)
    for c in (4, 5):
        pts = _points(natops_to_poses(first[c]))
        gaps = [abs(p["left_wrist"][0] - p["right_wrist"][0]) for p in pts]
        assert max(gaps) > 2.4 and min(gaps[20:-20]) < 0.8
    t_wide = wrist_gap_extreme_s(first[4], widest=True)
    assert 1.0 < t_wide < 1.0 + 51 / 20


def test_natops_cases_split_by_sample_index():
    cases = list(natops_cases(shared_path("motion/natops_dev/NATOPS_TRAIN.arff")))
    held = [c for c in cases if c.held_out]
    assert len(held) == 90
    assert {c.labels[0].gesture for c in cases if c.labels} == {"zoom_in", "zoom_out"}
    assert all(c.kind == "command" for c in cases if c.activity in ("spread_wings", "fold_wings"))


def test_uav_lost_points_are_missing_and_the_subject_faces_the_camera():
    folder = shared_path("motion/uav_gesture_dev/joint_positions")
    mat = sorted(folder.glob("hover/*/*.mat"))[0]
    track = read_uav(mat)
    assert track.shape[1:] == (18, 2) and subject_of(mat).startswith("S")
    track = track.copy()
    track[0, 4] = 0.0  # OpenPose lost the right wrist
    frames = list(uav_to_poses(track))
    assert frames[0][1].scores[10] == 0.0 and frames[1][1].scores[10] == 1.0
    pts = _points(frames)
    # hover: both arms straight out to the sides; the person's right shoulder is on the image's left
    assert (
        np.median([p["left_wrist"][0] - p["right_wrist"][0] for p in pts if {"left_wrist", "right_wrist"} <= p.keys()])
        > 2.0
    )


def test_every_second_subject_is_held_out():
    assert every_second(["s03", "s01", "s02", "s01"]) == {"s02"}


def _case(dataset: str, subject: str, held_out: bool = False) -> Case:
    pose = Pose(np.zeros((17, 2)), np.ones(17), "coco17", (640, 480), 1.0, 2.0)
    labels = (Label("zoom_in", 1.0, 2.0),)
    return Case(dataset, subject, "a", f"{dataset}_{subject}", "command", held_out, [(2.0, pose), (3.0, None)], labels)


def test_retimed_scales_every_frame_time_and_label():
    slow = retimed(_case("natops", "i00"), 1.5)
    assert [t for t, _ in slow.frames] == [3.0, 4.5]
    assert slow.frames[0][1] is not None and slow.frames[0][1].t == 3.0 and slow.frames[1][1] is None
    assert slow.labels == (Label("zoom_in", 1.5, 3.0),)
    with pytest.raises(ValueError):
        retimed(slow, 0.0)


def test_training_halves_split_each_datasets_training_subjects_again():
    cases = [_case("msr", s) for s in ("s05", "s01", "s03")] + [_case("uav", "S1"), _case("uav", "S4", held_out=True)]
    assert training_halves(cases) == {"msr_s01": "A", "msr_s03": "B", "msr_s05": "A", "uav_S1": "A"}
