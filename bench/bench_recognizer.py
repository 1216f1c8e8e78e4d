#!/usr/bin/env python3
"""What recognition costs per frame: the default gestures over the bundled demo trace (poses already
decoded), with and without reading the per-gesture progress records each frame, in the same run. The
ratio is against `update()` alone (what the daemon pays when no preview, status or explain reads them).

    python bench/bench_recognizer.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import time
from importlib import resources

from gesturectl.config import parse_config
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.sources.traces import read_trace


def poses() -> list:
    path = resources.files("gesturectl.data") / "demo_trace.jsonl"
    with resources.as_file(path) as p:
        _, stream = read_trace(p)
        return [pose for _, pose in stream]


def run(spec, stream, read_progress: bool) -> float:
    rec = Recognizer(spec)
    start = time.perf_counter()
    for pose in stream:
        rec.update(pose)
        if read_progress:
            rec.progress()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    spec = parse_config("").gestures
    stream = poses()
    has_progress = hasattr(Recognizer, "progress")
    base, read = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        base.append(run(spec, stream, False))
        if has_progress:
            read.append(run(spec, stream, True))
    per = lambda xs: min(xs) / len(stream) * 1e6  # noqa: E731
    print(f"{len(stream)} frames, {len(spec.definitions)} gestures, best of {args.repeat}")
    print(f"update() only:            {per(base):7.1f} us/frame")
    if has_progress:
        print(f"update() + progress():    {per(read):7.1f} us/frame  ({per(read) / per(base):.2f}x)")


if __name__ == "__main__":
    main()
