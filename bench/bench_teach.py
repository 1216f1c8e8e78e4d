#!/usr/bin/env python3
"""Taught gestures across people: learn from 5 repetitions by one person, then measure how often
*other* people's repetitions fire it (recall) and how often everything else fires it (false triggers
per hour), with `gesturectl teach`'s learning (bundled negatives only) and the daemon's matcher.

    python bench/bench_teach.py [--split dev|heldout] [--datasets msrc12,uav_gesture,natops]
    python bench/bench_teach.py --code ../../main     # the same protocol on another checkout's code

Split (synth/datasets.py, fixed before any tuning): teachers are always *training* subjects. `dev`
measures recall on the other training subjects and false triggers on the training subjects'
recordings; `heldout` measures recall on the held-out subjects and false triggers on the held-out
recordings (look at it once, at the end).

Data (../shared or GESTURECTL_SHARED), per dataset:
- msrc12: G1 start system (lift outstretched arms), G4 goggles, G9 had enough, G11 beat both, each by three people. Examples: the
  teacher's first 5 tagged repetitions ([-1.0, +0.8] s around the action point); a repetition by
  someone else is recalled by an event within [-1.0, +1.5] s of its action point. (G9 and G11 have
  one training person only: held-out figures only.)
- uav_gesture: the 10 repeated signals (hover and land are held poses, landing_direction barely
  repeats); teacher S1. A clip repeats its gesture; its period P comes from the autocorrelation of
  the arm features. Examples: the teacher's first 5 cycles, starting where the wrists are lowest.
  Recall: the share of the other subjects' cycles (P-long slots after the first) with an event.
- natops: the 6 classes (no subject ids: training = even sample indices, held-out = odd). Examples:
  the first 5 training samples of the class (the gesture without the 1 s still lead-in); recall: an
  event within a sample's gesture (+0.5 s).
False triggers: every recording of the split that is not the gesture's class, in all four datasets
(MSRC-12 other gestures, MSR Action3D, UAV-GESTURE other signals, NATOPS other classes).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
UAV_CLASSES = (
    "all_clear",
    "have_command",
    "move_ahead",
    "move_downward",
    "move_to_left",
    "move_to_right",
    "move_upward",
    "not_clear",
    "slow_down",
    "wave_off",
)
MSRC_CLASSES = ("start_system", "goggles", "had_enough", "beat_both")
BEFORE_S, AFTER_S, LATE_S = 1.0, 0.8, 1.5
NATOPS_PAD_S = 1.0
SWEEP = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def _import(code: Path):
    """The gesturectl modules the bench needs, from the checkout at `code`."""
    sys.path.insert(0, str(code))
    names = (
        "config",
        "gestures.features",
        "gestures.smoothing",
        "gestures.spec",
        "gestures.templates",
        "gestures.learned",
        "gestures.teaching",
        "cli.teach",
        "synth.datasets",
        "synth.msrc12",
    )
    mods = {}
    for n in names:
        try:
            mods[n] = importlib.import_module(f"gesturectl.{n}")
        except ModuleNotFoundError:
            if n != "gestures.teaching":
                raise
            mods[n] = importlib.import_module("gesturectl.gestures.templates")  # older code: learning lived there
    got = Path(mods["config"].__file__).resolve()
    assert got.is_relative_to(code.resolve()), f"imported {got}, not from {code}"
    return mods


class Bench:
    def __init__(self, mods, shared: Path, split: str, opts: dict[str, str]) -> None:
        self.m = mods
        self.opts = None
        self.sweep: float | None = None
        self._traces: dict = {}
        self._frames: dict = {}
        if opts:  # LearnOptions overrides, to compare designs (only where the code has them)
            lo = mods["gestures.teaching"].LearnOptions
            base = lo()
            kw = {k: type(getattr(base, k))(eval(v)) for k, v in opts.items()}
            self.opts = lo(**kw)
        self.shared = shared
        self.heldout = split == "heldout"
        self.cfg = mods["config"].load_config(None)
        self.spec = self.cfg.gestures
        self.bundled = mods["cli.teach"]._bundled_negatives(self.cfg)
        self.gspec = mods["gestures.spec"].GestureSpec(template="taught", engage=False, cooldown_s=1.0)

    def frames(self, case):
        """(t, BodyFrame | None) as the recognizer sees them (smoothed), once per case."""
        key = (case.dataset, case.name)
        if key not in self._frames:
            self._frames[key] = self._body_frames(case)
        return self._frames[key]

    def _body_frames(self, case):
        g = self.spec
        s = g.smoothing
        sm = self.m["gestures.smoothing"].PoseSmoother(
            s.min_cutoff_hz, s.beta, s.d_cutoff_hz, g.min_joint_score, g.max_dropout_s
        )
        tr = self.m["gestures.features"].FeatureTracker(g.min_joint_score, g.speed_window_s, g.max_dropout_s)
        return [(t, tr.update(sm.update(p))) for t, p in case.frames]

    def feats(self, bframes, a=-np.inf, b=np.inf):
        """(times, raw features) of the frames in [a, b] with both arms seen."""
        f = self.m["gestures.templates"].features
        rows = [(t, x) for t, fr in bframes if fr is not None and a <= t <= b and (x := f(fr.points)) is not None]
        if not rows:
            return np.zeros(0), np.zeros((0, 8))
        return np.array([r[0] for r in rows]), np.stack([r[1] for r in rows])

    def events(self, model, bframes):
        """Event times of one taught gesture over a stream, as the recognizer runs it alone."""
        if self.sweep is not None:
            return self._simulated(model, bframes)
        mt = self.m["gestures.learned"].TemplateMatcher("taught", self.gspec, model, self.spec.max_dropout_s)
        out = []
        for _, fr in bframes:
            if fr is None:
                mt.suppress()
                continue
            c = mt.step(fr, False)
            if c is not None:
                mt.commit(c)
                out.append(c.t)
        return out

    def _simulated(self, model, bframes):
        """--sweep: events at `self.sweep` times the model's threshold, from a cached distance trace."""
        key = (id(model), id(bframes))
        if key not in self._traces:
            from dataclasses import replace

            mt = self.m["gestures.learned"].TemplateMatcher(
                "taught", self.gspec, replace(model, threshold=1e9), self.spec.max_dropout_s
            )
            trace = []
            for _, fr in bframes:
                if fr is None:
                    mt.suppress()
                    continue
                mt._distance = None
                mt.step(fr, False)
                if mt._distance is not None:
                    trace.append((fr.t, mt._distance))
            self._traces[key] = (bframes, trace)  # holding the stream keeps its id from being reused
        theta = self.sweep * model.threshold
        refill = max(self.gspec.cooldown_s, 0.9 * min(model.window_scales) * model.duration_s)
        out, block = [], -np.inf
        for t, d in self._traces[key][1]:
            if t >= block and d < theta:
                out.append(t)
                block = t + refill
        return out

    def learn(self, examples):
        exs = [e for e in examples if len(e[0]) > 4]
        if self.opts is None:
            return self.m["gestures.teaching"].learn("taught", exs, self.bundled)
        return self.m["gestures.teaching"].learn("taught", exs, self.bundled, self.opts)


def period_s(times, feats) -> float:
    """The repetition period of a clip: the first strong autocorrelation peak of the centred features."""
    x = feats - feats.mean(axis=0)
    dt = float(np.median(np.diff(times)))
    lags = range(int(0.6 / dt), min(int(3.0 / dt), len(x) // 2))
    ac = np.array([(x[:-k] * x[k:]).sum() / max((x * x).sum(), 1e-9) for k in lags])
    peaks = [i for i in range(1, len(ac) - 1) if ac[i] >= ac[i - 1] and ac[i] >= ac[i + 1] and ac[i] > 0.3]
    i = peaks[0] if peaks else int(np.argmax(ac))
    return (i + lags.start) * dt


def msrc_tasks(b: Bench, cases):
    read = b.m["synth.msrc12"].read_sequence
    aps = {c.name: read(b.shared / "motion/msrc12_dev" / f"{c.name}.csv").action_points_s for c in cases}
    for act in MSRC_CLASSES:
        mine = [c for c in cases if c.activity == act]
        for teacher in [c for c in mine if not c.held_out]:
            others = [c for c in mine if c.subject != teacher.subject and c.held_out == b.heldout]
            if not others:
                continue
            bf = b.frames(teacher)
            exs = [b.feats(bf, ap - BEFORE_S, ap + AFTER_S) for ap in aps[teacher.name][:5]]

            def recall(model, others=others):
                hit = n = 0
                for o in others:
                    ev = b.events(model, b.frames(o))
                    for ap in aps[o.name]:
                        n += 1
                        hit += any(ap - BEFORE_S <= e <= ap + LATE_S for e in ev)
                return hit, n

            yield act, teacher.subject, exs, recall


def uav_tasks(b: Bench, cases):
    for act in UAV_CLASSES:
        mine = [c for c in cases if c.activity == act]
        teacher = next(c for c in mine if c.subject == "S1")
        others = [c for c in mine if c.subject != "S1" and c.held_out == b.heldout]
        t, f = b.feats(b.frames(teacher))
        p = period_s(t, f)
        low = f[:, [1, 3]].sum(axis=1)  # the wrists' heights
        first = t < t[0] + p
        t0 = float(t[first][int(np.argmin(low[first]))])
        exs = [(t[s], f[s]) for k in range(5) if (s := (t >= t0 + k * p) & (t <= t0 + (k + 1) * p)).sum() > 4]

        def recall(model, others=others):
            hit = n = 0
            for o in others:
                bf = b.frames(o)
                ot, of = b.feats(bf)
                po = period_s(ot, of)
                ev = np.array(b.events(model, bf))
                start = ot[0] + po
                while start + po <= ot[-1] + 1e-9:
                    n += 1
                    hit += bool(((ev >= start) & (ev < start + po)).any())
                    start += po
            return hit, n

        yield act, "S1", exs, recall


def natops_tasks(b: Bench, cases):
    for act in sorted({c.activity for c in cases}):
        mine = [c for c in cases if c.activity == act]
        train = [c for c in mine if not c.held_out]
        teacher_cases = train[:5]
        others = [c for c in mine if c.held_out] if b.heldout else train[5:]
        exs = [b.feats(b.frames(c), NATOPS_PAD_S) for c in teacher_cases]

        def recall(model, others=others):
            hit = 0
            for o in others:
                ev = b.events(model, b.frames(o))
                hit += any(NATOPS_PAD_S <= e <= o.frames[-1][0] + 0.5 for e in ev)
            return hit, len(others)

        yield act.replace(" ", "_"), "i00-i08", exs, recall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose gesturectl is measured")
    ap.add_argument("--split", choices=("dev", "heldout"), default="dev")
    ap.add_argument("--datasets", default="msrc12,uav_gesture,natops")
    ap.add_argument("--sweep", action="store_true", help="dev: recall and false triggers at several thresholds")
    ap.add_argument("--opt", action="append", default=[], help="a LearnOptions field=value to try (repeatable)")
    args = ap.parse_args()
    mods = _import(args.code)
    b = Bench(mods, args.shared, args.split, dict(o.split("=", 1) for o in args.opt))
    if args.opt:
        print(f"options {b.opts}", flush=True)
    loaders = mods["synth.datasets"].LOADERS
    all_cases = {}
    for name, (rel, load) in loaders.items():
        all_cases[name] = list(load(args.shared / rel))
    split = [c for cs in all_cases.values() for c in cs if c.held_out == b.heldout]
    print(
        f"code {args.code.resolve()}, split {args.split}: {sum(c.duration_s for c in split) / 60:.0f} min", flush=True
    )
    neg_frames = [(c.dataset, c.activity, b.frames(c), c.duration_s) for c in split]
    makers = {"msrc12": msrc_tasks, "uav_gesture": uav_tasks, "natops": natops_tasks}
    print(f"{'dataset':12} {'gesture':15} {'teacher':8} {'thr':>6} {'recall':>13} {'false/h':>8}  (in)", flush=True)
    rows = []
    sweeps = defaultdict(list)
    for ds in args.datasets.split(","):
        for act, teacher, exs, recall in makers[ds](b, all_cases[ds]):
            t0 = time.perf_counter()
            model, _ = b.learn(exs)
            neg = [
                (bf, d, dset == "msr_action3d")  # everyday motion; the rest are other signal vocabularies
                for dset, a, bf, d in neg_frames
                if not (dset == ds and a.replace(" ", "_") == act)
            ]
            hours = sum(d for _, d, _ in neg) / 3600
            if args.sweep:
                line = []
                for k in SWEEP:
                    b.sweep = k
                    hit, n = recall(model)
                    false = sum(len(b.events(model, bf)) for bf, _, _ in neg)
                    sweeps[k].append((hit / max(n, 1), false / hours))
                    line.append(f"{k}x {100 * hit / max(n, 1):3.0f}% {false / hours:5.1f}/h")
                print(f"{ds:12} {act:15} {model.threshold:6.3f} " + " | ".join(line), flush=True)
                b._traces.clear()
                continue
            hit, n = recall(model)
            fired = [(len(b.events(model, bf)), d, daily) for bf, d, daily in neg]
            false = sum(k for k, _, _ in fired)
            daily_h = sum(d for _, d, daily in fired if daily) / 3600
            daily_n = sum(k for k, _, daily in fired if daily)
            rows.append((ds, act, hit / max(n, 1), false / hours, daily_n / daily_h))
            print(
                f"{ds:12} {act:15} {teacher:8} {model.threshold:6.3f} {hit:4d}/{n:<3d}{100 * hit / max(n, 1):4.0f}% "
                f"{false / hours:8.1f}  ({false} in {60 * hours:.0f} min; everyday {daily_n / daily_h:.1f}/h; "
                f"{time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
    for k, v in sweeps.items():
        print(
            f"sweep {k}x threshold: recall {100 * np.mean([x[0] for x in v]):3.0f}%, "
            f"false triggers {np.mean([x[1] for x in v]):5.1f}/h, median {np.median([x[1] for x in v]):5.1f}/h"
        )
    by = defaultdict(list)
    for ds, _, r, f, e in rows:
        by[ds].append((r, f, e))
        by["all"].append((r, f, e))
    for ds, v in by.items():
        r, f, e = (np.mean([x[i] for x in v]) for i in range(3))
        print(
            f"mean {ds:12} ({len(v):2d} gestures): recall {100 * r:3.0f}%, false triggers {f:5.1f}/h "
            f"(everyday motion {e:4.1f}/h)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
