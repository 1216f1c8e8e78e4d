"""Builders of synthetic multi-person scenes: puppets rendered at two camera positions, frame by frame."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from gesturectl.synth.puppet import Camera, Move, arm_track, render
from gesturectl.types import Person, Pose, Scene

FPS = 30.0
SIZE = (640, 480)
#: The user near the camera on the left, a bystander further back on the right.
USER_CAM = Camera(SIZE, 110.0, (220.0, 200.0))
BYSTANDER_CAM = Camera(SIZE, 75.0, (470.0, 170.0))


@dataclass(frozen=True)
class Actor:
    """One puppet: a script, a camera (where and how big) and, optionally, when they are in view."""

    script: list[Move]
    cam: Camera
    start: str = "rest"
    moves: Callable[[float], tuple[float, float]] | None = None  # t -> centre (walking)
    visible: Callable[[float], bool] = lambda t: True


def scenes(*actors: Actor, t0: float = 0.0) -> Iterator[Scene]:
    """One Scene per frame with every visible actor's pose (no track ids), until the longest script ends."""
    tracks = [list(arm_track(a.script, FPS, a.start)) for a in actors]
    n = max(len(tr) for tr in tracks)
    for i in range(n):
        t = t0 + i / FPS
        people = []
        for a, tr in zip(actors, tracks):
            arms = tr[min(i, len(tr) - 1)][1]
            if not a.visible(t - t0):
                continue
            cam = a.cam if a.moves is None else replace(a.cam, centre=a.moves(t - t0))
            people.append(Person(render(arms, cam, t)))
        yield Scene(tuple(people), SIZE, t)


def with_joint(pose: Pose, joint: int, xy: tuple[float, float]) -> Pose:
    kp = np.array(pose.keypoints)
    kp[joint] = xy
    return Pose(kp, pose.scores, pose.layout, pose.image_size, pose.presence, pose.t)
