"""Compare multi-person pose candidates on labelled COCO photos: mean OKS, people missed, ms per frame.

    python tools/compare_people.py [--coco ../shared/media/coco] [--movenet models/movenet_multipose.onnx ...]
        [--finder models/movenet_multipose_int8.onnx ...] [--precision auto|float32|int8] [--no-speed]

Candidates: gesturectl's BlazePose models following everyone (`MultiBlazePoseEstimator`, full and lite,
with MoveNet or BlazePose's own detector as the people finder),
the single-person pipeline (finds one person per photo: the baseline), and MoveNet MultiPose converted by
tools/convert_movenet.py when its .onnx is given (not bundled unless chosen); with `--finder`, the
full-model pipeline following everyone once more per MoveNet file given (a quantized copy, for instance)
as its people finder. `--precision` is `pose.precision` (the landmark models'; the default finder's too where an
int8 MoveNet is bundled); `--no-speed` prints accuracy only. Accuracy: each labelled
person (COCO `num_keypoints` > 0) is matched greedily to the prediction with the highest object keypoint
similarity (COCO's sigmas and the annotation's area); a person with no prediction left is missed and counts
as OKS 0 in the mean. Speed: ms per frame on the photos with 1, 2 and 4 labelled people (000000000785,
000000040083, 000000196141): "still" detects afresh on every frame, "video" repeats the photo as 60 frames
of a stream (the BlazePose candidates then follow each person's crop and rerun the detector every recheck_s).
Threads: 1, as the daemon runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.pose.blazepose import BlazePoseEstimator, LandmarkModel
from gesturectl.pose.models import OnnxModel, RuntimeOptions, verified_path
from gesturectl.pose.movenet import MoveNetFinder
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame

SIGMAS = np.array([26, 25, 25, 35, 35, 79, 79, 72, 72, 62, 62, 107, 107, 87, 87, 89, 89]) / 1000.0  # COCO's
SPEED_PHOTOS = {1: "000000000785.jpg", 2: "000000040083.jpg", 4: "000000196141.jpg"}

#: A candidate: (reset, image and t -> list of COCO-17 (17, 2) pixel keypoints).
Runner = tuple[Callable[[], None], Callable[[np.ndarray, float], list[np.ndarray]]]


def oks(pred: np.ndarray, gt: np.ndarray, area: float) -> float:
    """COCO object keypoint similarity of one (17, 2) prediction to one (17, 3) annotation."""
    vis = gt[:, 2] > 0
    if not vis.any():
        return 0.0
    d2 = ((pred - gt[:, :2]) ** 2).sum(1)
    e = d2 / (2.0 * (2.0 * SIGMAS) ** 2 * (area + np.spacing(1)))
    return float(np.exp(-e[vis]).mean())


def match(preds: list[np.ndarray], people: list[tuple[np.ndarray, float]]) -> tuple[list[float], int]:
    """(OKS per labelled person, 0 when missed; predictions left over) after greedy matching."""
    pairs = sorted(((oks(p, g, a), i, k) for i, (g, a) in enumerate(people) for k, p in enumerate(preds)), reverse=True)
    got = [0.0] * len(people)
    used_gt: set[int] = set()
    used_pred: set[int] = set()
    for s, i, k in pairs:
        if i in used_gt or k in used_pred or s <= 0.0:
            continue
        got[i] = s
        used_gt.add(i)
        used_pred.add(k)
    return got, len(preds) - len(used_pred)


def blazepose_multi(
    model: str, finder: str = "movenet", precision: str = "auto", finder_path: Path | None = None
) -> Runner:
    settings = PoseSettings(model=model, max_people=6, people_finder=finder, precision=precision)  # type: ignore[arg-type]
    if finder_path is None:
        est = MultiBlazePoseEstimator.from_settings(settings)
    else:
        movenet_finder = MoveNetFinder(OnnxModel(finder_path, RuntimeOptions(release_after_run=True)))
        landmarks = LandmarkModel(OnnxModel(verified_path(settings.landmark_model_name())))
        est = MultiBlazePoseEstimator(movenet_finder, landmarks, settings)
    return est.reset, lambda img, t: [p.pose.to_coco().keypoints for p in est.estimate_scene(Frame(img, t)).people]


def blazepose_single(model: str, precision: str = "auto") -> Runner:
    est = BlazePoseEstimator.from_settings(PoseSettings(model=model, precision=precision))  # type: ignore[arg-type]

    def run(img: np.ndarray, t: float) -> list[np.ndarray]:
        pose = est.estimate(Frame(img, t))
        return [] if pose is None else [pose.to_coco().keypoints]

    return est.reset, run


def movenet(path: Path, size: int = 256, min_score: float = 0.2) -> Runner:
    """MoveNet MultiPose (TF.js graph model converted to ONNX): int32 RGB [1, H, W, 3], letterboxed to
    `size`; output [1, 6, 56]: per person 17 × (y, x, score) normalized, then a box and the person score."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name

    def run(img: np.ndarray, t: float) -> list[np.ndarray]:
        h, w = img.shape[:2]
        side = max(h, w)
        canvas = np.zeros((side, side, 3), np.uint8)
        canvas[:h, :w] = img[:, :, ::-1]
        x = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_LINEAR)[None].astype(np.int32)
        out = next(iter(sess.run(None, {name: x})))[0]
        people = []
        for row in out:
            if row[55] < min_score:
                continue
            kp = row[:51].reshape(17, 3)
            people.append(np.stack([kp[:, 1] * side, kp[:, 0] * side], 1))
        return people

    return (lambda: None), run


def load_coco(folder: Path) -> dict[str, tuple[np.ndarray, list[tuple[np.ndarray, float]]]]:
    data = json.loads((folder / "test_coco.json").read_text())
    by_id = {im["id"]: im["file_name"] for im in data["images"]}
    out: dict[str, tuple[np.ndarray, list[tuple[np.ndarray, float]]]] = {}
    for name in by_id.values():
        img = cv2.imread(str(folder / name))
        if img is None:
            raise SystemExit(f"cannot read {folder / name}")
        out[name] = (img, [])
    for a in data["annotations"]:
        if a["num_keypoints"] > 0 and not a.get("iscrowd"):
            out[by_id[a["image_id"]]][1].append((np.array(a["keypoints"], np.float64).reshape(17, 3), a["area"]))
    return out


def ms_per_frame(runner: Runner, img: np.ndarray, video: bool, frames: int = 60) -> float:
    reset, run = runner
    reset()
    run(img, 0.0)  # warm-up (and, for a stream, the first detection)
    if video:
        start = time.process_time()
        for i in range(1, frames + 1):
            run(img, i / 30.0)
        return (time.process_time() - start) / frames * 1000.0
    start = time.process_time()
    for _ in range(frames // 4):
        reset()
        run(img, 0.0)
    return (time.process_time() - start) / (frames // 4) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--coco", type=Path, default=ROOT.parent / "shared" / "media" / "coco")
    ap.add_argument("--movenet", type=Path, nargs="*", default=[], help="MoveNet MultiPose .onnx files, run alone")
    ap.add_argument(
        "--finder", type=Path, nargs="*", default=[], help="MoveNet .onnx files as the full pipeline's finder"
    )
    ap.add_argument("--precision", choices=["auto", "float32", "int8"], default="auto", help="pose.precision")
    ap.add_argument("--no-speed", action="store_true", help="accuracy only")
    ap.add_argument("--json", action="store_true", help="print the table as JSON")
    args = ap.parse_args()
    photos = load_coco(args.coco)
    pr = args.precision
    lite_pr = "float32" if pr == "int8" else pr  # no int8 lite landmark model
    candidates: dict[str, Runner] = {
        "blazepose full, everyone, movenet finder (default)": blazepose_multi("full", precision=pr),
        "blazepose lite, everyone, movenet finder": blazepose_multi("lite", precision=lite_pr),
        "blazepose full, everyone, blazepose detector as finder": blazepose_multi("full", "blazepose", pr),
        "blazepose full, single person (baseline)": blazepose_single("full", pr),
    }
    for path in args.finder:
        candidates[f"blazepose full, everyone, finder {path.name}"] = blazepose_multi(
            "full", precision=pr, finder_path=path
        )
    for path in args.movenet:
        candidates[f"movenet multipose 256 ({path.name})"] = movenet(path)
    n_people = sum(len(p) for _, p in photos.values())
    rows = []
    for label, runner in candidates.items():
        scores: list[float] = []
        extra = 0
        for img, people in photos.values():
            runner[0]()
            got, left = match(runner[1](img, 0.0), people)
            scores += got
            extra += left
        row = {
            "candidate": label,
            "mean_oks": round(float(np.mean(scores)), 3),
            "missed": sum(s == 0.0 for s in scores),
            "extra": extra,
        }
        for n, name in () if args.no_speed else SPEED_PHOTOS.items():
            img = photos[name][0]
            row[f"still_ms_{n}"] = round(ms_per_frame(runner, img, video=False), 1)
            row[f"video_ms_{n}"] = round(ms_per_frame(runner, img, video=True), 1)
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{len(photos)} COCO photos, {n_people} labelled people; CPU ms per frame on 1 thread (process time)")
    head = "| candidate | mean OKS | missed | extra | still 1/2/4 people ms | video 1/2/4 people ms |"
    print(head)
    print("|---|---|---|---|---|---|")
    for r in rows:
        still = " / ".join(str(r.get(f"still_ms_{n}", "-")) for n in SPEED_PHOTOS)
        video = " / ".join(str(r.get(f"video_ms_{n}", "-")) for n in SPEED_PHOTOS)
        print(f"| {r['candidate']} | {r['mean_oks']} | {r['missed']}/{n_people} | {r['extra']} | {still} | {video} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
