#!/usr/bin/env python3
"""How much do BlazePose landmarks move when the input moves by half a pixel? (the issue-2 parity question)

For each photo and model in tests/golden/mediapipe_pose.json it prints:
  - ours end to end against MediaPipe's landmarks (worst visible landmark, % of the image diagonal);
  - ours on MediaPipe's own ROI moved by at most 0.5 px (centre and side): worst change;
  - with mediapipe 0.10.14 installed (dev only): MediaPipe's own landmarks when the image is shifted by
    at most 0.5 px: worst change. That is MediaPipe's agreement with itself, the ceiling for any parity.

    python tools/parity_sensitivity.py          (run it in an environment with mediapipe for the last column)
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import cv2
import numpy as np

from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.roi import Roi
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "mediapipe_pose.json").read_text())
SHIFTS = ((0.5, 0.0), (0.0, 0.5), (-0.5, 0.0), (0.0, -0.5), (0.5, 0.5))


def load(image_id: str) -> np.ndarray | None:
    kind, name = image_id.split(":", 1)
    if kind == "skimage":
        import skimage.data

        rgb = getattr(skimage.data, name)()
        return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR if rgb.ndim == 2 else cv2.COLOR_RGB2BGR)
    p = ROOT.parent / "shared" / name
    return cv2.imread(str(p)) if p.exists() else None


def ours(model: str, image: np.ndarray, ref: dict, diag: float) -> tuple[float, float]:
    est = BlazePoseEstimator.from_settings(PoseSettings(model=model, track=False, precision="float32"))
    lms = np.array(ref["landmarks"])
    vis = lms[:, 2] > 0.5
    pose = est.estimate(Frame(image, 0.0))
    e2e = float((np.linalg.norm(pose.keypoints - lms[:, :2], axis=1) / diag)[vis].max())
    mx, my, ms, mr = ref["roi"]
    base = est._landmarks(image, Roi(mx, my, ms, mr)).xy[:33]
    worst = 0.0
    for dx, dy, ds in itertools.product((-0.5, 0.0, 0.5), repeat=3):
        xy = est._landmarks(image, Roi(mx + dx, my + dy, ms + ds, mr)).xy[:33]
        worst = max(worst, float((np.linalg.norm(xy - base, axis=1) / diag)[vis].max()))
    return e2e, worst


def mediapipe_self(model: str, image: np.ndarray, diag: float) -> float | None:
    try:
        import mediapipe as mp
    except ImportError:
        return None
    h, w = image.shape[:2]
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity={"lite": 0, "full": 1}[model]) as pose:

        def run(img):
            r = pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            return (
                None
                if r.pose_landmarks is None
                else np.array([[p.x * w, p.y * h, p.visibility] for p in r.pose_landmarks.landmark])
            )

        base = run(image)
        vis = base[:, 2] > 0.5
        worst = 0.0
        for dx, dy in SHIFTS:
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            out = run(cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
            if out is not None:
                d = np.linalg.norm(out[:, :2] - np.array([dx, dy]) - base[:, :2], axis=1) / diag
                worst = max(worst, float(d[vis].max()))
        return worst


def main() -> None:
    print(f"{'model':5s} {'photo':38s} {'ours vs MP':>11s} {'ours, ROI ±0.5px':>17s} {'MP vs MP shifted ±0.5px':>24s}")
    for model in ("lite", "full"):
        for image_id, entry in GOLDEN["images"].items():
            ref = entry[model]
            image = load(image_id)
            if ref is None or image is None:
                continue
            diag = float(np.hypot(*entry["image_size"]))
            e2e, roi_worst = ours(model, image, ref, diag)
            mp_worst = mediapipe_self(model, image, diag)
            mp_txt = "n/a (no mediapipe)" if mp_worst is None else f"{mp_worst * 100:.2f}%"
            print(f"{model:5s} {image_id:38s} {e2e * 100:10.2f}% {roi_worst * 100:16.2f}% {mp_txt:>24s}")


if __name__ == "__main__":
    main()
