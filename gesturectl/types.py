"""Core types shared by every stage: frames, poses and named joints.

`Frame` travels from a source to the pose estimator; `Pose` from the estimator onward.
Both are frozen and check their arrays when built. Joints are named: `Landmark` for the
33 BlazePose landmarks, `CocoJoint` for the 17 COCO keypoints; `BLAZEPOSE_TO_COCO` maps the
first onto the second. "Left" is always the person's left, as in both datasets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Landmark(IntEnum):
    """The 33 BlazePose landmarks, in the model's output order."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


class CocoJoint(IntEnum):
    """The 17 COCO keypoints, in the dataset's order."""

    NOSE = 0
    LEFT_EYE = 1
    RIGHT_EYE = 2
    LEFT_EAR = 3
    RIGHT_EAR = 4
    LEFT_SHOULDER = 5
    RIGHT_SHOULDER = 6
    LEFT_ELBOW = 7
    RIGHT_ELBOW = 8
    LEFT_WRIST = 9
    RIGHT_WRIST = 10
    LEFT_HIP = 11
    RIGHT_HIP = 12
    LEFT_KNEE = 13
    RIGHT_KNEE = 14
    LEFT_ANKLE = 15
    RIGHT_ANKLE = 16


#: For each COCO joint (in order), the BlazePose landmark it is read from.
BLAZEPOSE_TO_COCO: tuple[Landmark, ...] = tuple(Landmark[j.name] for j in CocoJoint)

LAYOUTS: dict[str, type[IntEnum]] = {"blazepose33": Landmark, "coco17": CocoJoint}


def joint_names(layout: str) -> list[str]:
    """Lower-case joint names of a layout ("coco17" or "blazepose33")."""
    try:
        return [j.name.lower() for j in LAYOUTS[layout]]
    except KeyError:
        raise ValueError(f"unknown layout {layout!r}; valid: {sorted(LAYOUTS)}") from None


def _frozen_array(a: np.ndarray, dtype: type, shape: tuple[int | None, ...], what: str) -> np.ndarray:
    arr: np.ndarray = np.array(a, dtype=dtype, copy=True)
    ok = arr.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, arr.shape))
    if not ok:
        want = str(tuple("K" if s is None else s for s in shape)).replace("'", "")
        raise ValueError(f"{what}: expected shape {want}, got {arr.shape}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Frame:
    """One image from a source.

    Attributes:
        image: H×W×3 uint8 in BGR order (OpenCV's).
        t: seconds, from `time.monotonic()` for live sources or from the file's timeline.
        index: running frame number within the source.
    """

    image: np.ndarray
    t: float
    index: int = 0

    def __post_init__(self) -> None:
        img = self.image
        if not (isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3):
            got = getattr(img, "shape", type(img).__name__), getattr(img, "dtype", "")
            raise ValueError(f"Frame.image: expected an H×W×3 uint8 BGR array, got {got}")

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])


@dataclass(frozen=True)
class Pose:
    """One person's keypoints in image pixels.

    Attributes:
        keypoints: K×2 float32 (x, y) in pixels of the source image.
        scores: K float32 in [0, 1]: how likely each joint is visible (not occluded, in frame).
        layout: "blazepose33" or "coco17"; fixes K and the joint order.
        image_size: (width, height) of the image the pixels refer to.
        presence: score in [0, 1] that a person is there at all.
        t: time of the frame the pose came from, in seconds.
    """

    keypoints: np.ndarray
    scores: np.ndarray
    layout: str
    image_size: tuple[int, int]
    presence: float = 1.0
    t: float = 0.0

    def __post_init__(self) -> None:
        k = len(joint_names(self.layout))
        object.__setattr__(self, "keypoints", _frozen_array(self.keypoints, np.float32, (k, 2), "Pose.keypoints"))
        object.__setattr__(self, "scores", _frozen_array(self.scores, np.float32, (k,), "Pose.scores"))
        w, h = self.image_size
        if w <= 0 or h <= 0:
            raise ValueError(f"Pose.image_size: expected positive (width, height), got {self.image_size}")

    def xy(self, joint: IntEnum) -> tuple[float, float]:
        """Pixel position of a named joint of this pose's layout."""
        x, y = self.keypoints[self._index(joint)]
        return float(x), float(y)

    def score(self, joint: IntEnum) -> float:
        """Visibility score of a named joint of this pose's layout."""
        return float(self.scores[self._index(joint)])

    def _index(self, joint: IntEnum) -> int:
        if type(joint) is not LAYOUTS[self.layout]:
            raise TypeError(f"{joint!r} is not a joint of layout {self.layout!r}")
        return int(joint)

    def to_coco(self) -> Pose:
        """The COCO-17 view of a BlazePose-33 pose (a COCO pose is returned as is)."""
        if self.layout == "coco17":
            return self
        idx = np.array([int(j) for j in BLAZEPOSE_TO_COCO])
        return Pose(self.keypoints[idx], self.scores[idx], "coco17", self.image_size, self.presence, self.t)

    def to_dict(self) -> dict:
        """JSON-ready dict: joint names, pixel coordinates and scores."""
        names = joint_names(self.layout)
        return {
            "layout": self.layout,
            "image_size": list(self.image_size),
            "presence": round(float(self.presence), 4),
            "keypoints": {
                n: {"x": round(float(x), 2), "y": round(float(y), 2), "score": round(float(s), 4)}
                for n, (x, y), s in zip(names, self.keypoints, self.scores)
            },
        }


@dataclass(frozen=True)
class GestureEvent:
    """A gesture the recognizer saw.

    Attributes:
        gesture: its name in the config (e.g. "zoom_in").
        t: time of the frame on which it completed, in seconds (the pose's clock).
        strength: how far past its threshold the motion went (1.0 = just reached; holds are 1.0).
        repeat: 0 for the first event of a gesture, 1, 2, ... for each repeat while its motion continues.
    """

    gesture: str
    t: float
    strength: float = 1.0
    repeat: int = 0


@dataclass(frozen=True)
class Person:
    """One person in a frame: a pose and, once the tracker has seen them, their track id.

    Attributes:
        pose: the person's keypoints.
        track_id: the tracker's id for this person (stable across frames), None before tracking.
    """

    pose: Pose
    track_id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.pose, Pose):
            raise ValueError(f"Person.pose: expected a Pose, got {type(self.pose).__name__}")
        if self.track_id is not None and (not isinstance(self.track_id, int) or self.track_id < 0):
            raise ValueError(f"Person.track_id: expected a non-negative int or None, got {self.track_id!r}")


@dataclass(frozen=True)
class Scene:
    """Everyone the pose stage sees in one frame.

    Attributes:
        people: the people found (any order; empty when nobody is in view).
        image_size: (width, height) of the image; every pose refers to it.
        t: time of the frame, in seconds.
    """

    people: tuple[Person, ...]
    image_size: tuple[int, int]
    t: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", tuple(self.people))
        w, h = self.image_size
        if w <= 0 or h <= 0:
            raise ValueError(f"Scene.image_size: expected positive (width, height), got {self.image_size}")
        for i, p in enumerate(self.people):
            if not isinstance(p, Person):
                raise ValueError(f"Scene.people[{i}]: expected a Person, got {type(p).__name__}")
            if tuple(p.pose.image_size) != tuple(self.image_size):
                raise ValueError(
                    f"Scene.people[{i}]: pose image_size {p.pose.image_size} differs from the scene's {self.image_size}"
                )
        ids = [p.track_id for p in self.people if p.track_id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError(f"Scene.people: track ids must be unique, got {ids}")

    @classmethod
    def of(cls, pose: Pose | None, image_size: tuple[int, int] | None = None, t: float | None = None) -> Scene:
        """A scene of one pose (or of nobody): what a single-person source or trace gives."""
        if pose is None:
            if image_size is None or t is None:
                raise ValueError("Scene.of(None) needs image_size and t")
            return cls((), image_size, t)
        return cls((Person(pose),), pose.image_size, pose.t if t is None else t)

    def person(self, track_id: int) -> Person | None:
        """The person with this track id, if in the scene."""
        return next((p for p in self.people if p.track_id == track_id), None)
