"""Everyone in a frame as JSON: the pose service's people/keypoint schema, with identities.

    {"width": 1049, "height": 861, "layout": "blazepose33",
     "people": [{"score": 0.99, "track_id": 0, "controlling": true,
                 "keypoints": [{"name": "nose", "x": 882.4, "y": 146.1, "score": 0.99}, ...]}, ...]}

Each person is `gesturectl.pose.report.person_report` (`score`, `keypoints`) plus `track_id` (the tracker's
id, stable across a video's frames) and `controlling` (whether this person holds the user lock: only their
gestures act).
"""

from __future__ import annotations

from gesturectl.pose.report import person_report, pose_report
from gesturectl.types import Person, Scene


def person_entry(person: Person, controlling: bool, layout: str = "native") -> dict:
    """One person: overall score, named keypoints in pixels, track id and the controlling flag."""
    return {**person_report(person.pose, layout), "track_id": person.track_id, "controlling": controlling}


def scene_report(scene: Scene, controlling: int | None, layout: str = "native", native: str = "blazepose33") -> dict:
    """The JSON-ready report of everyone in one frame (the controlling person flagged).

    Args:
        scene: the tracked scene.
        controlling: track id of the person in control, or None.
        layout: "native" (the model's joints) or "coco" (the 17 COCO keypoints).
        native: the model's layout, stated when nobody is in the scene.
    """
    w, h = scene.image_size
    report = pose_report(w, h, [p.pose for p in scene.people], layout, native)
    report["people"] = [
        person_entry(p, controlling is not None and p.track_id == controlling, layout) for p in scene.people
    ]
    return report
