"""A scripted stick-figure performer: poses over time from named postures, as a webcam would see them.

Used for the bundled demo source (the daemon's default input on a machine without a camera),
the README's gesture pictures and the recognizer's tests. A script is a list of `Move`s, each
easing the arms from the current posture to a named one over `seconds`, optionally with a small
oscillation on top (claps, waves, scratching). Positions are in the body frame of
`gestures/features.py` (shoulder widths, y up, x toward the person's left) and rendered into
pixels with a chosen shoulder width and position; noise and dropped frames are optional.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gesturectl.types import CocoJoint, Pose

J = CocoJoint

#: Fixed joints of the figure (body frame, shoulder widths).
BODY: dict[CocoJoint, tuple[float, float]] = {
    J.NOSE: (0.0, 0.62),
    J.LEFT_EYE: (0.09, 0.72),
    J.RIGHT_EYE: (-0.09, 0.72),
    J.LEFT_EAR: (0.22, 0.66),
    J.RIGHT_EAR: (-0.22, 0.66),
    J.LEFT_SHOULDER: (0.5, 0.0),
    J.RIGHT_SHOULDER: (-0.5, 0.0),
    J.LEFT_HIP: (0.33, -1.45),
    J.RIGHT_HIP: (-0.33, -1.45),
    J.LEFT_KNEE: (0.35, -2.6),
    J.RIGHT_KNEE: (-0.35, -2.6),
    J.LEFT_ANKLE: (0.35, -3.7),
    J.RIGHT_ANKLE: (-0.35, -3.7),
}

ARMS = (J.LEFT_ELBOW, J.LEFT_WRIST, J.RIGHT_ELBOW, J.RIGHT_WRIST)


def _arms(le, lw, re, rw) -> np.ndarray:
    return np.array([le, lw, re, rw], np.float64)


#: Named arm postures: (left elbow, left wrist, right elbow, right wrist).
POSTURES: dict[str, np.ndarray] = {
    "rest": _arms((0.62, -0.85), (0.66, -1.6), (-0.62, -0.85), (-0.66, -1.6)),
    "desk": _arms((0.7, -0.95), (0.3, -1.45), (-0.7, -0.95), (-0.3, -1.45)),
    "hands_together": _arms((0.75, -0.9), (0.07, -0.45), (-0.75, -0.9), (-0.07, -0.45)),
    "hands_mid": _arms((0.85, -0.85), (0.5, -0.45), (-0.85, -0.85), (-0.5, -0.45)),
    "hands_shoulder_wide": _arms((0.95, -0.8), (1.0, -0.4), (-0.95, -0.8), (-1.0, -0.4)),
    "hands_open": _arms((0.9, -0.85), (0.85, -0.4), (-0.9, -0.85), (-0.85, -0.4)),
    "hands_apart": _arms((1.0, -0.75), (1.25, -0.35), (-1.0, -0.75), (-1.25, -0.35)),
    "hands_wide": _arms((1.0, -0.75), (1.35, -0.35), (-1.0, -0.75), (-1.35, -0.35)),
    "hands_by_face": _arms((0.8, -0.25), (0.5, 0.5), (-0.8, -0.25), (-0.5, 0.5)),
    "hands_at_face": _arms((0.55, -0.2), (0.08, 0.5), (-0.55, -0.2), (-0.08, 0.5)),
    "hands_wide_at_face": _arms((1.0, 0.1), (1.4, 0.55), (-1.0, 0.1), (-1.4, 0.55)),
    "left_hand_up": _arms((0.75, 0.75), (0.7, 1.75), (-0.62, -0.85), (-0.66, -1.6)),
    "right_hand_up": _arms((0.62, -0.85), (0.66, -1.6), (-0.75, 0.75), (-0.7, 1.75)),
    "x_chest": _arms((0.65, -0.95), (-0.25, -0.2), (-0.65, -0.95), (0.25, -0.2)),
    "hands_crossed": _arms((0.75, -0.9), (-0.5, -0.45), (-0.75, -0.9), (0.5, -0.45)),  # swept past each other
    "folded_arms": _arms((0.6, -0.95), (-0.35, -0.8), (-0.6, -0.95), (0.35, -0.8)),
    "x_above_head": _arms((0.7, 0.8), (-0.15, 1.6), (-0.7, 0.8), (0.15, 1.6)),
    "both_up": _arms((0.7, 0.8), (0.55, 1.8), (-0.7, 0.8), (-0.55, 1.8)),
    "hand_on_head": _arms((0.8, 0.45), (0.2, 0.95), (-0.62, -0.85), (-0.66, -1.6)),
    "hand_at_mouth": _arms((0.55, -0.6), (0.08, 0.45), (-0.62, -0.85), (-0.66, -1.6)),
    "wave_up": _arms((0.9, 0.2), (1.0, 1.05), (-0.62, -0.85), (-0.66, -1.6)),
}


@dataclass(frozen=True)
class Move:
    """Ease to `posture` over `seconds`; then optionally wiggle one point.

    Attributes:
        posture: a name in POSTURES.
        seconds: duration of this move (the last posture is held when seconds exceed the easing).
        ease_s: how long the easing takes (default: all of `seconds`).
        wiggle: ((arm index 0..3 or -1 for both wrists apart/together), amplitude sw, frequency Hz, axis 0=x 1=y).
    """

    posture: str
    seconds: float
    ease_s: float | None = None
    wiggle: tuple[int, float, float, int] | None = None

    def __post_init__(self) -> None:
        if self.posture not in POSTURES:
            raise ValueError(f"unknown posture {self.posture!r}; valid: {sorted(POSTURES)}")
        if self.seconds <= 0:
            raise ValueError(f"seconds must be > 0, got {self.seconds}")


@dataclass(frozen=True)
class Camera:
    """How the figure appears: shoulder width and shoulder-midpoint position in pixels."""

    image_size: tuple[int, int] = (640, 480)
    shoulder_px: float = 110.0
    centre: tuple[float, float] = (320.0, 200.0)
    mirrored: bool = False


def _smoothstep(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def arm_track(script: list[Move], fps: float, start: str = "rest") -> Iterator[tuple[float, np.ndarray]]:
    """(t, 4×2 arm points) at `fps` for a script, starting from posture `start`."""
    cur = POSTURES[start].copy()
    t0 = 0.0
    dt = 1.0 / fps
    n_done = 0
    for mv in script:
        target = POSTURES[mv.posture]
        ease = mv.ease_s if mv.ease_s is not None else mv.seconds
        n_end = round((t0 + mv.seconds) * fps)
        while n_done < n_end:
            t = n_done * dt
            u = _smoothstep((t - t0) / ease) if ease > 0 else 1.0
            arms = cur + (target - cur) * u
            if mv.wiggle is not None:
                arms = _wiggle(arms, mv.wiggle, t - t0)
            yield t, arms
            n_done += 1
        cur = target.copy()
        t0 += mv.seconds


def _wiggle(arms: np.ndarray, wiggle: tuple[int, float, float, int], t: float) -> np.ndarray:
    idx, amp, hz, axis = wiggle
    out = arms.copy()
    s = amp * math.sin(2 * math.pi * hz * t)
    if idx == -1:  # both wrists toward/away from each other (claps)
        out[1, 0] += s
        out[3, 0] -= s
        out[0, 0] += s / 2
        out[2, 0] -= s / 2
    else:
        out[idx, axis] += s
        if idx in (1, 3):
            out[idx - 1, axis] += s / 3
    return out


def render(
    arms: np.ndarray,
    cam: Camera,
    t: float,
    rng: np.random.Generator | None = None,
    noise_px: float = 0.0,
    score: float = 0.95,
) -> Pose:
    """The COCO-17 pose of the figure with these arm points, in pixels."""
    body = np.zeros((len(J), 2), np.float64)
    for j, xy in BODY.items():
        body[j] = xy
    for j, xy in zip(ARMS, arms):
        body[j] = xy
    sx = -1.0 if cam.mirrored else 1.0
    px = np.stack([cam.centre[0] + sx * body[:, 0] * cam.shoulder_px, cam.centre[1] - body[:, 1] * cam.shoulder_px], 1)
    if rng is not None and noise_px > 0:
        px = px + rng.normal(0.0, noise_px, px.shape)
    w, h = cam.image_size
    scores = np.where((px[:, 0] >= 0) & (px[:, 0] < w) & (px[:, 1] >= 0) & (px[:, 1] < h), score, 0.05)
    return Pose(px, scores, "coco17", cam.image_size, 1.0, t)


def perform(
    script: list[Move],
    fps: float = 30.0,
    cam: Camera = Camera(),
    seed: int | None = None,
    noise_px: float = 0.0,
    drop: float = 0.0,
    jitter_s: float = 0.0,
    start: str = "rest",
) -> Iterator[tuple[float, Pose | None]]:
    """(t, pose) for a script: optional pixel noise, dropped frames (left out of the stream, as a
    camera that skipped them) and timing jitter."""
    rng = np.random.default_rng(seed)
    for t, arms in arm_track(script, fps, start):
        tj = t + (rng.uniform(-jitter_s, jitter_s) if jitter_s > 0 else 0.0)
        if drop > 0 and rng.random() < drop:
            continue
        yield tj, render(arms, cam, tj, rng, noise_px)


#: zoom_in twice, then zoom_out once, returning the hands in between (the browser demo and test).
DEMO_ZOOM_SCRIPT: list[Move] = [
    Move("rest", 1.0),
    Move("hands_together", 1.0),
    Move("hands_together", 0.5),
    Move("hands_apart", 0.5),
    Move("hands_apart", 0.4),
    Move("rest", 1.0),
    Move("hands_together", 1.0),
    Move("hands_together", 0.5),
    Move("hands_apart", 0.5),
    Move("hands_apart", 1.2),
    Move("hands_together", 0.5),
    Move("hands_together", 0.6),
    Move("rest", 1.0),
]

#: One clean performance of each default gesture (tests, README pictures, the bundled demo).
GESTURE_SCRIPTS: dict[str, list[Move]] = {
    "zoom_in": [
        Move("rest", 1),
        Move("hands_together", 1),
        Move("hands_together", 0.5),
        Move("hands_apart", 0.5),
        Move("hands_apart", 0.5),
        Move("rest", 1),
    ],
    "zoom_out": [
        Move("rest", 1),
        Move("hands_apart", 1),
        Move("hands_apart", 0.5),
        Move("hands_together", 0.5),
        Move("hands_together", 0.5),
        Move("rest", 1),
    ],
    "open_app": [Move("rest", 1), Move("left_hand_up", 1), Move("left_hand_up", 1.2), Move("rest", 1)],
    "close_app": [Move("rest", 1), Move("x_chest", 1), Move("x_chest", 1.0), Move("rest", 1)],
    "pause": [Move("rest", 1), Move("x_above_head", 1), Move("x_above_head", 1.4), Move("rest", 1)],
}

#: The bundled demo: every default gesture in turn, with a zoom while paused (which must not act).
DEMO_SCRIPT: list[Move] = [
    *DEMO_ZOOM_SCRIPT,
    Move("left_hand_up", 1.0),
    Move("left_hand_up", 1.2),
    Move("rest", 1.0),
    Move("x_chest", 1.0),
    Move("x_chest", 1.0),
    Move("rest", 1.0),
    Move("x_above_head", 1.0),
    Move("x_above_head", 1.4),
    Move("rest", 1.0),
    *GESTURE_SCRIPTS["zoom_in"][1:],
    Move("x_above_head", 1.0),
    Move("x_above_head", 1.4),
    Move("rest", 1.0),
]

#: Everyday movements that must never fire a gesture (tests, and the bundled negatives of `gesturectl teach`).
EVERYDAY_SCRIPTS: dict[str, list[Move]] = {
    "clap": [
        Move("rest", 1),
        Move("hands_mid", 0.6),
        Move("hands_mid", 3, ease_s=0, wiggle=(-1, 0.45, 2.5, 0)),
        Move("rest", 1),
    ],
    "wave": [
        Move("rest", 1),
        Move("wave_up", 0.6),
        Move("wave_up", 3, ease_s=0, wiggle=(1, 0.35, 2, 0)),
        Move("rest", 1),
    ],
    "scratch_head": [
        Move("rest", 1),
        Move("hand_on_head", 0.8),
        Move("hand_on_head", 2, ease_s=0, wiggle=(1, 0.08, 3, 0)),
        Move("rest", 1),
    ],
    "drink": [Move("rest", 1), Move("hand_at_mouth", 1), Move("hand_at_mouth", 1.5), Move("rest", 1)],
    "typing": [
        Move("desk", 1),
        Move("desk", 4, ease_s=0, wiggle=(1, 0.1, 4, 0)),
        Move("desk", 2, ease_s=0, wiggle=(3, 0.1, 5, 1)),
    ],
    "stretch": [Move("rest", 1), Move("both_up", 1.2), Move("both_up", 2), Move("rest", 1.2)],
    "folded_arms": [Move("rest", 1), Move("folded_arms", 1), Move("folded_arms", 4), Move("rest", 1)],
}
