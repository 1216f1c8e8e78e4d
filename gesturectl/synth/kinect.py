"""Kinect v1 skeletons (MSR Action3D layout) to webcam-like COCO-17 poses.

MSR Action3D stores 20 joints per frame as `x y z confidence` in metres (Kinect world space:
y up, z away from the sensor, x toward the sensor's left, i.e. the subject's right). A pinhole
camera at the sensor projects them to pixels the way a webcam there would see them (not
mirrored): u = cx - f·x/z, v = cy - f·y/z. COCO joints come from the matching Kinect joints;
the nose is taken 6 cm below the Kinect head point (which is the head's centre); eyes and ears
have no Kinect counterpart and are marked missing (score 0). Joints projected outside the image
are marked missing too, as a webcam would not see them.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def read_msr_skeleton(path: Path) -> np.ndarray:
    """F×20×4 array (x, y, z, confidence) of an MSR Action3D `*_skeleton3D.txt` file."""
    data = np.loadtxt(path, dtype=np.float64, ndmin=2)
    if data.shape[1] != 4 or len(data) % 20:
        raise ValueError(f"{path}: expected 20 lines of 'x y z confidence' per frame, got {data.shape}")
    return data.reshape(-1, 20, 4)


def project_frame(
    joints: np.ndarray, image_size: tuple[int, int] = (640, 480), focal_px: float = 525.0, t: float = 0.0
) -> Pose | None:
    """The COCO-17 pose a webcam at the sensor would see for one 20×4 Kinect frame (None if no body)."""
    w, h = image_size
    kp = np.zeros((len(CocoJoint), 2), np.float64)
    sc = np.zeros(len(CocoJoint), np.float64)
    for cj, mj in MSR_FOR_COCO.items():
        if mj is None:
            continue
        x, y, z, conf = joints[mj]
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


def msr_to_poses(
    skeleton: np.ndarray, fps: float = MSR_FPS, image_size: tuple[int, int] = (640, 480)
) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) per frame of an F×20×4 skeleton sequence."""
    for i, frame in enumerate(skeleton):
        t = i / fps
        yield t, project_frame(frame, image_size, t=t)
