#!/usr/bin/env python3
"""Convert MSR Action3D skeleton files into gesturectl traces (COCO-17, projected as a webcam sees them).

    python tools/msr_to_traces.py ../shared/motion/msr_action3d_dev OUT_DIR

Writes OUT_DIR/NAME.jsonl and NAME.labels.json with an empty gesture list: none of the 20
actions is meant as a command, so any event on these traces is a false trigger.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gesturectl.sources.traces import TraceHeader, TraceWriter
from gesturectl.synth.kinect import MSR_FPS, msr_to_poses, read_msr_skeleton


def convert(src: Path, out_dir: Path, image_size: tuple[int, int] = (640, 480)) -> Path:
    name = src.name.removesuffix("_skeleton3D.txt").removesuffix(".txt")
    dst = out_dir / f"{name}.jsonl"
    with open(dst, "w", encoding="utf-8") as f:
        writer = TraceWriter(f, TraceHeader("coco17", image_size, MSR_FPS))
        for t, pose in msr_to_poses(read_msr_skeleton(src), MSR_FPS, image_size):
            writer.write(t, pose)
    (out_dir / f"{name}.labels.json").write_text(json.dumps({"gestures": []}) + "\n")
    return dst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path, help="folder of *_skeleton3D.txt files")
    ap.add_argument("out", type=Path, help="folder for the traces")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = sorted(args.src.glob("*_skeleton3D.txt"))
    if not files:
        print(f"{args.src}: no *_skeleton3D.txt files", file=sys.stderr)
        return 2
    for p in files:
        convert(p, args.out)
    print(f"wrote {len(files)} traces to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
