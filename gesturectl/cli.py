"""Command line: the composition root. Builds every object once and wires the stages.

    gesturectl pose [IMAGE|VIDEO ...] [-o OUT] [--json] [--model lite|full] [--config FILE]
    gesturectl record --source VIDEO|PHOTO -o trace.jsonl [--layout coco17|blazepose33]
    gesturectl replay TRACE [--config FILE] [--json]
    gesturectl eval DIR [--config FILE] [--json]
    gesturectl run [--source SRC] [--config FILE] [--dry-run] [--exit-at-end]
    gesturectl status | pause | resume | reload | stop
    gesturectl cameras
    gesturectl export-simple-baselines [CHECKPOINT] --layers 50 --input 256x192 -o model.onnx
    gesturectl train-simple-baselines --annotations A.json --images DIR -o model.pth
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gesturectl import __version__
from gesturectl.errors import GesturectlError

log = logging.getLogger("gesturectl")

DEMO_NAME = "astronaut.png"


def _demo_image():
    """scikit-image's astronaut.png (NASA, public domain), which ships inside its wheel."""
    try:
        import skimage.data
    except ImportError:
        raise GesturectlError(
            "no input given and the bundled demo photo needs scikit-image: pip install 'gesturectl[demo]' "
            "(or pass an image or video: gesturectl pose photo.jpg)"
        ) from None
    import cv2

    return cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)


def _build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gesturectl", description="Body-gesture desktop control (on-device).")
    ap.add_argument("--version", action="version", version=f"gesturectl {__version__}")
    ap.add_argument("-v", "--verbose", action="store_true", help="log per-stage timings and details")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("pose", help="estimate the pose in images or a video, draw it, print keypoints")
    p.add_argument("inputs", nargs="*", type=Path, help=f"images or videos (default: the demo photo {DEMO_NAME})")
    p.add_argument("-o", "--output", type=Path, help="output file (one input) or folder (several inputs)")
    p.add_argument("--json", action="store_true", help="print keypoints as JSON (JSON Lines for a video)")
    p.add_argument("--coco", action="store_true", help="report the 17 COCO keypoints instead of the 33 landmarks")
    p.add_argument("--model", help="lite, full, or a heatmap model .onnx (overrides pose.model in the config)")
    p.add_argument("--config", type=Path, help="config file (default: built-in defaults)")

    r = sub.add_parser("record", help="run the pose engine on a source and write a trace (JSON Lines)")
    r.add_argument("--source", type=Path, required=True, help="a video file, or a photo (held as a still pose)")
    r.add_argument("-o", "--output", type=Path, required=True, help="trace file to write (.jsonl)")
    r.add_argument("--layout", choices=["coco17", "blazepose33"], default="coco17")
    r.add_argument("--still-seconds", type=float, default=2.0, help="how long a photo is held (default 2 s)")
    r.add_argument("--config", type=Path, help="config file (default: built-in defaults)")

    rp = sub.add_parser("replay", help="recognize gestures in a trace; print events and their actions (dry run)")
    rp.add_argument("trace", type=Path)
    rp.add_argument("--config", type=Path, help="config file (default: built-in defaults)")
    rp.add_argument("--json", action="store_true", help="one JSON object per event on stdout, nothing else")

    ev = sub.add_parser("eval", help="score the recognizer on traces with NAME.labels.json sidecars")
    ev.add_argument("dir", type=Path)
    ev.add_argument("--config", type=Path, help="config file (default: built-in defaults)")
    ev.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ev.add_argument("--tolerance", type=float, default=1.0, help="seconds after a label's end an event may come")

    run = sub.add_parser("run", help="run the gesture-control daemon")
    run.add_argument("--source", help="camera index, /dev/videoN, video, image folder, trace (.jsonl) or 'demo' "
                                      "(default: daemon.source in the config, camera 0)")
    run.add_argument("--config", type=Path, help="config file (default: ~/.config/gesturectl/config.yaml if it "
                                                 "exists, else built-in defaults)")
    run.add_argument("--dry-run", action="store_true", help="print each action instead of performing it")
    run.add_argument("--exit-at-end", action="store_true", help="stop when a file or trace source ends")
    run.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                     help="log details and per-stage CPU times")
    for name, text in (("status", "show the running daemon's state"), ("pause", "pause gestures"),
                       ("resume", "resume gestures"), ("reload", "reload the config (the old one stays if invalid)"),
                       ("stop", "stop the daemon")):
        c = sub.add_parser(name, help=text)
        if name == "status":
            c.add_argument("--json", action="store_true")
    sub.add_parser("cameras", help="list the cameras OpenCV can open")

    ex = sub.add_parser("export-simple-baselines", help="export a Simple Baselines PoseResNet to ONNX (needs [torch])")
    ex.add_argument("checkpoint", nargs="?", type=Path, help="a .pth/.pth.tar checkpoint (omit with --random)")
    ex.add_argument("--random", action="store_true", help="random weights (for testing the wiring only)")
    ex.add_argument("--layers", type=int, default=50, choices=[18, 34, 50, 101, 152])
    ex.add_argument("--joints", type=int, default=17)
    ex.add_argument("--input", default="256x192", help="input height x width (default 256x192)")
    ex.add_argument("-o", "--output", type=Path, required=True)

    tr = sub.add_parser("train-simple-baselines", help="train a PoseResNet on COCO-format keypoints (needs [torch])")
    tr.add_argument("--annotations", type=Path, required=True, help="COCO keypoints json")
    tr.add_argument("--images", type=Path, required=True, help="folder of the images it names")
    tr.add_argument("--layers", type=int, default=50, choices=[18, 34, 50, 101, 152])
    tr.add_argument("--input", default="256x192", help="input height x width")
    tr.add_argument("--epochs", type=int, default=140)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--lr-steps", default="90,120", help="epochs at which the learning rate is multiplied by 0.1")
    tr.add_argument("--deconv-filters", default="256,256,256")
    tr.add_argument("--no-augment", action="store_true", help="no random scale/rotation/flip")
    tr.add_argument("-o", "--output", type=Path, required=True, help="checkpoint to write (.pth)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="gesturectl: %(levelname)s: %(message)s"
    )
    try:
        if args.command == "pose":
            from gesturectl.pose_command import run_pose_command

            return run_pose_command(args, _demo_image)
        if args.command == "record":
            from gesturectl.record_command import run_record_command

            return run_record_command(args)
        if args.command == "replay":
            from gesturectl.replay_command import run_replay_command

            return run_replay_command(args)
        if args.command == "eval":
            from gesturectl.eval_command import run_eval_command

            return run_eval_command(args)
        if args.command == "run":
            from gesturectl.run_command import run_daemon

            return run_daemon(args)
        if args.command in ("status", "pause", "resume", "reload", "stop"):
            from gesturectl.run_command import run_control

            return run_control(args)
        if args.command in ("export-simple-baselines", "train-simple-baselines"):
            from gesturectl.simple_baselines_command import run_simple_baselines_command

            return run_simple_baselines_command(args)
        if args.command == "cameras":
            from gesturectl.run_command import run_cameras

            return run_cameras(args)
    except GesturectlError as e:
        print(f"gesturectl: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
