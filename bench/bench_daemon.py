#!/usr/bin/env python3
"""What the daemon costs: CPU seconds per wall-clock second of `gesturectl run` (dry run), on a person
video, on the same video while paused, on an empty scene and, when a display is there ($DISPLAY), on the
person video with the preview window open (`run --preview`), measured in the same run; the ratios are
against the active case (whose preview is closed: the loop then only tests `is None` once a frame).
Needs ../shared (the real video) or --video.

    python bench/bench_daemon.py [--seconds 12] [--model full|lite] [--video PATH]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
VIDEO = Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")) / "media" / "video" / "arms_overhead.mp4"


def looped_video(src: Path, dst: Path, seconds: float, blank: bool = False) -> Path:
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(np.full_like(f, 90) if blank else f)
    cap.release()
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    n = int(seconds * fps)
    for i in range(n):  # forwards then backwards, so the motion is continuous
        k = i % (2 * len(frames) - 2)
        out.write(frames[k if k < len(frames) else 2 * len(frames) - 2 - k])
    out.release()
    return dst


def measure(source: Path, tmp: Path, model: str, pause: bool, preview: bool = False) -> tuple[float, float]:
    cfg = tmp / f"cfg_{model}.yaml"
    cfg.write_text(f"pose:\n  model: {model}\ndaemon:\n  tray: 'off'\n")
    env = dict(os.environ, GESTURECTL_RUNTIME_DIR=str(tmp / "rt"), GESTURECTL_STATE_DIR=str(tmp / "st"))
    if not preview:
        env.pop("DISPLAY", None)
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gesturectl.cli",
            "run",
            "--source",
            str(source),
            "--dry-run",
            "--exit-at-end",
            "--config",
            str(cfg),
            *(["--preview"] if preview else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proc = psutil.Process(p.pid)
    time.sleep(3.0)  # start-up and model loading are not the steady state
    if pause:
        subprocess.run([sys.executable, "-m", "gesturectl.cli", "pause"], env=env, capture_output=True)
    c0, t0 = sum(proc.cpu_times()[:2]), time.monotonic()
    rss = 0
    while p.poll() is None:
        try:
            rss = max(rss, proc.memory_info().rss)
            c1, t1 = sum(proc.cpu_times()[:2]), time.monotonic()
        except psutil.NoSuchProcess:
            break
        time.sleep(0.25)
    return (c1 - c0) / (t1 - t0), rss / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--model", default="full")
    ap.add_argument("--video", type=Path, default=VIDEO, help="a video of a person (default: ../shared's)")
    args = ap.parse_args()
    if not args.video.exists():
        sys.exit(f"needs {args.video}")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        person = looped_video(args.video, tmp / "person.mp4", args.seconds)
        empty = looped_video(args.video, tmp / "empty.mp4", args.seconds, blank=True)
        rows = [
            ("person in view, active", measure(person, tmp, args.model, False)),
            ("person in view, paused", measure(person, tmp, args.model, True)),
            ("nobody in view", measure(empty, tmp, args.model, False)),
        ]
        if os.environ.get("DISPLAY"):
            rows.append(("person, preview open", measure(person, tmp, args.model, False, preview=True)))
    base = rows[0][1][0]
    print(f"gesturectl run, model {args.model}, 576x576 video at 30 fps, dry run ({os.cpu_count()} cores)")
    for name, (cpu, rss) in rows:
        print(f"  {name:26s} {cpu * 100:6.1f}% of one core   {cpu / base:5.2f}x active   peak RSS {rss:6.0f} MB")


if __name__ == "__main__":
    main()
