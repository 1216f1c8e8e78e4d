#!/usr/bin/env python3
"""The adaptive frame rate on real people: do the default gestures still fire, and how many frames does it look at?

    python bench/bench_pacing.py [--split test|train|all] [--cache DIR] [--watch-fps 8] [--idle-fps 2]

Every recording of bench_gestures.py (needs ../shared) is replayed twice through the same recognizer: once
looking at every frame, once as the daemon would with `runtime/pacing.py` (every frame only while a
gesture may be underway, `watch_fps` while someone is in view). Printed per dataset and kind: the share of
frames looked at, recall and false triggers both ways, and for each gesture that fired both ways the
extra delay the pace added (event time paced − event time at full rate). Recordings are replayed as
they were recorded (15–30 fps); nobody in view counts as a changed frame (a trace has no pixels), so
idle frames are counted at their worst.
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_gestures import all_cases, evaluate

from gesturectl.config import load_config
from gesturectl.gestures.pipeline import recognize
from gesturectl.runtime.pacing import PaceSettings, paced_recognize


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/gesturectl_bench"))
    ap.add_argument("--split", choices=("test", "train", "all"), default="all")
    ap.add_argument("--watch-fps", type=float, default=None, help="default: the config's daemon.watch_fps")
    ap.add_argument("--idle-fps", type=float, default=None, help="default: the config's daemon.idle_fps")
    args = ap.parse_args()
    if not args.shared.exists():
        print(f"{args.shared}: not found (the real data lives in ../shared)", file=sys.stderr)
        return 2
    cfg = load_config(args.config)
    d = cfg.daemon
    pace = PaceSettings(
        watch_fps=args.watch_fps or d.watch_fps, idle_fps=args.idle_fps or d.idle_fps, idle_after_s=d.idle_after_s
    )
    cases = all_cases(args.shared, args.cache, None)
    if args.split != "all":
        cases = [c for c in cases if c.held_out == (args.split == "test")]
    runs = {id(c.frames): paced_recognize(cfg.gestures, c.frames, pace) for c in cases}  # by the recording
    looked: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])  # looked, frames, seconds
    delays: dict[str, list[float]] = defaultdict(list)
    for c in cases:
        r = runs[id(c.frames)]
        looked[(c.dataset, c.kind)][0] += r.looked
        looked[(c.dataset, c.kind)][1] += r.frames
        looked[(c.dataset, c.kind)][2] += c.duration_s
        full = recognize(cfg.gestures, c.frames)
        for e in r.events:  # the same gesture at full rate, fired within a second before or after
            near = [f.t for f in full if f.gesture == e.gesture and abs(f.t - e.t) <= 1.0]
            if near:
                delays[c.kind].append(e.t - min(near, key=lambda t: abs(t - e.t)))
    full_res = evaluate(cfg.gestures, cases)
    paced_res = evaluate(cfg.gestures, cases, recognize=lambda spec, frames: list(runs[id(frames)].events))
    print(
        f"split {args.split}: {len(cases)} recordings, {sum(c.duration_s for c in cases) / 60:.1f} min; "
        f"pace: watch {pace.watch_fps:g} fps, idle {pace.idle_fps:g} fps, every frame while underway"
    )
    print(f"{'dataset':16} {'kind':10} {'looked at, of fps':>17} {'recall full/paced':>18} {'false full/paced':>17}")
    for key, (n, total, secs) in sorted(looked.items()):
        f, p = full_res["by_set"][key], paced_res["by_set"][key]
        rec = f"{_pct(f.recall)}/{_pct(p.recall)}"
        rate = f"{n / secs:5.1f} of {total / secs:4.1f}"
        print(f"{key[0]:16} {key[1]:10} {rate:>17} {rec:>18} {f.false_triggers:>8}/{p.false_triggers:<8}")
    for kind, ds in sorted(delays.items()):
        a = np.array(ds)
        print(
            f"delay added by the pace ({kind}, {len(a)} events): median {np.median(a) * 1000:.0f} ms, "
            f"p95 {np.percentile(a, 95) * 1000:.0f} ms, max {a.max() * 1000:.0f} ms"
        )
    return 0


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


if __name__ == "__main__":
    sys.exit(main())
