"""Accuracy on human-annotated COCO keypoints: PCK@0.2 of torso size, ours vs MediaPipe.

    python tools/eval_coco_pck.py [../shared/media/coco]

Each labelled person is run on its own crop: the annotated box grown by 25% on every side
(clipped to the image), so that the single-person pipelines see the person the label is
about. A predicted COCO keypoint is correct when it lies within 0.2 × torso size of the
label; torso size is the mean of the two shoulder-to-opposite-hip distances (people without
both diagonals labelled use the box diagonal / 3 instead, and are counted). Only labelled
keypoints (v > 0) count; a person the pipeline misses counts all its keypoints wrong.
MediaPipe's Pose solution (static_image_mode=True) is measured on the same crops when
mediapipe is installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import BLAZEPOSE_TO_COCO, CocoJoint, Frame

C = CocoJoint


def torso_size(kps: np.ndarray, vis: np.ndarray, box: list[float]) -> float:
    pairs = [(C.LEFT_SHOULDER, C.RIGHT_HIP), (C.RIGHT_SHOULDER, C.LEFT_HIP)]
    d = [np.linalg.norm(kps[a] - kps[b]) for a, b in pairs if vis[a] and vis[b]]
    return float(np.mean(d)) if len(d) == 2 else float(np.hypot(box[2], box[3]) / 3)


def crops(coco_dir: Path):
    data = json.loads((coco_dir / "test_coco.json").read_text())
    files = {im["id"]: im["file_name"] for im in data["images"]}
    for ann in data["annotations"]:
        if ann.get("num_keypoints", 0) == 0:
            continue
        img = cv2.imread(str(coco_dir / files[ann["image_id"]]))
        x, y, w, h = ann["bbox"]
        x0, y0 = max(0, int(x - 0.25 * w)), max(0, int(y - 0.25 * h))
        x1, y1 = min(img.shape[1], int(x + 1.25 * w)), min(img.shape[0], int(y + 1.25 * h))
        kps = np.array(ann["keypoints"], np.float32).reshape(17, 3)
        yield img[y0:y1, x0:x1].copy(), kps[:, :2] - [x0, y0], kps[:, 2] > 0, ann["bbox"]


def ours(model: str):
    est = BlazePoseEstimator.from_settings(PoseSettings(model=model, track=False, precision="float32"))

    def run(crop: np.ndarray) -> np.ndarray | None:
        est.reset()
        pose = est.estimate(Frame(crop, 0.0))
        return None if pose is None else pose.to_coco().keypoints

    return run


def mediapipe(complexity: int):
    import mediapipe as mp

    pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=complexity)
    idx = [int(j) for j in BLAZEPOSE_TO_COCO]

    def run(crop: np.ndarray) -> np.ndarray | None:
        res = pose.process(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB))
        if res.pose_landmarks is None:
            return None
        h, w = crop.shape[:2]
        lm = res.pose_landmarks.landmark
        return np.array([[lm[i].x * w, lm[i].y * h] for i in idx], np.float32)

    return run


def evaluate(run, people) -> tuple[float, int, int]:
    correct = total = missed = 0
    for crop, kps, vis, box in people:
        pred = run(crop)
        n = int(vis.sum())
        total += n
        if pred is None:
            missed += 1
            continue
        thr = 0.2 * torso_size(kps, vis, box)
        correct += int((np.linalg.norm(pred - kps, axis=1)[vis] <= thr).sum())
    return correct / max(total, 1), total, missed


def main() -> int:
    coco_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/media/coco"
    if not (coco_dir / "test_coco.json").is_file():
        print(f"{coco_dir}/test_coco.json not found")
        return 1
    people = list(crops(coco_dir))
    print(f"{len(people)} labelled people in {coco_dir}")
    runners = {"gesturectl lite": ours("lite"), "gesturectl full": ours("full")}
    try:
        runners["mediapipe lite"] = mediapipe(0)
        runners["mediapipe full"] = mediapipe(1)
    except ImportError:
        print("mediapipe not installed: measuring gesturectl only")
    for name, run in runners.items():
        pck, total, missed = evaluate(run, people)
        print(f"{name:16s} PCK@0.2 torso = {pck * 100:5.1f}%  ({total} labelled keypoints, {missed} people missed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
