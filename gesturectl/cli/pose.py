"""`gesturectl pose`: run the pose pipeline on images or videos, draw everyone, print their keypoints.

Each frame goes through the same people stage as the daemon (tracking, limb ownership, the user lock):
the drawing shows every person, the one in control highlighted, and `--json` lists all of them with
their track ids and a `controlling` flag. A still image is a frozen moment: a person holding the engage
posture in it counts as engaged at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gesturectl.cli.common import add_config, settings_with_model
from gesturectl.errors import GesturectlError, SourceError, first_line

if TYPE_CHECKING:
    import numpy as np

    from gesturectl.people.stage import PeopleStage, Selection
    from gesturectl.pose.estimator import PoseEstimator
    from gesturectl.types import Frame, Scene

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Pipeline:
    """What every input goes through: the pose model, then the people stage (one for stills, where an
    engage posture counts at once, and one with the daemon's timing for videos)."""

    est: PoseEstimator
    still: PeopleStage
    stream: PeopleStage
    min_score: float
    native_layout: str


def _output_for(src: Path, out: Path | None, many: bool, video: bool) -> Path:
    suffix = ".mp4" if video else ".png"
    default_name = f"{src.stem}_pose{suffix}"
    if out is None:
        return Path(default_name)
    if many or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        return out / default_name
    return out


def _report(selection: Selection, args: argparse.Namespace, pipe: _Pipeline) -> dict:
    """The people/keypoint schema with track ids and the controlling flag (gesturectl.people.report)."""
    from gesturectl.people.report import scene_report

    layout = "coco" if args.coco else "native"
    return scene_report(selection.scene, selection.controlling, layout, pipe.native_layout)


def _scene(est: PoseEstimator, frame: Frame) -> Scene:
    """Everyone the estimator sees (a single-person estimator: a scene of one)."""
    from gesturectl.types import Scene

    estimate_scene = getattr(est, "estimate_scene", None)
    if estimate_scene is not None:
        return estimate_scene(frame)
    pose = est.estimate(frame)
    return Scene.of(pose, frame.size, frame.t)


def _annotate(image: np.ndarray, selection: Selection, min_score: float) -> np.ndarray:
    from gesturectl.pose.draw import draw_message, draw_scene
    from gesturectl.pose.report import NO_PERSON

    if not selection.scene.people:
        return draw_message(image, NO_PERSON)
    return draw_scene(image, selection.scene, selection.controlling, min_score)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
VIDEO_SUFFIXES = (".mp4", ".avi")


def check_output(path: Path, video: bool) -> None:
    """Refuse an output name of the wrong kind before any work is done (`-o x.txt`)."""
    kinds = VIDEO_SUFFIXES if video else IMAGE_SUFFIXES
    if path.suffix.lower() not in kinds:
        what = "a video" if video else "an image"
        raise GesturectlError(f"-o {path}: the output of {what} must end in {', '.join(kinds)}")


def _write_image(path: Path, image: np.ndarray) -> None:
    import cv2

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ok = cv2.imwrite(str(path), image)
    except (OSError, cv2.error) as e:
        raise GesturectlError(f"cannot write {path}: {first_line(e)}") from None
    if not ok:
        raise GesturectlError(f"cannot write {path}: unsupported extension, unwritable folder or full disk")


def _run_image(name: str, image: np.ndarray, out: Path, pipe: _Pipeline, args) -> None:
    from gesturectl.pose.report import NO_PERSON
    from gesturectl.types import Frame

    min_score = pipe.min_score
    pipe.est.reset()  # a still image is its own scene
    pipe.still.reset()
    selection = pipe.still.select(_scene(pipe.est, Frame(image, 0.0)))
    _write_image(out, _annotate(image, selection, min_score))
    people = selection.scene.people
    if args.json:
        print(json.dumps({"input": name, "output": str(out), **_report(selection, args, pipe)}))
    elif not people:
        print(f"{name}: {NO_PERSON} (wrote {out})")
    else:
        main = selection.pose or max(people, key=lambda p: float(p.pose.presence)).pose
        visible = int((main.scores >= min_score).sum())
        who = "person found" if len(people) == 1 else f"{len(people)} people found"
        user = "" if selection.controlling is None else f", user #{selection.controlling}"
        print(f"{name}: {who}{user}, {visible}/{len(main.scores)} joints visible (wrote {out})")
    if not people and args.json:  # stdout stays pure JSON; tell the human on stderr
        print(f"gesturectl: {name}: {NO_PERSON}", file=sys.stderr)


def _run_video(src: Path, out: Path, pipe: _Pipeline, args) -> None:
    import cv2

    from gesturectl.sources.files import VideoFileSource

    source = VideoFileSource(src)
    writer = None
    found = total = 0
    pipe.est.reset()
    pipe.stream.reset()
    try:
        for frame in source:
            selection = pipe.stream.select(_scene(pipe.est, frame))
            total += 1
            found += bool(selection.scene.people)
            drawn = _annotate(frame.image, selection, pipe.min_score)
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
                            **_report(selection, args, pipe),
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
        help="estimate everyone's pose in images or videos, draw it, print keypoints",
        description="Find the people in each image or video, draw their keypoints and skeletons (the one in control "
        "highlighted), and print them (--json: every person with a track id and a controlling flag).",
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
    from gesturectl.runtime.selection import people_stage
    from gesturectl.timing import StageTimer

    cfg = load_config(args.config)
    settings = settings_with_model(cfg.pose, args.model)
    timer = StageTimer()
    est = build_estimator(settings, timer)
    pipe = _Pipeline(
        est,
        # a still is a frozen moment: an engage posture in it counts at once; videos keep the daemon's timing
        people_stage(cfg.user.model_copy(update={"engage_hold_s": 0.0}), cfg.gestures),
        people_stage(cfg.user, cfg.gestures),
        settings.draw_min_score,
        model_layout(settings.model),
    )
    try:
        return _run_inputs(args, pipe)
    finally:
        for stage, ms in timer.ms_per_call().items():
            log.info("stage %s: %d calls, %.2f ms CPU per call", stage, timer.calls[stage], ms)


def _run_inputs(args: argparse.Namespace, pipe: _Pipeline) -> int:
    from gesturectl.sources.files import is_video, read_image

    inputs: list[Path] = args.inputs
    many = len(inputs) > 1
    failures = 0
    for src in inputs:
        try:
            video = is_video(src)
            out = _output_for(src, args.output, many, video)
            check_output(out, video)
            if video:
                _run_video(src, out, pipe, args)
            else:
                _run_image(str(src), read_image(src), out, pipe, args)
        except GesturectlError as e:  # (an unreadable input or an unwritable output: go on with the next)
            print(f"gesturectl: error: {e}", file=sys.stderr)
            failures += 1
    return 2 if failures else 0
