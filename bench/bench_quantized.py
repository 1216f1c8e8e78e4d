#!/usr/bin/env python3
"""Benchmark: int8 BlazePose (tools/quantize_blazepose.py) against the float models, same run.

    python bench/bench_quantized.py [--int8 DIR] [--repeats 5] [--models lite full]

Int8 models are read from `--int8` (files `<name>_int8.onnx`, e.g. `models`) or, without it, quantized into a
temporary folder first with tools/quantize_blazepose.py's default recipe. For each landmark model, three variants are compared: float, int8 landmark model, int8 landmark
model and int8 detector.

- Speed: CPU per frame (process time, one intra-op thread), float and int8 alternating in one process, the
  median of `--repeats` passes each; the ratio is what counts on a shared, noisy machine. "model" runs the
  landmark model alone on the crops the float pipeline cut from `media/video/arms_overhead.mp4`; "pipeline" is
  `BlazePoseEstimator` in tracking mode over that video (decoded once, in memory).
- Accuracy: mean OKS on the labelled COCO photos (`media/coco`, never used for calibration) with the
  single-person pipeline and with the everyone pipeline (MoveNet finder), as tools/compare_people.py scores.
- Deviation from float, in image pixels over the 33 body landmarks: the same crops through both landmark
  models (video crops, which were also calibration inputs, and the held-out COCO crops), and the whole tracked
  pipeline over the video (each variant following its own ROIs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from compare_people import load_coco, match
from quantize_blazepose import VIDEO, Recipe, calibration_inputs, quantize, video_frames

from gesturectl.pose.blazepose import BlazePoseEstimator, LandmarkModel, PersonDetector
from gesturectl.pose.landmarks import NUM_BODY_LANDMARKS, RawLandmarks
from gesturectl.pose.models import OnnxModel, verified_path
from gesturectl.pose.movenet import MoveNetFinder
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.roi import Roi
from gesturectl.pose.settings import PoseSettings
from gesturectl.types import Frame, Pose

SHARED = Path(os.environ.get("GESTURECTL_SHARED") or ROOT.parent / "shared")
DETECTOR = "pose_detection"
#: variant label -> (landmark model int8?, detector int8?)
VARIANTS = {"float": (False, False), "int8 landmarks": (True, False), "int8 landmarks+detector": (True, True)}


class RoiRecorder(LandmarkModel):
    """The landmark stage, keeping (image, ROI) of every crop it runs on."""

    def __init__(self, model: OnnxModel) -> None:
        super().__init__(model)
        self.crops: list[tuple[np.ndarray, Roi]] = []

    def __call__(self, image_bgr: np.ndarray, roi: Roi) -> RawLandmarks:
        self.crops.append((image_bgr, roi))
        return super().__call__(image_bgr, roi)


class Models:
    """Float and int8 sessions of one landmark model and the detector, built once."""

    def __init__(self, landmark: str, int8_dir: Path) -> None:
        name = f"pose_landmark_{landmark}"
        self.landmark = landmark
        self.lm = {False: OnnxModel(verified_path(name)), True: OnnxModel(int8_dir / f"{name}_int8.onnx")}
        self.det = {False: OnnxModel(verified_path(DETECTOR))}
        if (int8_dir / f"{DETECTOR}_int8.onnx").is_file():  # not bundled: only when quantized for this bench
            self.det[True] = OnnxModel(int8_dir / f"{DETECTOR}_int8.onnx")
        self.variants = [v for v, (_, q_det) in VARIANTS.items() if q_det in self.det]
        self.settings = PoseSettings(model=landmark, max_people=6, precision="float32")

    def single(self, variant: str, stage: LandmarkModel | None = None) -> BlazePoseEstimator:
        """The tracking pipeline of a variant (`stage` replaces its landmark stage)."""
        q_lm, q_det = VARIANTS[variant]
        s = self.settings
        det = PersonDetector(self.det[q_det], s.min_detection_score, s.nms_iou)
        return BlazePoseEstimator(det, stage or LandmarkModel(self.lm[q_lm]), s)

    def everyone(self, variant: str) -> MultiBlazePoseEstimator:
        finder = MoveNetFinder(OnnxModel(verified_path("movenet_multipose")))
        return MultiBlazePoseEstimator(finder, LandmarkModel(self.lm[VARIANTS[variant][0]]), self.settings)


def alternate(runs: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """Median over `repeats` of each run's ms per frame, the runs interleaved within every repeat."""
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeats):
        for k, run in runs.items():
            times[k].append(run())
    return {k: statistics.median(v) for k, v in times.items()}


def model_ms(model: OnnxModel, crops: list[np.ndarray]) -> Callable[[], float]:
    def run() -> float:
        start = time.process_time()
        for x in crops:
            model(x)
        return (time.process_time() - start) / len(crops) * 1000.0

    return run


def pipeline_ms(est: BlazePoseEstimator, frames: list[np.ndarray], poses: list[Pose | None]) -> Callable[[], float]:
    def run() -> float:
        est.reset()
        poses.clear()
        start = time.process_time()
        for i, img in enumerate(frames):
            poses.append(est.estimate(Frame(img, i / 30.0)))
        return (time.process_time() - start) / len(frames) * 1000.0

    return run


def mean_oks(estimate: Callable[[np.ndarray], list[np.ndarray]], photos: dict) -> tuple[float, int]:
    scores: list[float] = []
    for img, people in photos.values():
        scores += match(estimate(img), people)[0]
    return float(np.mean(scores)), sum(s == 0.0 for s in scores)


def oks_single(est: BlazePoseEstimator) -> Callable[[np.ndarray], list[np.ndarray]]:
    def run(img: np.ndarray) -> list[np.ndarray]:
        est.reset()
        pose = est.estimate(Frame(img, 0.0))
        return [] if pose is None else [pose.to_coco().keypoints]

    return run


def oks_everyone(est: MultiBlazePoseEstimator) -> Callable[[np.ndarray], list[np.ndarray]]:
    def run(img: np.ndarray) -> list[np.ndarray]:
        est.reset()
        return [p.pose.to_coco().keypoints for p in est.estimate_scene(Frame(img, 0.0)).people]

    return run


def crop_deviation(models: Models, crops: list[tuple[np.ndarray, Roi]]) -> str:
    """Body-landmark distance (px) and pose-score difference between float and int8 on the same crops."""
    ref, q = LandmarkModel(models.lm[False]), LandmarkModel(models.lm[True])
    d, ds = [], []
    for img, roi in crops:
        a, b = ref(img, roi), q(img, roi)
        d.append(np.linalg.norm(a.xy[:NUM_BODY_LANDMARKS] - b.xy[:NUM_BODY_LANDMARKS], axis=1))
        ds.append(abs(a.pose_score - b.pose_score))
    return summary(np.concatenate(d)) + f" | {max(ds):.3f}"


def summary(d: np.ndarray) -> str:
    return f"{d.mean():.2f} / {np.percentile(d, 95):.2f} / {d.max():.1f}"


def pose_deviation(ref: list[Pose | None], other: list[Pose | None], far_px: float = 10.0) -> str:
    """Over the joints float sees (score > 0.5): px mean / p95 / max | frames with one > far_px | frames
    where only one of the two found the person."""
    both = [(a, b) for a, b in zip(ref, other) if a is not None and b is not None]
    lost = sum((a is None) != (b is None) for a, b in zip(ref, other))
    if not both:
        return "no common frames"
    d = [np.linalg.norm(a.keypoints - b.keypoints, axis=1)[a.scores > 0.5] for a, b in both]
    far = sum(bool((x > far_px).any()) for x in d)
    return f"{summary(np.concatenate(d))} | {far} of {len(both)} | {lost}"


def bench(models: Models, frames: list[np.ndarray], photos: dict, repeats: int) -> None:
    recorder = RoiRecorder(models.lm[False])
    rec = models.single("float", recorder)
    pipeline_ms(rec, frames, [])()
    video_crops, recorder.crops = recorder.crops, []
    tensors = [calibration_crop(img, roi) for img, roi in video_crops[::4]]
    speed = alternate({q: model_ms(models.lm[q], tensors) for q in (False, True)}, repeats)
    poses: dict[str, list[Pose | None]] = {v: [] for v in models.variants}
    pipe = alternate({v: pipeline_ms(models.single(v), frames, poses[v]) for v in models.variants}, repeats)
    for img, _ in photos.values():
        rec.reset()
        rec.estimate(Frame(img, 0.0))
    coco_crops = recorder.crops
    m = models.landmark
    print(f"\n## {m}: CPU ms per frame, 1 thread, median of {repeats} (ratio to float, same run)")
    print(
        f"landmark model alone ({len(tensors)} video crops): float {speed[False]:.2f}, int8 {speed[True]:.2f} "
        f"({speed[True] / speed[False]:.2f}x)"
    )
    print(
        "| variant | pipeline ms (video, tracking) | ratio | OKS single | OKS everyone | "
        "tracked deviation of visible joints vs float, px mean / p95 / max | frames with one > 10 px | "
        "frames found by one only |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for v in models.variants:
        single, missed = mean_oks(oks_single(models.single(v)), photos)
        everyone, missed_all = mean_oks(oks_everyone(models.everyone(v)), photos)
        dev = "- | - | -" if v == "float" else pose_deviation(poses["float"], poses[v])
        print(
            f"| {m} {v} | {pipe[v]:.2f} | {pipe[v] / pipe['float']:.2f} | {single:.3f} ({missed} missed) | "
            f"{everyone:.3f} ({missed_all} missed) | {dev} |"
        )
    print("same crops through float and int8 landmark model: px mean / p95 / max | max pose-score difference")
    print(f"- video ({len(video_crops)} crops, calibration media): {crop_deviation(models, video_crops)}")
    print(f"- COCO photos ({len(coco_crops)} crops, held out): {crop_deviation(models, coco_crops)}")


def calibration_crop(img: np.ndarray, roi: Roi) -> np.ndarray:
    from gesturectl.pose.blazepose import LANDMARK_INPUT
    from gesturectl.pose.preprocess import crop_tensor

    return crop_tensor(img, roi, LANDMARK_INPUT, (0.0, 1.0), zero_border=False)


def build_int8(out: Path, landmarks: list[str]) -> None:
    """Quantize the landmark models and the detector into `out` with the tool's default recipe."""
    det_inputs: list[np.ndarray] = []
    for m in landmarks:
        lm_inputs, det_inputs = calibration_inputs(SHARED, m)
        quantize(verified_path(f"pose_landmark_{m}"), out / f"pose_landmark_{m}_int8.onnx", lm_inputs)
    quantize(verified_path(DETECTOR), out / f"{DETECTOR}_int8.onnx", det_inputs, Recipe(float_spans=()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--int8", type=Path, default=None, help="folder of <name>_int8.onnx (default: quantize now)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--models", nargs="+", choices=["lite", "full"], default=["lite", "full"])
    args = ap.parse_args()
    if not (SHARED / VIDEO).is_file():
        print(f"skipped: {SHARED / VIDEO} not found (set GESTURECTL_SHARED)")
        return 0
    frames = list(video_frames(SHARED / VIDEO))
    photos = load_coco(SHARED / "media" / "coco")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.int8
        if folder is None:
            folder = Path(tmp)
            build_int8(folder, args.models)
        print(
            f"int8 models from {folder}; video {VIDEO.name} ({len(frames)} frames); "
            f"{len(photos)} COCO photos, {sum(len(p) for _, p in photos.values())} labelled people"
        )
        for m in args.models:
            if not (folder / f"pose_landmark_{m}_int8.onnx").is_file():
                print(f"\n## {m}: skipped, no pose_landmark_{m}_int8.onnx in {folder}")
                continue
            bench(Models(m, folder), frames, photos, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
