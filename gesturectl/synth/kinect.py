"""Kinect v1 skeletons (MSR Action3D and MSRC-12) to webcam-like COCO-17 poses.

Both datasets store 20 joints per frame in metres (Kinect world space: y up, z away from the
sensor, x toward the subject's right). A pinhole camera at the sensor projects them to pixels the
way a webcam there would see them (not mirrored): u = cx - f·x/z, v = cy - f·y/z. COCO joints
come from the matching Kinect joints; the nose is taken 6 cm below the Kinect head point (which
is the head's centre); eyes and ears have no Kinect counterpart and are marked missing (score 0).
Joints projected outside the image are marked missing too, as a webcam would not see them.

Kinect shoulders sit about 0.3 m apart, narrower than a webcam pose model's; `shoulder_widen`
moves both shoulders out from their midpoint by that factor (1.0 keeps the Kinect's).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from gesturectl.types import CocoJoint, Pose

#: 0-based MSR Action3D joint index for each COCO joint (None: no counterpart).
MSR_FOR_COCO: dict[CocoJoint, int | None] = {
    CocoJoint.NOSE: 19,
    CocoJoint.LEFT_EYE: None,
    CocoJoint.RIGHT_EYE: None,
    CocoJoint.LEFT_EAR: None,
    CocoJoint.RIGHT_EAR: None,
    # In each MSR pair the first joint has the smaller x, which is the subject's left (x points to their right).
    CocoJoint.LEFT_SHOULDER: 0,
    CocoJoint.RIGHT_SHOULDER: 1,
    CocoJoint.LEFT_ELBOW: 7,
    CocoJoint.RIGHT_ELBOW: 8,
    CocoJoint.LEFT_WRIST: 9,
    CocoJoint.RIGHT_WRIST: 10,
    CocoJoint.LEFT_HIP: 4,
    CocoJoint.RIGHT_HIP: 5,
    CocoJoint.LEFT_KNEE: 13,
    CocoJoint.RIGHT_KNEE: 14,
    CocoJoint.LEFT_ANKLE: 15,
    CocoJoint.RIGHT_ANKLE: 16,
}
NOSE_BELOW_HEAD_M = 0.06
MSR_FPS = 15.0
#: Kinect shoulders (about 0.3 m apart) widened to about a webcam pose model's (about 0.36 m).
WEBCAM_SHOULDER_WIDEN = 1.2


def read_msr_skeleton(path: Path) -> np.ndarray:
    """F×20×4 array (x, y, z, confidence) of an MSR Action3D `*_skeleton3D.txt` file."""
    data = np.loadtxt(path, dtype=np.float64, ndmin=2)
    if data.shape[1] != 4 or len(data) % 20:
        raise ValueError(f"{path}: expected 20 lines of 'x y z confidence' per frame, got {data.shape}")
    return data.reshape(-1, 20, 4)


def project_joints(
    joints: np.ndarray,
    mapping: Mapping[CocoJoint, int | None],
    image_size: tuple[int, int] = (640, 480),
    focal_px: float = 525.0,
    t: float = 0.0,
    shoulder_widen: float = 1.0,
) -> Pose | None:
    """The COCO-17 pose a webcam at the sensor would see for one N×4 Kinect frame (None if no body)."""
    w, h = image_size
    kp = np.zeros((len(CocoJoint), 2), np.float64)
    sc = np.zeros(len(CocoJoint), np.float64)
    world = {cj: np.array(joints[mj], np.float64) for cj, mj in mapping.items() if mj is not None}
    ls, rs = world.get(CocoJoint.LEFT_SHOULDER), world.get(CocoJoint.RIGHT_SHOULDER)
    if shoulder_widen != 1.0 and ls is not None and rs is not None:
        mid = (ls[:3] + rs[:3]) / 2.0
        ls[:3] = mid + (ls[:3] - mid) * shoulder_widen
        rs[:3] = mid + (rs[:3] - mid) * shoulder_widen
    for cj, (x, y, z, conf) in world.items():
        if cj is CocoJoint.NOSE:
            y -= NOSE_BELOW_HEAD_M
        if z <= 0.1:
            continue
        u, v = w / 2 - focal_px * x / z, h / 2 - focal_px * y / z
        kp[cj] = (u, v)
        inside = 0 <= u < w and 0 <= v < h
        sc[cj] = conf if inside else 0.0
    if not sc.any():
        return None
    return Pose(kp, sc, "coco17", image_size, 1.0, t)


def project_frame(
    joints: np.ndarray, image_size: tuple[int, int] = (640, 480), focal_px: float = 525.0, t: float = 0.0
) -> Pose | None:
    """The COCO-17 pose a webcam at the sensor would see for one 20×4 MSR Action3D frame."""
    return project_joints(joints, MSR_FOR_COCO, image_size, focal_px, t)


def msr_to_poses(
    skeleton: np.ndarray,
    fps: float = MSR_FPS,
    image_size: tuple[int, int] = (640, 480),
    shoulder_widen: float = 1.0,
) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) per frame of an F×20×4 skeleton sequence."""
    for i, frame in enumerate(skeleton):
        t = i / fps
        yield t, project_joints(frame, MSR_FOR_COCO, image_size, t=t, shoulder_widen=shoulder_widen)
