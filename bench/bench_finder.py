#!/usr/bin/env python3
"""The MoveNet people finder, float against int8: resident memory of a session and CPU per call.

    python bench/bench_finder.py [--int8 models/movenet_multipose_int8.onnx] [--repeats 3] [--calls 20]

The int8 file is tools/quantize_movenet.py's output (the bundled one when it is in models/manifest.json).

Memory: a fresh process per measurement (float and int8 alternating) loads and runs the daemon's int8 full
landmark model (so onnxruntime's own code and the int8 kernels are already resident, as in the daemon), reads
its resident set, loads the finder as the daemon does (one thread, arena shrunk after every run), runs it
once on a real photo and reads it again; the difference is the finder session's cost. CPU: both sessions in one process, calls
alternating, process time per call, median per round. Run it under `nice -n 10` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.errors import ModelError
from gesturectl.pose.models import OnnxModel, RuntimeOptions, verified_path
from gesturectl.pose.movenet import letterbox

PHOTO = ROOT.parent / "shared" / "media" / "images" / "three_people.jpg"


def int8_path() -> Path:
    try:
        return verified_path("movenet_multipose_int8")
    except ModelError as e:
        raise SystemExit(f"{e}; make one with tools/quantize_movenet.py and pass it with --int8") from e


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def child(path: Path) -> None:
    """Print the resident set before and after loading and running `path` once (JSON)."""
    from gesturectl.pose.models import private_onnxruntime, release_freed_memory

    private_onnxruntime()
    x, _ = letterbox(cv2.imread(str(PHOTO)))
    landmarks = OnnxModel(verified_path("pose_landmark_full_int8"))  # loaded and run first, as in the daemon
    landmarks(np.zeros((1, 256, 256, 3), np.float32))
    release_freed_memory()
    before = rss_mb()
    model = OnnxModel(path, RuntimeOptions(release_after_run=True))
    model(x)
    print(json.dumps({"before": before, "after": rss_mb()}))


def session_mb(path: Path) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["after"] - r["before"]


def cpu_ms(models: dict[str, OnnxModel], calls: int) -> dict[str, float]:
    x, _ = letterbox(cv2.imread(str(PHOTO)))
    times: dict[str, list[float]] = {k: [] for k in models}
    for m in models.values():
        m(x)  # warm-up
    for _ in range(calls):
        for k, m in models.items():
            t = time.process_time()
            m(x)
            times[k].append((time.process_time() - t) * 1000.0)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--int8", type=Path, default=None, help="int8 MoveNet (default: the bundled one)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child)
        return 0
    paths = {
        "float32": verified_path("movenet_multipose"),
        "int8": args.int8 or int8_path(),
    }
    mem: dict[str, list[float]] = {k: [] for k in paths}
    for _ in range(args.repeats):
        for k, p in paths.items():
            mem[k].append(session_mb(p))
    models = {k: OnnxModel(p, RuntimeOptions(release_after_run=True)) for k, p in paths.items()}
    rounds = [cpu_ms(models, args.calls) for _ in range(args.repeats)]
    print(f"MoveNet MultiPose on {PHOTO.name}, 256x256, 1 thread; {args.repeats} rounds")
    for k, p in paths.items():
        ms = [r[k] for r in rounds]
        print(
            f"{k:8} {p.name:32} {p.stat().st_size / 2**20:5.1f} MB file | session RSS MB "
            f"{' '.join(f'{v:.1f}' for v in mem[k])} (median {statistics.median(mem[k]):.1f}) | "
            f"CPU ms/call {' '.join(f'{v:.1f}' for v in ms)} (median {statistics.median(ms):.1f})"
        )
    ratio = [r["int8"] / r["float32"] for r in rounds]
    print(f"int8/float CPU per round: {' '.join(f'{v:.2f}' for v in ratio)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
