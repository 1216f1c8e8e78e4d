"""The people/keypoint report shared by `gesturectl pose --json` and the pose service."""

from __future__ import annotations

import pytest

from gesturectl.pose.report import REPORT_SCHEMA, model_layout, pose_report
from tests.conftest import make_pose


def conforms(value, schema: dict) -> bool:
    """A small JSON Schema check (type, required, properties, items, enum): enough for REPORT_SCHEMA."""
    kinds = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float)}
    if not isinstance(value, kinds[schema["type"]]) or value not in schema.get("enum", [value]):
        return False
    if schema["type"] == "object":
        props = schema.get("properties", {})
        return set(schema.get("required", [])) <= set(value) and all(
            conforms(v, props[k]) for k, v in value.items() if k in props
        )
    if schema["type"] == "array":
        return all(conforms(v, schema["items"]) for v in value)
    return True


def test_people_are_listed_with_named_keypoints_in_pixels():
    a = make_pose("blazepose33", size=(640, 480), left_wrist=(100.123, 200.456))
    b = make_pose("blazepose33", size=(640, 480), score=0.25, nose=(5, 6))
    report = pose_report(640, 480, [a, b])
    assert conforms(report, REPORT_SCHEMA)
    assert (report["width"], report["height"], report["layout"]) == (640, 480, "blazepose33")
    assert len(report["people"]) == 2 and len(report["people"][0]["keypoints"]) == 33
    wrist = report["people"][0]["keypoints"][15]
    assert wrist == {"name": "left_wrist", "x": 100.12, "y": 200.46, "score": 1.0}
    assert report["people"][1]["keypoints"][0] == {"name": "nose", "x": 5.0, "y": 6.0, "score": 0.25}


def test_coco_layout_gives_the_seventeen_coco_joints():
    pose = make_pose("blazepose33", left_wrist=(10, 20))
    report = pose_report(640, 480, [pose], "coco")
    kps = report["people"][0]["keypoints"]
    assert report["layout"] == "coco17" and len(kps) == 17 and conforms(report, REPORT_SCHEMA)
    assert kps[9] == {"name": "left_wrist", "x": 10.0, "y": 20.0, "score": 1.0}


def test_nobody_found_states_the_models_layout():
    assert pose_report(320, 240, [], native="blazepose33") == {
        "width": 320,
        "height": 240,
        "layout": "blazepose33",
        "people": [],
    }
    assert pose_report(320, 240, [], "coco", native="blazepose33")["layout"] == "coco17"
    assert model_layout("lite") == "blazepose33" and model_layout("sb50.onnx") == "coco17"


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="valid: native, coco"):
        pose_report(1, 1, [make_pose()], "openpose")
    with pytest.raises(ValueError, match="valid"):
        pose_report(1, 1, [], "openpose")
    assert not conforms({"width": 1, "height": 1, "layout": "coco17"}, REPORT_SCHEMA)  # the check can fail
