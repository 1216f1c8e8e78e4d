#!/usr/bin/env python3
"""Benchmark: what following everyone costs per frame with 1, 2 and 4 people in view, against the
single-person pipeline measured in the same run.

    python bench/bench_people.py [--frames 90] [--model full]

Pose: each of three real COCO photos (../shared/media/coco: 000000000785 with 1 person, 000000040083
with 2, 000000196141 with 4 labelled people) is played as a 30 fps stream of `--frames` frames:
`MultiBlazePoseEstimator` (MoveNet MultiPose finds people every recheck_s, one BlazePose crop per person
per frame) against `BlazePoseEstimator` (one person). People stage: tracker + limb ownership + user lock on
synthetic puppet scenes of 1, 2 and 4 people (pure numpy, no model). CPU is process time on one thread.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.config import load_config
from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.pose.multi import MultiBlazePoseEstimator
from gesturectl.pose.settings import PoseSettings
from gesturectl.runtime.selection import people_stage
from gesturectl.synth.puppet import POSTURES, Camera, render
from gesturectl.types import Frame, Person, Scene

SHARED = Path(os.environ.get("GESTURECTL_SHARED") or ROOT.parent / "shared")
PHOTOS = {1: "000000000785.jpg", 2: "000000040083.jpg", 4: "000000196141.jpg"}


def ms_per_frame(step, frames: int) -> float:
    step(0.0)  # the first frame finds the people
    start = time.process_time()
    for i in range(1, frames + 1):
        step(i / 30.0)
    return (time.process_time() - start) / frames * 1000.0


def pose_rows(model: str, frames: int) -> list[tuple[int, float, float, int]]:
    settings = PoseSettings(model=model, max_people=4)
    rows = []
    for n, name in PHOTOS.items():
        img = cv2.imread(str(SHARED / "media" / "coco" / name))
        multi = MultiBlazePoseEstimator.from_settings(settings)
        single = BlazePoseEstimator.from_settings(settings)
        found = len(multi.estimate_scene(Frame(img, 0.0)).people)
        multi.reset()
        m = ms_per_frame(lambda t, est=multi, im=img: est.estimate_scene(Frame(im, t)), frames)
        s = ms_per_frame(lambda t, est=single, im=img: est.estimate(Frame(im, t)), frames)
        rows.append((n, m, s, found))
    return rows


def people_rows(frames: int) -> list[tuple[int, float]]:
    cfg = load_config(None)
    rows = []
    for n in (1, 2, 4):
        cams = [Camera((640, 480), 110.0 - 15 * k, (120.0 + 130 * k, 200.0 - 10 * k)) for k in range(n)]
        stage = people_stage(cfg.user, cfg.gestures)

        def step(t: float, cams=cams, stage=stage) -> None:
            arms = POSTURES["hands_together"] + 0.05 * np.sin(t)
            stage.select(Scene(tuple(Person(render(arms, c, t)) for c in cams), (640, 480), t))

        rows.append((n, ms_per_frame(step, frames)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=90)
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    if not (SHARED / "media" / "coco").is_dir():
        sys.exit(f"needs {SHARED / 'media' / 'coco'} (set GESTURECTL_SHARED)")
    print(f"pose per frame, model {args.model}, 1 thread, {args.frames} frames of a 30 fps stream per photo")
    print("| people labelled | people followed | everyone (ms) | single person (ms) | ratio |")
    print("|---|---|---|---|---|")
    for n, m, s, found in pose_rows(args.model, args.frames):
        print(f"| {n} | {found} | {m:.1f} | {s:.1f} | {m / s:.2f} |")
    print("\npeople stage per frame (tracker + limb ownership + user lock), puppet scenes")
    for n, ms in people_rows(args.frames * 3):
        print(f"  {n} people: {ms:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
