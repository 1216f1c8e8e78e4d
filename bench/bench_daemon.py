#!/usr/bin/env python3
"""What the daemon costs: CPU seconds per wall-clock second of `gesturectl run` (dry run), on a person
video, on the same video while paused, on an empty scene and, when a display is there ($DISPLAY), on the
person video with the preview window open (`run --preview`), measured in the same run; the ratios are
against the active case (whose preview is closed: the loop then only tests `is None` once a frame).
Needs ../shared (the real video) or --video.

    python bench/bench_daemon.py [--seconds 12] [--model full|lite] [--video PATH] [--people [--repeats 2]]

`--people` measures instead the cost of following everyone with one person in view: the daemon with
`pose.max_people: 4` (MoveNet finds people every recheck_s, one BlazePose crop per person) against
`pose.max_people: 1` (the single-person pipeline), alternating them `--repeats` times in the same run.
`--peer-src DIR` adds the daemon of another source tree as the baseline, e.g. main before issue 13:
`git archive main | tar -x -C /tmp/main && ln -s ../models /tmp/main/gesturectl/models`.
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


def measure(
    source: Path,
    tmp: Path,
    model: str,
    pause: bool,
    preview: bool = False,
    max_people: int | None = None,
    src: Path | None = None,
) -> tuple[float, float]:
    cfg = tmp / f"cfg_{model}_{max_people}.yaml"
    people = "" if max_people is None else f"  max_people: {max_people}\n"
    cfg.write_text(f"pose:\n  model: {model}\n{people}daemon:\n  tray: 'off'\n")
    env = dict(os.environ, GESTURECTL_RUNTIME_DIR=str(tmp / "rt"), GESTURECTL_STATE_DIR=str(tmp / "st"))
    if src is not None:  # another source tree of gesturectl (e.g. an export of main), run with this Python
        env["PYTHONPATH"] = str(src)
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
    ap.add_argument("--people", action="store_true", help="everyone (max_people 4) against one person (1)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--peer-src", type=Path, help="with --people: also run this gesturectl source tree (baseline)")
    args = ap.parse_args()
    if not args.video.exists():
        sys.exit(f"needs {args.video}")
    if args.people:
        people_bench(args)
        return
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


def people_bench(args: argparse.Namespace) -> None:
    runs: dict[str, tuple[int | None, Path | None]] = {
        "max_people 1 (single-person pipeline)": (1, None),
        "max_people 4 (everyone, MoveNet finder)": (4, None),
    }
    if args.peer_src is not None:
        runs = {f"peer {args.peer_src} (baseline)": (None, args.peer_src), **runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        person = looped_video(args.video, tmp / "person.mp4", args.seconds)
        for _ in range(args.repeats):
            for name, (n, src) in runs.items():
                cpu[name].append(measure(person, tmp, args.model, False, max_people=n, src=src)[0])
    mean = {name: float(np.mean(v)) for name, v in cpu.items()}
    base_name = next(iter(runs))
    print(
        f"gesturectl run, model {args.model}, one person in view, 576x576 at 30 fps, dry run, {args.repeats} runs each"
    )
    for name, v in cpu.items():
        runs_pct = [round(c * 100, 1) for c in v]
        ratio = mean[name] / mean[base_name]
        print(f"  {name:45s} {mean[name] * 100:6.1f}% of one core  {ratio:5.3f}x baseline  runs {runs_pct}")
    print("  budget: everyone at most 1.10x the baseline")


if __name__ == "__main__":
    main()
