"""The people/keypoint JSON schema, defined once for `gesturectl pose --json` and the pose service.

    {"width": 512, "height": 512, "layout": "blazepose33",
     "people": [{"score": 0.99, "keypoints": [{"name": "nose", "x": 222.4, "y": 128.1, "score": 0.99}, ...]}]}

`people` is a list built from a list of poses, so an estimator that finds several people fills it without a
schema change. Keypoints keep the layout's joint order; `x`/`y` are pixels of the input image (origin top left),
`score` how likely the joint is visible. `layout="coco"` reports the 17 COCO keypoints (`Pose.to_coco()`).
"""

from __future__ import annotations

from collections.abc import Sequence

from gesturectl.pose.settings import LANDMARK_MODELS
from gesturectl.types import Pose, joint_names

#: What drawings and messages say when `people` is empty.
NO_PERSON = "no person found"
#: Layouts a caller may ask for: what the model gives, or the 17 COCO keypoints.
REPORT_LAYOUTS = ("native", "coco")


def model_layout(model: str) -> str:
    """The layout a model setting gives: BlazePose's 33 landmarks, or a heatmap model's 17 COCO keypoints."""
    return "blazepose33" if model in LANDMARK_MODELS else "coco17"


def _view(pose: Pose, layout: str) -> Pose:
    if layout not in REPORT_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; valid: {', '.join(REPORT_LAYOUTS)}")
    return pose.to_coco() if layout == "coco" else pose


def person_report(pose: Pose, layout: str = "native") -> dict:
    """One person: overall score and named keypoints in pixels."""
    view = _view(pose, layout)
    return {
        "score": round(float(view.presence), 4),
        "keypoints": [
            {"name": n, "x": round(float(x), 2), "y": round(float(y), 2), "score": round(float(s), 4)}
            for n, (x, y), s in zip(joint_names(view.layout), view.keypoints, view.scores)
        ],
    }


def report_layout(poses: Sequence[Pose], layout: str, native: str) -> str:
    """The layout name a report states: coco17 for `coco`, else the poses' own (or the model's when empty)."""
    if layout not in REPORT_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; valid: {', '.join(REPORT_LAYOUTS)}")
    if layout == "coco":
        return "coco17"
    return poses[0].layout if poses else native


def pose_report(width: int, height: int, poses: Sequence[Pose], layout: str = "native", native: str = "") -> dict:
    """The JSON-ready report of every person found in one image.

    Args:
        width: image width in pixels.
        height: image height in pixels.
        poses: the people found (empty when nobody is in view).
        layout: "native" (the model's own joints) or "coco" (the 17 COCO keypoints).
        native: the model's layout name, stated when nobody is found (e.g. "blazepose33").
    """
    return {
        "width": int(width),
        "height": int(height),
        "layout": report_layout(poses, layout, native),
        "people": [person_report(p, layout) for p in poses],
    }


_NUMBER = {"type": "number"}
#: JSON Schema of `pose_report`'s output (the service's OpenAPI document shows it).
REPORT_SCHEMA: dict = {
    "type": "object",
    "required": ["width", "height", "layout", "people"],
    "properties": {
        "width": {"type": "integer", "description": "image width in pixels"},
        "height": {"type": "integer", "description": "image height in pixels"},
        "layout": {"type": "string", "enum": ["blazepose33", "coco17"]},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["score", "keypoints"],
                "properties": {
                    "score": {**_NUMBER, "description": "how likely a person is there, 0-1"},
                    "keypoints": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "x", "y", "score"],
                            "properties": {
                                "name": {"type": "string", "example": "left_wrist"},
                                "x": {**_NUMBER, "description": "pixels from the left edge"},
                                "y": {**_NUMBER, "description": "pixels from the top edge"},
                                "score": {**_NUMBER, "description": "how likely the joint is visible, 0-1"},
                            },
                        },
                    },
                },
            },
        },
    },
}
