"""MSRC-12 (Microsoft Research Cambridge-12 Kinect gestures) to webcam-like COCO-17 poses.

A sequence is a `.csv` (one row per frame: a timestamp in microseconds, then 20 joints × x, y, z, w
in metres, Kinect SDK v1 order, 30 Hz; all-zero rows before the person is tracked) and a
`.tagstream` of *action points* (the moment a recogniser should fire each repetition). File names
are `P<a>_<b>_<g>[A]_p<nn>`: g the gesture (1-12), nn the person. The joints are projected by the
pinhole camera of `kinect.py`; rows without a person become `None` (nobody in view).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gesturectl.synth.kinect import WEBCAM_SHOULDER_WIDEN, project_joints
from gesturectl.types import CocoJoint, Pose

#: 0-based Kinect SDK v1 joint index for each COCO joint (x grows toward the subject's right).
MSRC_FOR_COCO: dict[CocoJoint, int | None] = {
    CocoJoint.NOSE: 3,
    CocoJoint.LEFT_EYE: None,
    CocoJoint.RIGHT_EYE: None,
    CocoJoint.LEFT_EAR: None,
    CocoJoint.RIGHT_EAR: None,
    CocoJoint.LEFT_SHOULDER: 4,
    CocoJoint.RIGHT_SHOULDER: 8,
    CocoJoint.LEFT_ELBOW: 5,
    CocoJoint.RIGHT_ELBOW: 9,
    CocoJoint.LEFT_WRIST: 6,
    CocoJoint.RIGHT_WRIST: 10,
    CocoJoint.LEFT_HIP: 12,
    CocoJoint.RIGHT_HIP: 16,
    CocoJoint.LEFT_KNEE: 13,
    CocoJoint.RIGHT_KNEE: 17,
    CocoJoint.LEFT_ANKLE: 14,
    CocoJoint.RIGHT_ANKLE: 18,
}
MSRC_FPS = 30.0
GESTURE_NAMES = {
    1: "start_system",
    2: "duck",
    3: "push_right",
    4: "goggles",
    5: "wind_it_up",
    6: "shoot",
    7: "bow",
    8: "throw",
    9: "had_enough",
    10: "change_weapon",
    11: "beat_both",
    12: "kick",
}
_NAME = re.compile(r"^P(\d)_(\d)_(\d+)(A?)_p(\d+)$")


@dataclass(frozen=True)
class MsrcSequence:
    """One recording: who, which gesture, per-frame times (s from the first row) and joints."""

    name: str
    person: str
    gesture: int
    times_s: np.ndarray  # F
    joints: np.ndarray  # F×20×4
    action_points_s: tuple[float, ...]


def parse_name(stem: str) -> tuple[str, int]:
    """(person "pNN", gesture number) from a file stem like `P1_2_11_p24`."""
    m = _NAME.match(stem)
    if m is None:
        raise ValueError(f"{stem}: not an MSRC-12 name like P1_2_11_p24")
    return f"p{m.group(5)}", int(m.group(3))


def read_tagstream(path: Path) -> list[float]:
    """Action points in microseconds on the csv's clock (`load_tagstream.m`: (tick·1000 + 24937) / 49875)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if ";" in line:
            tick = int(line.split(";", 1)[0])
            out.append((tick * 1000 + 24937) / 49875)
    return out


def read_sequence(csv: Path) -> MsrcSequence:
    """An MSRC-12 `.csv` and its `.tagstream` (if present) as a sequence."""
    data = np.loadtxt(csv, dtype=np.float64, ndmin=2)
    if data.shape[1] != 81:
        raise ValueError(f"{csv}: expected 81 columns (timestamp + 20 joints × 4), got {data.shape[1]}")
    person, gesture = parse_name(csv.stem)
    t0 = data[0, 0]
    tags = csv.with_suffix(".tagstream")
    points = tuple((us - t0) / 1e6 for us in read_tagstream(tags)) if tags.exists() else ()
    return MsrcSequence(csv.stem, person, gesture, (data[:, 0] - t0) / 1e6, data[:, 1:].reshape(-1, 20, 4), points)


def msrc_to_poses(
    seq: MsrcSequence, image_size: tuple[int, int] = (640, 480), shoulder_widen: float = WEBCAM_SHOULDER_WIDEN
) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) per row; rows without a tracked person are None."""
    for t, joints in zip(seq.times_s, seq.joints):
        tracked = bool(np.any(joints[:, :3]))
        pose = project_joints(joints, MSRC_FOR_COCO, image_size, t=float(t), shoulder_widen=shoulder_widen)
        yield float(t), pose if tracked else None
