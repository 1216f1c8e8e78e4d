"""Identities across frames: Scene (no ids) -> Scene (stable track ids).

A small greedy matcher of our own rather than norfair or supervision's ByteTrack: we follow at most
a handful of people, we have whole skeletons rather than boxes (so the similarity is an OKS-like
keypoint match, which tells apart two people whose boxes overlap while they cross), and the stage
must stay pure numpy with no new dependency. Each track predicts its keypoints forward with a
constant velocity (the mean motion of its joints), so two people walking past each other keep their
own ids; a track not matched is kept for `memory_s` (a short occlusion) and then dropped. Pairs are
matched strongest first; with six people at most, greedy and optimal assignment practically agree.

Checked against norfair 2.3.0 (its Kalman-filtered keypoint tracker, mean Euclidean distance, 1 s memory)
on two puppets crossing at 130 and 260 px/s, the far one hidden 0, 0.4 and 0.8 s mid-crossing: both keep
both identities in all six runs, this one at 0.19-0.36 ms per frame against norfair's 0.29-0.48. norfair
would add scipy, rich and filterpy (a source distribution) to the install for no gain here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gesturectl.people.geometry import keypoint_similarity, scale, visible
from gesturectl.types import Person, Pose, Scene

# A detection joins a track only if their keypoint similarity (after prediction) reaches this.
MIN_SIMILARITY = 0.15
# Weight of the newest frame in the velocity estimate (exponential smoothing).
VELOCITY_GAIN = 0.5


@dataclass
class _Track:
    track_id: int
    xy: np.ndarray  # (K, 2) float64, last seen
    ok: np.ndarray  # (K,) bool
    size: float
    t: float
    velocity: np.ndarray  # (2,) px/s
    layout: str

    def predict(self, t: float) -> np.ndarray:
        return self.xy + self.velocity * max(0.0, t - self.t)


class IdentityTracker:
    """Scene -> Scene with a stable `track_id` on every person.

    Args:
        min_score: joints below this score are missing for matching.
        memory_s: how long a person who is not seen keeps their identity.
        max_people: at most this many people (the largest) are followed per frame.
    """

    def __init__(self, min_score: float = 0.5, memory_s: float = 1.0, max_people: int = 16) -> None:
        if memory_s < 0:
            raise ValueError(f"memory_s must be >= 0, got {memory_s}")
        if max_people < 1:
            raise ValueError(f"max_people must be >= 1, got {max_people}")
        self._min_score = min_score
        self._memory_s = memory_s
        self._max_people = max_people
        self._tracks: list[_Track] = []
        self._next_id = 0

    def reset(self) -> None:
        """A new stream: forget every track (ids keep counting up, so an old id never comes back)."""
        self._tracks = []

    @property
    def track_ids(self) -> list[int]:
        """Ids currently remembered (seen now or within the memory)."""
        return [tr.track_id for tr in self._tracks]

    def update(self, scene: Scene) -> Scene:
        t = scene.t
        self._tracks = [tr for tr in self._tracks if t - tr.t <= self._memory_s and tr.t <= t]
        poses = sorted((p.pose for p in scene.people), key=lambda p: -scale(p, self._min_score))
        poses = poses[: self._max_people]
        assigned = self._match(poses, t)
        people = []
        for i, pose in enumerate(poses):
            tr = assigned.get(i)
            if tr is None:
                tr = self._new_track(pose, t)
            else:
                self._observe(tr, pose, t)
            people.append(Person(pose, tr.track_id))
        return Scene(tuple(people), scene.image_size, t)

    def _match(self, poses: list[Pose], t: float) -> dict[int, _Track]:
        pairs = []
        for i, pose in enumerate(poses):
            ok = visible(pose, self._min_score)
            xy = pose.keypoints.astype(np.float64)
            size = scale(pose, self._min_score)
            for tr in self._tracks:
                if tr.layout != pose.layout:
                    continue
                sim = keypoint_similarity(tr.predict(t), tr.ok, xy, ok, max(size, tr.size))
                if sim >= MIN_SIMILARITY:
                    pairs.append((sim, i, tr))
        pairs.sort(key=lambda p: -p[0])
        out: dict[int, _Track] = {}
        taken: set[int] = set()
        for _, i, tr in pairs:
            if i in out or tr.track_id in taken:
                continue
            out[i] = tr
            taken.add(tr.track_id)
        return out

    def _new_track(self, pose: Pose, t: float) -> _Track:
        tr = _Track(
            self._next_id,
            pose.keypoints.astype(np.float64),
            visible(pose, self._min_score),
            scale(pose, self._min_score),
            t,
            np.zeros(2),
            pose.layout,
        )
        self._next_id += 1
        self._tracks.append(tr)
        return tr

    def _observe(self, tr: _Track, pose: Pose, t: float) -> None:
        xy, ok = pose.keypoints.astype(np.float64), visible(pose, self._min_score)
        both = ok & tr.ok
        dt = t - tr.t
        if both.any() and dt > 1e-6:
            v = (xy[both] - tr.xy[both]).mean(0) / dt
            tr.velocity = VELOCITY_GAIN * v + (1.0 - VELOCITY_GAIN) * tr.velocity
        tr.xy, tr.t, tr.size = xy, t, scale(pose, self._min_score)
        tr.ok = ok
