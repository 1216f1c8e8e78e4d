#!/usr/bin/env python3
"""Write the bundled demo source `gesturectl/data/demo_trace.jsonl`: the puppet performing every default
gesture (zoom in twice, zoom out, open and close the app, pause, a zoom while paused, resume).

    python tools/make_demo_trace.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from gesturectl.sources.traces import TraceHeader, TraceWriter
from gesturectl.synth.puppet import DEMO_SCRIPT, Camera, perform

OUT = Path(__file__).resolve().parents[1] / "gesturectl" / "data" / "demo_trace.jsonl"


def main() -> int:
    cam = Camera()
    with open(OUT, "w", encoding="utf-8") as f:
        w = TraceWriter(f, TraceHeader("coco17", cam.image_size, 30.0))
        n = 0
        for t, pose in perform(DEMO_SCRIPT, 30.0, cam, seed=2026, noise_px=1.0):
            w.write(t, pose)
            n += 1
    print(f"wrote {n} frames to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
