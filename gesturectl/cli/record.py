"""`gesturectl record`: run the pose engine on a source and write a trace (JSON Lines)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gesturectl.cli.common import add_config, output_error, seconds


def register(sub) -> None:
    r = sub.add_parser(
        "record",
        help="run the pose engine on a source and write a trace (JSON Lines)",
        description="Record what the pose engine sees as a trace, for replay, eval and tests. "
        "SOURCE takes every form `run --source` does, and a photo (held as a still pose). With several people "
        "in view it records one: the person in control, else the one it followed so far, else the largest.",
    )
    r.add_argument(
        "--source",
        required=True,
        help="camera index or name, /dev/videoN, video, image folder, photo, trace (.jsonl) or demo",
    )
    r.add_argument("-o", "--output", type=Path, required=True, help="trace file to write (.jsonl)")
    r.add_argument("--layout", choices=["coco17", "blazepose33"], default="coco17")
    r.add_argument("--still-seconds", type=seconds, default=2.0, help="how long a photo is held (default 2 s)")
    r.add_argument("--seconds", type=seconds, help="stop after this many seconds (a camera runs until Ctrl+C)")
    add_config(r)
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.people.focus import RecordingFocus
    from gesturectl.pose.factory import build_estimator
    from gesturectl.runtime.selection import people_stage
    from gesturectl.sources import PoseSample, open_source
    from gesturectl.sources.traces import TraceHeader, TraceWriter

    cfg = load_config(args.config)
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        out = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as e:
        raise output_error(args.output, e) from None
    source = open_source(args.source, args.still_seconds)
    est = None
    people = people_stage(cfg.user, cfg.gestures)  # with several people in view: one person, followed
    focus = RecordingFocus(cfg.user.min_joint_score)
    writer = None
    found = total = 0
    t0 = None
    try:
        with out:
            for item in source:
                if isinstance(item, PoseSample):
                    t, pose = item.t, item.pose
                else:
                    est = est or build_estimator(cfg.pose)
                    scene_of = getattr(est, "estimate_scene", None)
                    t = item.t
                    pose = focus.pick(people.select(scene_of(item))) if scene_of else est.estimate(item)
                t0 = t if t0 is None else t0
                if writer is None:
                    size = pose.image_size if pose is not None else getattr(item, "size", (640, 480))
                    writer = TraceWriter(out, TraceHeader(args.layout, size, source.fps))
                writer.write(t - t0, pose)
                total += 1
                found += pose is not None
                if args.seconds is not None and t - t0 >= args.seconds:
                    break
    except KeyboardInterrupt:
        pass
    except OSError as e:  # e.g. the disk filled up: what was written so far stays readable up to its last line
        raise output_error(args.output, e) from None
    finally:
        source.close()
    print(f"{args.source}: wrote {total} frames ({found} with a person) to {args.output}", file=sys.stderr)
    return 0
