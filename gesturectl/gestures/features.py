"""Body-centred, scale-free features: the recognizer's view of a pose.

A `BodyFrame` holds each visible point in shoulder widths relative to the shoulder midpoint,
with Y up and X toward the person's own left (so it does not matter whether the camera image is
mirrored or the person stands near or far). Joints scored below the threshold are *missing*:
they are left out, never guessed. Without both shoulders there is no body frame at all.

Virtual points: `head` (nose, else the mean of the visible eyes and ears), `shoulder_mid`
(the origin), `hip_mid` (needs both hips).

Speeds are in shoulder widths per second in the body frame, except `shoulder_mid`'s: the body
frame's origin never moves in it, so its speed is the *whole body's* — how fast the shoulder
midpoint moves in the image, in shoulder widths per second (a squat, a step, a lean). A
condition `speed: shoulder_mid` with a `max` therefore says "the body stays put".
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gesturectl.types import CocoJoint, Pose

JOINT_NAMES: tuple[str, ...] = tuple(j.name.lower() for j in CocoJoint)
VIRTUAL_POINTS: tuple[str, ...] = ("head", "shoulder_mid", "hip_mid")
POINT_NAMES: tuple[str, ...] = JOINT_NAMES + VIRTUAL_POINTS

_HEAD_FALLBACK = (CocoJoint.LEFT_EYE, CocoJoint.RIGHT_EYE, CocoJoint.LEFT_EAR, CocoJoint.RIGHT_EAR)


@dataclass(frozen=True)
class BodyFrame:
    """Visible points (sw units, Y up, X to the person's left) and their speeds (sw/s) at time t."""

    t: float
    points: Mapping[str, tuple[float, float]]
    speeds: Mapping[str, float] = field(default_factory=dict)
    shoulder_width_px: float = 0.0

    def has(self, names: list[str] | tuple[str, ...]) -> bool:
        return all(n in self.points for n in names)


def body_points(pose: Pose, min_score: float) -> tuple[dict[str, tuple[float, float]], float] | None:
    """(points in body units, shoulder width in px), or None when a shoulder is missing."""
    got = _body_points(pose, min_score)
    return None if got is None else (got[0], got[1])


def _body_points(
    pose: Pose, min_score: float
) -> tuple[dict[str, tuple[float, float]], float, tuple[float, float]] | None:
    """(points in body units, shoulder width in px, shoulder midpoint in px), or None."""
    coco = pose.to_coco()
    kp, sc = coco.keypoints.astype(np.float64), coco.scores
    ls, rs = kp[CocoJoint.LEFT_SHOULDER], kp[CocoJoint.RIGHT_SHOULDER]
    if sc[CocoJoint.LEFT_SHOULDER] < min_score or sc[CocoJoint.RIGHT_SHOULDER] < min_score:
        return None
    origin = (ls + rs) / 2.0
    sw = float(np.hypot(*(ls - rs)))
    lh, rh = CocoJoint.LEFT_HIP, CocoJoint.RIGHT_HIP
    hips = sc[lh] >= min_score and sc[rh] >= min_score
    if hips:  # a person turned sideways has narrow shoulders; the torso keeps the scale sane
        sw = max(sw, 0.5 * float(np.hypot(*((kp[lh] + kp[rh]) / 2.0 - origin))))
    if sw < 1e-3:
        return None
    # X toward the person's left: left shoulder at X = +0.5 whatever the image's orientation.
    sign = 1.0 if ls[0] >= rs[0] else -1.0

    def to_body(p: np.ndarray) -> tuple[float, float]:
        return float(sign * (p[0] - origin[0]) / sw), float(-(p[1] - origin[1]) / sw)

    pts = {name: to_body(kp[j]) for j, name in enumerate(JOINT_NAMES) if sc[j] >= min_score}
    pts["shoulder_mid"] = (0.0, 0.0)
    if hips:
        pts["hip_mid"] = to_body((kp[lh] + kp[rh]) / 2.0)
    if sc[CocoJoint.NOSE] >= min_score:
        pts["head"] = pts["nose"]
    else:
        seen = [kp[j] for j in _HEAD_FALLBACK if sc[j] >= min_score]
        if seen:
            pts["head"] = to_body(np.mean(seen, axis=0))
    return pts, sw, (float(origin[0]), float(origin[1]))


class FeatureTracker:
    """Pose | None -> BodyFrame | None, adding each point's speed over a short window.

    Speeds never reach across lost tracking: nobody in view, a gap longer than `max_gap_s`, or a
    point missing from a frame restarts that point's (or every point's) history, so a speed is
    always measured between two real sightings less than a window or two apart.
    """

    def __init__(self, min_score: float, speed_window_s: float, max_gap_s: float | None = None) -> None:
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"min_score must be in [0, 1], got {min_score}")
        if speed_window_s <= 0:
            raise ValueError(f"speed_window_s must be > 0, got {speed_window_s}")
        self._min_score = min_score
        self._window = speed_window_s
        self._max_gap_s = max_gap_s
        # (t, body points, shoulder midpoint in px)
        self._history: deque[tuple[float, dict[str, tuple[float, float]], tuple[float, float]]] = deque(maxlen=64)

    def reset(self) -> None:
        self._history.clear()

    def update(self, pose: Pose | None) -> BodyFrame | None:
        if pose is None:  # nobody in view: speeds start again from the next person's frames
            self._history.clear()
            return None
        got = _body_points(pose, self._min_score)
        if got is None:
            self._history.clear()
            return None
        pts, sw, origin = got
        t = pose.t
        while self._history and self._history[-1][0] >= t:  # time went backwards: start again
            self._history.pop()
        if self._history and self._max_gap_s is not None and t - self._history[-1][0] > self._max_gap_s:
            self._history.clear()  # frames were dropped: nothing before the gap counts
        for _, old_pts, _ in self._history:  # a point not seen now starts its history again
            for name in [n for n in old_pts if n not in pts]:
                del old_pts[name]
        speeds = self._speeds(t, pts, origin, sw)
        self._history.append((t, pts, origin))
        while len(self._history) > 1 and t - self._history[1][0] >= self._window * 4:
            self._history.popleft()
        return BodyFrame(t, pts, speeds, sw)

    def _speeds(
        self, t: float, pts: dict[str, tuple[float, float]], origin: tuple[float, float], sw: float
    ) -> dict[str, float]:
        ref = None
        for old in reversed(self._history):  # newest sample at least one window old
            if t - old[0] >= self._window:
                ref = old
                break
        if ref is None and self._history and t - self._history[0][0] >= self._window / 2:
            ref = self._history[0]
        if ref is None:
            return {}
        t_old, old_pts, old_origin = ref
        dt = t - t_old
        out = {
            n: math.hypot(p[0] - old_pts[n][0], p[1] - old_pts[n][1]) / dt
            for n, p in pts.items()
            if n in old_pts and n != "shoulder_mid"
        }
        out["shoulder_mid"] = math.hypot(origin[0] - old_origin[0], origin[1] - old_origin[1]) / sw / dt
        return out
