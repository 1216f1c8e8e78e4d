"""NATOPS aircraft-handling signals (UEA archive subset) to webcam-like COCO-17 poses.

`NATOPS_TRAIN.arff`: after `@data`, one sample per line: 24 series of 51 values (joined by a
literal `\\n`), then the class (1-6). Series: x, y, z of hand tip L, hand tip R, elbow L, elbow R,
wrist L, wrist R, thumb L, thumb R. y is up, x grows toward the subject's right, units look like
feet; read at 20 fps (a sample is about 2.5 s, starting and ending with the arms hanging).

The file has no shoulders, head or hips. They are placed from the sample's first frame (arms
hanging): shoulders 0.7 above the resting elbows and 1.1 apart, the nose 0.7 above them, the hips
1.6 below them, and they stay put (the signals are made standing still). An orthographic camera
in front of the person (not mirrored) gives pixels: u = cx - s·x, v = cy - s·y. Depth is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gesturectl.types import CocoJoint, Pose

NATOPS_FPS = 20.0
CLASS_NAMES = {1: "i_have_command", 2: "all_clear", 3: "not_clear", 4: "spread_wings", 5: "fold_wings", 6: "lock_wings"}
#: Series (joint-major, x y z each) of the tracked joints we use.
_ELBOW_L, _ELBOW_R, _WRIST_L, _WRIST_R = 2, 3, 4, 5
SHOULDER_ABOVE_ELBOW = 0.7
SHOULDER_HALF_WIDTH = 0.55
NOSE_ABOVE_SHOULDERS = 0.7
HIPS_BELOW_SHOULDERS = 1.6
HIP_HALF_WIDTH = 0.35


@dataclass(frozen=True)
class NatopsSample:
    """One signal: its class, its index among that class's samples, and F×8×3 joints (x, y, z)."""

    label: int
    index_in_class: int
    joints: np.ndarray


def read_arff(path: Path) -> list[NatopsSample]:
    """Every sample of a NATOPS `.arff` file, in file order."""
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("@data")
    if not sep:
        raise ValueError(f"{path}: no @data section")
    out: list[NatopsSample] = []
    seen: dict[int, int] = {}
    for lineno, line in enumerate(body.strip().splitlines(), start=head.count("\n") + 2):
        series, _, label = line.strip().rpartition(",")
        rows = [[float(v) for v in s.split(",")] for s in series.strip("'").split("\\n")]
        arr = np.array(rows, np.float64)
        if arr.shape[0] != 24:
            raise ValueError(f"{path}:{lineno}: expected 24 series, got {arr.shape[0]}")
        cls = int(float(label))
        out.append(NatopsSample(cls, seen.get(cls, 0), arr.reshape(8, 3, -1).transpose(2, 0, 1)))
        seen[cls] = seen.get(cls, 0) + 1
    return out


def natops_to_poses(
    sample: NatopsSample,
    pad_s: float = 1.0,
    image_size: tuple[int, int] = (640, 480),
    px_per_unit: float = 90.0,
    fps: float = NATOPS_FPS,
) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) per frame, with the first frame (arms hanging) held for `pad_s` before it. The last
    frame is not held: some samples end with an arm still up, and holding it would invent a hold."""
    j = sample.joints
    elbows0 = j[0, [_ELBOW_L, _ELBOW_R], :2]
    mid_x = float(elbows0[:, 0].mean())
    sh_y = float(elbows0[:, 1].mean()) + SHOULDER_ABOVE_ELBOW
    fixed = {
        CocoJoint.LEFT_SHOULDER: (mid_x - SHOULDER_HALF_WIDTH, sh_y),
        CocoJoint.RIGHT_SHOULDER: (mid_x + SHOULDER_HALF_WIDTH, sh_y),
        CocoJoint.NOSE: (mid_x, sh_y + NOSE_ABOVE_SHOULDERS),
        CocoJoint.LEFT_HIP: (mid_x - HIP_HALF_WIDTH, sh_y - HIPS_BELOW_SHOULDERS),
        CocoJoint.RIGHT_HIP: (mid_x + HIP_HALF_WIDTH, sh_y - HIPS_BELOW_SHOULDERS),
    }
    moving = {
        CocoJoint.LEFT_ELBOW: _ELBOW_L,
        CocoJoint.RIGHT_ELBOW: _ELBOW_R,
        CocoJoint.LEFT_WRIST: _WRIST_L,
        CocoJoint.RIGHT_WRIST: _WRIST_R,
    }
    w, h = image_size
    cx, cy = w / 2.0, h / 2.0 - px_per_unit * sh_y - 30.0
    pad = int(round(pad_s * fps))
    order = [0] * pad + list(range(len(j)))
    for i, src in enumerate(order):
        t = i / fps
        world = dict(fixed)
        world.update({cj: (float(j[src, k, 0]), float(j[src, k, 1])) for cj, k in moving.items()})
        kp = np.zeros((len(CocoJoint), 2))
        sc = np.zeros(len(CocoJoint))
        for cj, (x, y) in world.items():
            u, v = cx - px_per_unit * x, cy - px_per_unit * y
            kp[cj] = (u, v)
            sc[cj] = 1.0 if (0 <= u < w and 0 <= v < h) else 0.0
        yield t, Pose(kp, sc, "coco17", image_size, 1.0, t)


def wrist_gap_extreme_s(sample: NatopsSample, widest: bool, pad_s: float = 1.0, fps: float = NATOPS_FPS) -> float:
    """Time (on `natops_to_poses`' clock) when the wrists are furthest apart (or closest, not widest)."""
    gap = np.abs(sample.joints[:, _WRIST_R, 0] - sample.joints[:, _WRIST_L, 0])
    i = int(np.argmax(gap) if widest else np.argmin(gap))
    return pad_s + i / fps
