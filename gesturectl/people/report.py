"""Everyone in a frame as JSON: the people/keypoint schema of `gesturectl pose --json`, with identities.

    {"width": 1049, "height": 861, "layout": "blazepose33",
     "people": [{"score": 0.99, "track_id": 0, "controlling": true,
                 "keypoints": [{"name": "nose", "x": 882.4, "y": 146.1, "score": 0.99}, ...]}, ...]}

The fields of each person are those of the pose service's schema (issue 16's `gesturectl.pose.report`:
`score`, `keypoints`) plus `track_id` (the tracker's id, stable across a video's frames) and
`controlling` (whether this person holds the user lock: only their gestures act).
"""

from __future__ import annotations

from gesturectl.types import Person, Scene, joint_names

REPORT_LAYOUTS = ("native", "coco")


def person_entry(person: Person, controlling: bool, layout: str = "native") -> dict:
    """One person: overall score, named keypoints in pixels, track id and the controlling flag."""
    if layout not in REPORT_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; valid: {', '.join(REPORT_LAYOUTS)}")
    view = person.pose.to_coco() if layout == "coco" else person.pose
    return {
        "score": round(float(view.presence), 4),
        "keypoints": [
            {"name": n, "x": round(float(x), 2), "y": round(float(y), 2), "score": round(float(s), 4)}
            for n, (x, y), s in zip(joint_names(view.layout), view.keypoints, view.scores)
        ],
        "track_id": person.track_id,
        "controlling": controlling,
    }


def scene_report(scene: Scene, controlling: int | None, layout: str = "native", native: str = "blazepose33") -> dict:
    """The JSON-ready report of everyone in one frame (the controlling person flagged).

    Args:
        scene: the tracked scene.
        controlling: track id of the person in control, or None.
        layout: "native" (the model's joints) or "coco" (the 17 COCO keypoints).
        native: the model's layout, stated when nobody is in the scene.
    """
    people = [person_entry(p, controlling is not None and p.track_id == controlling, layout) for p in scene.people]
    if layout == "coco":
        name = "coco17"
    else:
        name = scene.people[0].pose.layout if scene.people else native
    w, h = scene.image_size
    return {"width": int(w), "height": int(h), "layout": name, "people": people}
