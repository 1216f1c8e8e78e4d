"""One recording as another person, camera or pose model would give it: the ways real people and real
pose models differ from the recordings the rules were chosen on (dev-only, for robustness benches).

A `Perturbation` changes a stream of (t, pose) frames, in this order:

- the *person*: arms longer or shorter (`arm_scale`: elbow and wrist moved along the line from their
  shoulder);
- the *pose model*: shoulders and head placed higher or lower than they are (`shoulder_shift_sw`, in
  shoulder widths, + is up; NATOPS has no shoulders and its converter places them from the resting
  arms), and per-frame keypoint noise (`jitter_sw`, a normal spread in shoulder widths);
- the *camera*: rolled (`roll_deg`, about the image centre), seen from above or below
  (`vertical_scale` < 1: heights foreshortened; > 1: the shoulders seen narrower than the heights,
  as for a person turned a little), nearer or farther (`scale`, about the image centre);
- the *frame timing*: frames dropped at random (`drop_frac`), and a lower frame rate (`fps`: the
  first frame at or after each tick is kept, with its own time).

Everything is converted to COCO-17 first (the recognizer reads only those joints). Random parts draw
from `numpy.random.default_rng(seed)`, so a perturbation is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gesturectl.types import CocoJoint, Pose

Frames = list[tuple[float, "Pose | None"]]

_SHOULDERS = (CocoJoint.LEFT_SHOULDER, CocoJoint.RIGHT_SHOULDER)
_HEAD = (CocoJoint.NOSE, CocoJoint.LEFT_EYE, CocoJoint.RIGHT_EYE, CocoJoint.LEFT_EAR, CocoJoint.RIGHT_EAR)
_ARMS = (
    (CocoJoint.LEFT_SHOULDER, CocoJoint.LEFT_ELBOW, CocoJoint.LEFT_WRIST),
    (CocoJoint.RIGHT_SHOULDER, CocoJoint.RIGHT_ELBOW, CocoJoint.RIGHT_WRIST),
)


@dataclass(frozen=True)
class Perturbation:
    """How a recording is changed (the identity by default); see the module docstring for each field."""

    name: str = "as recorded"
    arm_scale: float = 1.0
    shoulder_shift_sw: float = 0.0
    jitter_sw: float = 0.0
    roll_deg: float = 0.0
    vertical_scale: float = 1.0
    scale: float = 1.0
    drop_frac: float = 0.0
    fps: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for field, v in (("arm_scale", self.arm_scale), ("vertical_scale", self.vertical_scale), ("scale", self.scale)):
            if v <= 0:
                raise ValueError(f"Perturbation.{field}: must be > 0 (got {v})")
        if self.jitter_sw < 0:
            raise ValueError(f"Perturbation.jitter_sw: must be >= 0 (got {self.jitter_sw})")
        if not 0.0 <= self.drop_frac < 1.0:
            raise ValueError(f"Perturbation.drop_frac: must be in [0, 1) (got {self.drop_frac})")
        if self.fps is not None and self.fps <= 0:
            raise ValueError(f"Perturbation.fps: must be > 0 (got {self.fps})")


def perturb(frames: Frames, p: Perturbation) -> Frames:
    """The frames as `p` changes them (nobody-in-view frames stay None; kept frames keep their times)."""
    rng = np.random.default_rng(p.seed)
    out: Frames = []
    for t, pose in _timing(frames, p, rng):
        out.append((t, None if pose is None else perturb_pose(pose, p, rng)))
    return out


def perturb_pose(pose: Pose, p: Perturbation, rng: np.random.Generator | None = None) -> Pose:
    """One pose (as COCO-17) changed by `p` (jitter needs `rng`)."""
    coco = pose.to_coco()
    kp = coco.keypoints.astype(np.float64)
    sw = _shoulder_width(kp)
    for sh, el, wr in _ARMS:  # the person: arm length
        kp[el] = kp[sh] + p.arm_scale * (kp[el] - kp[sh])
        kp[wr] = kp[sh] + p.arm_scale * (kp[wr] - kp[sh])
    for j in _SHOULDERS + _HEAD:  # the pose model: where it puts the shoulder line (image y grows down)
        kp[j, 1] -= p.shoulder_shift_sw * sw
    if p.jitter_sw > 0:
        if rng is None:
            raise ValueError("perturb_pose: jitter needs an rng")
        kp += rng.normal(0.0, p.jitter_sw * sw, kp.shape)
    w, h = coco.image_size
    centre = np.array([w / 2.0, h / 2.0])
    a = math.radians(p.roll_deg)  # the camera: roll, then foreshortening, then distance
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    kp = (kp - centre) @ rot.T
    kp[:, 1] *= p.vertical_scale
    kp = kp * p.scale + centre
    return Pose(kp, coco.scores, "coco17", coco.image_size, coco.presence, coco.t)


def _shoulder_width(kp: np.ndarray) -> float:
    return float(np.hypot(*(kp[CocoJoint.LEFT_SHOULDER] - kp[CocoJoint.RIGHT_SHOULDER])))


def _timing(frames: Frames, p: Perturbation, rng: np.random.Generator) -> Frames:
    """The frames a slower or lossier capture would have delivered."""
    kept = frames
    if p.fps is not None and frames:
        step, next_t, kept = 1.0 / p.fps, frames[0][0], []
        for t, pose in frames:
            if t >= next_t - 1e-9:
                kept.append((t, pose))
                while next_t <= t + 1e-9:
                    next_t += step
    if p.drop_frac > 0:
        keep = rng.random(len(kept)) >= p.drop_frac
        keep[:1] = True
        kept = [f for f, k in zip(kept, keep, strict=True) if k]
    return list(kept)
