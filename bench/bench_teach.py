#!/usr/bin/env python3
"""Taught gestures on real people: learn from 5 repetitions by one person, then measure how often
another person's repetitions fire it (recall) and how often everything else fires it (false triggers
per hour), with the recognizer the daemon runs (`gesturectl teach`'s learning, bundled negatives).

    python bench/bench_teach.py [--examples 5]

Data (../shared or GESTURECTL_SHARED): MSRC-12 gestures recorded by three people (G1 lift arms, G4
goggles, G9 had enough, G11 beat both). Each repetition is the window around its tagged action point
([-1.0, +0.8] s). Teacher: the first --teachers people in turn (default 1); recall on the two others' repetitions (an event within
[-1.0, +1.5] s of an action point); false triggers on the other MSRC-12 recordings, MSR Action3D and
UAV-GESTURE (all of them, about 38 minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.config import load_config
from gesturectl.gestures.features import FeatureTracker
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.gestures.spec import GestureSpec
from gesturectl.gestures.templates import features, learn
from gesturectl.synth.datasets import msr_cases, msrc12_cases, uav_cases
from gesturectl.synth.puppet import EVERYDAY_SCRIPTS, perform

BEFORE_S, AFTER_S = 1.0, 0.8


def feats_of(frames, spec):
    tr = FeatureTracker(spec.min_joint_score, spec.speed_window_s, spec.max_dropout_s)
    rows = [(t, f) for t, p in frames if (fr := tr.update(p)) is not None and (f := features(fr.points)) is not None]
    return np.array([r[0] for r in rows]), np.stack([r[1] for r in rows])


def cut(times, feats, a, b):
    sel = (times >= a) & (times <= b)
    return times[sel], feats[sel]


def events(spec_g, model, name, frames, base):
    spec = base.model_copy(update={"definitions": {name: spec_g}})
    pipe = GesturePipeline(spec, {name: model})
    return [e.t for _, p in frames for e in pipe.update(p)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--teachers", type=int, default=1, help="teachers per gesture (each costs about a minute)")
    args = ap.parse_args()
    base = load_config(None).gestures
    msrc = list(msrc12_cases(args.shared / "motion/msrc12_dev"))
    others = list(msr_cases(args.shared / "motion/msr_action3d_dev")) + list(
        uav_cases(args.shared / "motion/uav_gesture_dev")
    )
    from gesturectl.synth.msrc12 import read_sequence

    points = {c.name: read_sequence(args.shared / "motion/msrc12_dev" / f"{c.name}.csv").action_points_s for c in msrc}
    bundled = []
    for script in EVERYDAY_SCRIPTS.values():
        bundled.append(feats_of(list(perform(script, seed=1, noise_px=1.0)), base))
    by_act = defaultdict(list)
    for c in msrc:
        by_act[c.activity].append(c)
    spec_g = GestureSpec(template="taught", engage=False, cooldown_s=1.0)
    print(f"{'gesture':14} {'teacher':8} {'thr':>6} {'recall others':>14} {'false/h':>8}  (negatives)", flush=True)
    totals = defaultdict(list)
    for act, cases in sorted(by_act.items()):
        if len({c.subject for c in cases}) < 2:
            continue
        for teacher in cases[: args.teachers]:
            t, f = feats_of(teacher.frames, base)
            exs = [cut(t, f, ap - BEFORE_S, ap + AFTER_S) for ap in points[teacher.name][: args.examples]]
            model, info = learn("taught", [e for e in exs if len(e[0]) > 4], bundled)
            hit = n = 0
            for other in cases:
                if other.subject == teacher.subject:
                    continue
                ev = events(spec_g, model, "taught", other.frames, base)
                for apt in points[other.name]:
                    n += 1
                    hit += any(apt - BEFORE_S <= e <= apt + 1.5 for e in ev)
            neg = [c for c in msrc if c.activity != act] + others
            false = sum(len(events(spec_g, model, "taught", c.frames, base)) for c in neg)
            minutes = sum(c.duration_s for c in neg) / 60
            rec = hit / n if n else float("nan")
            totals["recall"].append(rec)
            totals["fph"].append(false / (minutes / 60))
            print(
                f"{act:14} {teacher.subject:8} {model.threshold:6.3f} {100 * rec:13.0f}% "
                f"{false / (minutes / 60):8.1f}  ({false} in {minutes:.0f} min)",
                flush=True,
            )
    print(
        f"mean over teachers: recall {100 * np.mean(totals['recall']):.0f}%, false triggers {np.mean(totals['fph']):.1f}/h"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
