"""`gesturectl pose`: run the pose pipeline on images or videos, draw it, print the keypoints."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gesturectl.cli.common import add_config, settings_with_model
from gesturectl.errors import GesturectlError, SourceError

if TYPE_CHECKING:
    import numpy as np

    from gesturectl.pose.estimator import PoseEstimator
    from gesturectl.types import Pose

log = logging.getLogger(__name__)


def _output_for(src: Path, out: Path | None, many: bool, video: bool) -> Path:
    suffix = ".mp4" if video else ".png"
    default_name = f"{src.stem}_pose{suffix}"
    if out is None:
        return Path(default_name)
    if many or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        return out / default_name
    return out


def _report(image: np.ndarray, pose: Pose | None, args: argparse.Namespace) -> dict:
    """The shared people/keypoint schema (gesturectl.pose.report), as the pose service answers."""
    from gesturectl.pose.report import pose_report

    h, w = image.shape[:2]
    return pose_report(w, h, [] if pose is None else [pose], "coco" if args.coco else "native", args.native_layout)


def _annotate(image: np.ndarray, pose: Pose | None, est: PoseEstimator, min_score: float) -> np.ndarray:
    from gesturectl.pose.draw import draw_message, draw_pose
    from gesturectl.pose.report import NO_PERSON

    if pose is None:
        return draw_message(image, NO_PERSON)
    return draw_pose(image, pose, min_score, est.last_roi)


def _write_image(path: Path, image: np.ndarray) -> None:
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), image):
        raise GesturectlError(f"cannot write {path}: unsupported extension or unwritable folder")


def _run_image(name: str, image: np.ndarray, out: Path, est: PoseEstimator, args, min_score: float) -> None:
    from gesturectl.pose.report import NO_PERSON
    from gesturectl.types import Frame

    est.reset()  # a still image is its own scene
    pose = est.estimate(Frame(image, 0.0))
    _write_image(out, _annotate(image, pose, est, min_score))
    if args.json:
        print(json.dumps({"input": name, "output": str(out), **_report(image, pose, args)}))
    elif pose is None:
        print(f"{name}: {NO_PERSON} (wrote {out})")
    else:
        visible = int((pose.scores >= min_score).sum())
        print(f"{name}: person found, {visible}/{len(pose.scores)} joints visible (wrote {out})")
    if pose is None and args.json:  # stdout stays pure JSON; tell the human on stderr
        print(f"gesturectl: {name}: {NO_PERSON}", file=sys.stderr)


def _run_video(src: Path, out: Path, est: PoseEstimator, args, min_score: float) -> None:
    import cv2

    from gesturectl.sources.files import VideoFileSource

    source = VideoFileSource(src)
    writer = None
    found = total = 0
    est.reset()
    try:
        for frame in source:
            pose = est.estimate(frame)
            total += 1
            found += pose is not None
            drawn = _annotate(frame.image, pose, est, min_score)
            if writer is None:
                out.parent.mkdir(parents=True, exist_ok=True)
                h, w = drawn.shape[:2]
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), source.fps, (w, h))
                if not writer.isOpened():
                    raise GesturectlError(
                        f"cannot write the video {out} (use a .mp4 or .avi name in a writable folder)"
                    )
            writer.write(drawn)
            if args.json:
                print(
                    json.dumps(
                        {
                            "input": str(src),
                            "frame": frame.index,
                            "t": round(frame.t, 4),
                            **_report(frame.image, pose, args),
                        }
                    )
                )
    finally:
        source.close()
        if writer is not None:
            writer.release()
    if total == 0:
        raise SourceError(f"{src}: the video has no readable frames")
    if not args.json:
        print(f"{src}: person found in {found}/{total} frames (wrote {out})")


def register(sub) -> None:
    p = sub.add_parser(
        "pose",
        help="estimate the pose in images or videos, draw it, print keypoints",
        description="Find the person in each image or video, draw the keypoints and skeleton, and print them (--json).",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="IMAGE|VIDEO", help="images or videos")
    p.add_argument("-o", "--output", type=Path, help="output file (one input) or folder (several inputs)")
    p.add_argument("--json", action="store_true", help="print keypoints as JSON (JSON Lines for a video)")
    p.add_argument("--coco", action="store_true", help="report the 17 COCO keypoints instead of the 33 landmarks")
    p.add_argument("--model", help="lite, full, or a heatmap model .onnx (overrides pose.model in the config)")
    add_config(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.pose.factory import build_estimator
    from gesturectl.pose.report import model_layout
    from gesturectl.timing import StageTimer

    cfg = load_config(args.config)
    settings = settings_with_model(cfg.pose, args.model)
    timer = StageTimer()
    est = build_estimator(settings, timer)
    args.native_layout = model_layout(settings.model)
    try:
        return _run_inputs(args, est, settings.draw_min_score)
    finally:
        for stage, ms in timer.ms_per_call().items():
            log.info("stage %s: %d calls, %.2f ms CPU per call", stage, timer.calls[stage], ms)


def _run_inputs(args: argparse.Namespace, est: PoseEstimator, min_score: float) -> int:
    from gesturectl.sources.files import is_video, read_image

    inputs: list[Path] = args.inputs
    many = len(inputs) > 1
    failures = 0
    for src in inputs:
        try:
            if is_video(src):
                _run_video(src, _output_for(src, args.output, many, True), est, args, min_score)
            else:
                _run_image(str(src), read_image(src), _output_for(src, args.output, many, False), est, args, min_score)
        except SourceError as e:
            print(f"gesturectl: error: {e}", file=sys.stderr)
            failures += 1
    return 2 if failures else 0
