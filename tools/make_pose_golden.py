"""Dev-time: record MediaPipe's own Pose results as golden JSON for the parity test.

Needs mediapipe==0.10.14 (dev only; for the lite model copy `pose_landmark_lite.tflite`
from npm @mediapipe/pose into the wheel's mediapipe/modules/pose_landmark/ first).

    python tools/make_pose_golden.py tests/golden/mediapipe_pose.json

Each image is run through MediaPipe's own CPU pose graph with the side inputs of
`Pose(static_image_mode=True)` (detector on every image, no smoothing) for model_complexity
0 (lite) and 1 (full); the landmarks are stored in pixels with MediaPipe's visibility, and
the ROI MediaPipe derived from its detection (centre x, y and side in pixels, rotation in
radians), so that the test can check the landmark stage on the very same ROI. The test
then needs no mediapipe.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def images() -> list[tuple[str, np.ndarray]]:
    """(id, BGR image) for the bundled scikit-image photos and the shared photos, if present."""
    import skimage.data

    out = [
        ("skimage:astronaut", cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)),
        ("skimage:camera", cv2.cvtColor(skimage.data.camera(), cv2.COLOR_GRAY2BGR)),
    ]
    for p in sorted((SHARED / "media" / "images").glob("*.jpg")):
        out.append((f"shared:media/images/{p.name}", cv2.imread(str(p))))
    return out


def run_mediapipe(image_bgr: np.ndarray, complexity: int) -> dict | None:
    """MediaPipe's Pose graph as `mp.solutions.pose.Pose(static_image_mode=True)` runs it,
    also asked for the ROI it derived from the detection (same landmarks, checked)."""
    from mediapipe.python.solution_base import SolutionBase

    graph = SolutionBase(
        binary_graph_path="mediapipe/modules/pose_landmark/pose_landmark_cpu.binarypb",
        side_inputs={
            "model_complexity": complexity,
            "smooth_landmarks": False,
            "enable_segmentation": False,
            "smooth_segmentation": False,
            "use_prev_landmarks": False,
        },
        outputs=["pose_landmarks", "pose_rect_from_detection"],
    )
    try:
        res = graph.process({"image": cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)})
    finally:
        graph.close()
    if res.pose_landmarks is None:
        return None
    h, w = image_bgr.shape[:2]
    roi = res.pose_rect_from_detection
    return {
        "roi": [roi.x_center * w, roi.y_center * h, roi.width * w, roi.rotation],
        "landmarks": [
            [round(lm.x * w, 3), round(lm.y * h, 3), round(lm.visibility, 4)] for lm in res.pose_landmarks.landmark
        ],
    }


def main() -> int:
    import mediapipe

    out_path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "golden" / "mediapipe_pose.json"
    result: dict = {
        "generator": f"tools/make_pose_golden.py with mediapipe {mediapipe.__version__}, static_image_mode=True",
        "layout": "blazepose33",
        "images": {},
    }
    for image_id, img in images():
        h, w = img.shape[:2]
        entry = {"image_size": [w, h]}
        for name, complexity in (("lite", 0), ("full", 1)):
            entry[name] = run_mediapipe(img, complexity)
        result["images"][image_id] = entry
        found = {k: (v is not None) for k, v in entry.items() if k != "image_size"}
        print(f"{image_id}: {w}x{h} person found: {found}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
