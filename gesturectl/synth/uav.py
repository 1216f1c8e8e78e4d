"""UAV-GESTURE (OpenPose tracks of people filmed from a drone) to COCO-17 poses.

Each `.mat` holds `pos_img`, 2 × 18 × F: pixel x, y in the 1920×1080 video of the 18 OpenPose
COCO points (0 nose, 1 neck, 2-4 right shoulder/elbow/wrist, 5-7 left, 8-10 right hip/knee/ankle,
11-13 left, 14/15 right/left eye, 16/17 right/left ear). A point OpenPose lost is exactly (0, 0):
it becomes a missing joint (score 0), never a jump to the corner. The frame rate is not stated;
we read the clips at 25 fps. The subject id is the file name's prefix (`S4_hover_HD`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from gesturectl.types import CocoJoint, Pose

#: OpenPose-18 index for each COCO joint.
OPENPOSE_FOR_COCO: dict[CocoJoint, int] = {
    CocoJoint.NOSE: 0,
    CocoJoint.LEFT_EYE: 15,
    CocoJoint.RIGHT_EYE: 14,
    CocoJoint.LEFT_EAR: 17,
    CocoJoint.RIGHT_EAR: 16,
    CocoJoint.LEFT_SHOULDER: 5,
    CocoJoint.RIGHT_SHOULDER: 2,
    CocoJoint.LEFT_ELBOW: 6,
    CocoJoint.RIGHT_ELBOW: 3,
    CocoJoint.LEFT_WRIST: 7,
    CocoJoint.RIGHT_WRIST: 4,
    CocoJoint.LEFT_HIP: 11,
    CocoJoint.RIGHT_HIP: 8,
    CocoJoint.LEFT_KNEE: 12,
    CocoJoint.RIGHT_KNEE: 9,
    CocoJoint.LEFT_ANKLE: 13,
    CocoJoint.RIGHT_ANKLE: 10,
}
UAV_FPS = 25.0
UAV_IMAGE_SIZE = (1920, 1080)


def read_uav(path: Path) -> np.ndarray:
    """F×18×2 pixel positions of one UAV-GESTURE `.mat` file."""
    from scipy.io import loadmat  # dev-time dependency (the test extra), only for this converter

    pos = np.asarray(loadmat(str(path))["pos_img"], np.float64)
    if pos.ndim != 3 or pos.shape[:2] != (2, 18):
        raise ValueError(f"{path}: expected pos_img of shape 2×18×F, got {pos.shape}")
    return np.transpose(pos, (2, 1, 0))


def subject_of(path: Path) -> str:
    """The subject id ("S4") of a clip named like `S4_hover_HD.mat`."""
    return path.stem.split("_", 1)[0]


def uav_to_poses(track: np.ndarray, fps: float = UAV_FPS) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) per frame of an F×18×2 track; lost points (exactly 0, 0) are missing joints."""
    idx = np.array([OPENPOSE_FOR_COCO[j] for j in CocoJoint])
    for i, frame in enumerate(track):
        t = i / fps
        kp = frame[idx]
        sc = np.where(np.all(kp == 0.0, axis=1), 0.0, 1.0)
        yield t, (Pose(kp, sc, "coco17", UAV_IMAGE_SIZE, 1.0, t) if sc.any() else None)
