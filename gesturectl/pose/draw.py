"""Drawing keypoints and the skeleton on an image (OpenCV lives here).

Limbs of the person's left side are orange, of the right side blue, the rest (face
midline, shoulders, hips) green. A joint below the score threshold is drawn as a small
hollow grey ring, and a limb is drawn only when both of its joints pass the threshold.
With several people (`draw_scene`) the one in control is drawn in those colours under a
yellow "user" label; everyone else in grey with their track id.
"""

from __future__ import annotations

import cv2
import numpy as np

from gesturectl.pose.roi import Roi
from gesturectl.types import CocoJoint, Landmark, Pose, Scene, joint_names

L, C = Landmark, CocoJoint
#: Limbs of each layout, as pairs of named joints.
SKELETONS: dict[str, tuple[tuple[object, object], ...]] = {
    "blazepose33": (
        (L.NOSE, L.LEFT_EYE_INNER),
        (L.LEFT_EYE_INNER, L.LEFT_EYE),
        (L.LEFT_EYE, L.LEFT_EYE_OUTER),
        (L.LEFT_EYE_OUTER, L.LEFT_EAR),
        (L.NOSE, L.RIGHT_EYE_INNER),
        (L.RIGHT_EYE_INNER, L.RIGHT_EYE),
        (L.RIGHT_EYE, L.RIGHT_EYE_OUTER),
        (L.RIGHT_EYE_OUTER, L.RIGHT_EAR),
        (L.MOUTH_LEFT, L.MOUTH_RIGHT),
        (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        (L.LEFT_SHOULDER, L.LEFT_ELBOW),
        (L.LEFT_ELBOW, L.LEFT_WRIST),
        (L.LEFT_WRIST, L.LEFT_PINKY),
        (L.LEFT_WRIST, L.LEFT_INDEX),
        (L.LEFT_WRIST, L.LEFT_THUMB),
        (L.LEFT_PINKY, L.LEFT_INDEX),
        (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
        (L.RIGHT_ELBOW, L.RIGHT_WRIST),
        (L.RIGHT_WRIST, L.RIGHT_PINKY),
        (L.RIGHT_WRIST, L.RIGHT_INDEX),
        (L.RIGHT_WRIST, L.RIGHT_THUMB),
        (L.RIGHT_PINKY, L.RIGHT_INDEX),
        (L.LEFT_SHOULDER, L.LEFT_HIP),
        (L.RIGHT_SHOULDER, L.RIGHT_HIP),
        (L.LEFT_HIP, L.RIGHT_HIP),
        (L.LEFT_HIP, L.LEFT_KNEE),
        (L.RIGHT_HIP, L.RIGHT_KNEE),
        (L.LEFT_KNEE, L.LEFT_ANKLE),
        (L.RIGHT_KNEE, L.RIGHT_ANKLE),
        (L.LEFT_ANKLE, L.LEFT_HEEL),
        (L.RIGHT_ANKLE, L.RIGHT_HEEL),
        (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
        (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
        (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
        (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    ),
    "coco17": (
        (C.LEFT_ANKLE, C.LEFT_KNEE),
        (C.LEFT_KNEE, C.LEFT_HIP),
        (C.RIGHT_ANKLE, C.RIGHT_KNEE),
        (C.RIGHT_KNEE, C.RIGHT_HIP),
        (C.LEFT_HIP, C.RIGHT_HIP),
        (C.LEFT_SHOULDER, C.LEFT_HIP),
        (C.RIGHT_SHOULDER, C.RIGHT_HIP),
        (C.LEFT_SHOULDER, C.RIGHT_SHOULDER),
        (C.LEFT_SHOULDER, C.LEFT_ELBOW),
        (C.RIGHT_SHOULDER, C.RIGHT_ELBOW),
        (C.LEFT_ELBOW, C.LEFT_WRIST),
        (C.RIGHT_ELBOW, C.RIGHT_WRIST),
        (C.LEFT_EYE, C.RIGHT_EYE),
        (C.NOSE, C.LEFT_EYE),
        (C.NOSE, C.RIGHT_EYE),
        (C.LEFT_EYE, C.LEFT_EAR),
        (C.RIGHT_EYE, C.RIGHT_EAR),
        (C.LEFT_EAR, C.LEFT_SHOULDER),
        (C.RIGHT_EAR, C.RIGHT_SHOULDER),
    ),
}

# BGR colours
SIDE_COLOURS = {"left": (0, 140, 255), "right": (255, 120, 0), "centre": (60, 200, 60)}
LOW_COLOUR = (150, 150, 150)
ROI_COLOUR = (200, 200, 0)
BYSTANDER_COLOUR = (175, 175, 175)
USER_COLOUR = (0, 220, 255)


def side_of(name: str) -> str:
    """'left', 'right' or 'centre' for a joint name (the person's side)."""
    if name.startswith("left") or name.endswith("_left"):
        return "left"
    if name.startswith("right") or name.endswith("_right"):
        return "right"
    return "centre"


def limb_side(a: str, b: str) -> str:
    sa, sb = side_of(a), side_of(b)
    return sa if sa == sb else "centre"


def draw_pose(
    image: np.ndarray, pose: Pose, min_score: float = 0.5, roi: Roi | None = None, muted: bool = False
) -> np.ndarray:
    """Return a copy of a BGR image with the pose drawn on it.

    Args:
        image: H×W×3 uint8 BGR.
        pose: keypoints in the image's pixels.
        min_score: joints below this score are drawn as hollow grey rings and their limbs hidden.
        roi: optionally, the rotated square the landmark model looked at.
        muted: draw it all in grey (a bystander, not the person in control).
    """
    out = image.copy()
    if roi is not None:
        cv2.polylines(out, [np.round(roi.corners()).astype(np.int32)], True, ROI_COLOUR, 1, cv2.LINE_AA)
    _draw_into(out, pose, min_score, muted=muted)
    return out


def draw_scene(image: np.ndarray, scene: Scene, controlling: int | None, min_score: float = 0.5) -> np.ndarray:
    """A copy of a BGR image with everyone drawn: the person in control (track id `controlling`) in
    colour under a "user" label, the others in grey labelled with their track id."""
    out = image.copy()
    people = sorted(scene.people, key=lambda p: p.track_id == controlling and controlling is not None)
    for person in people:  # the user last, on top
        user = controlling is not None and person.track_id == controlling
        _draw_into(out, person.pose, min_score, muted=not user)
        label = ("user " if user else "") + ("" if person.track_id is None else f"#{person.track_id}")
        _label(out, person.pose, min_score, label, USER_COLOUR if user else BYSTANDER_COLOUR)
    return out


def _label(out: np.ndarray, pose: Pose, min_score: float, text: str, colour: tuple[int, int, int]) -> None:
    ok = pose.scores >= min_score
    if not ok.any() or not text:
        return
    pts = pose.keypoints[ok]
    x, y = int(pts[:, 0].min()), int(max(12.0, float(pts[:, 1].min()) - 8))
    scale = max(0.5, out.shape[1] / 1400.0)
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 2, cv2.LINE_AA)


def _draw_into(out: np.ndarray, pose: Pose, min_score: float, muted: bool) -> None:
    scale = max(1.0, max(out.shape[:2]) / 640.0)
    thick, radius = max(1, round(2 * scale)), max(2, round(3 * scale))
    names = joint_names(pose.layout)
    pts = np.round(pose.keypoints).astype(np.int32)
    ok = pose.scores >= min_score
    for a, b in SKELETONS[pose.layout]:
        ia, ib = int(a), int(b)  # type: ignore[call-overload]
        if ok[ia] and ok[ib]:
            colour = BYSTANDER_COLOUR if muted else SIDE_COLOURS[limb_side(names[ia], names[ib])]
            cv2.line(out, tuple(pts[ia]), tuple(pts[ib]), colour, thick, cv2.LINE_AA)
    for i, name in enumerate(names):
        if ok[i]:
            colour = BYSTANDER_COLOUR if muted else SIDE_COLOURS[side_of(name)]
            cv2.circle(out, tuple(pts[i]), radius + 1, colour, -1, cv2.LINE_AA)
            cv2.circle(out, tuple(pts[i]), radius + 1, (255, 255, 255), 1, cv2.LINE_AA)
        else:
            cv2.circle(out, tuple(pts[i]), radius, LOW_COLOUR, 1, cv2.LINE_AA)


def draw_message(image: np.ndarray, text: str) -> np.ndarray:
    """A copy of the image with a short banner (e.g. "no person found")."""
    out = image.copy()
    scale = max(0.5, image.shape[1] / 1000.0)
    cv2.putText(out, text, (10, int(30 * scale) + 5), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.putText(out, text, (10, int(30 * scale) + 5), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)
    return out
