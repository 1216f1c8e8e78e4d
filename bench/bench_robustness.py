#!/usr/bin/env python3
"""The default gestures under the ways real people, cameras and pose models differ, on the TRAINING
subjects only (gesturectl/synth/datasets.py): recall of the zooms (NATOPS spread / fold wings), false
triggers on every training negative, and for each miss the step it stopped at and what blocked it.

    python bench/bench_robustness.py [--config my.yaml] [--half A|B] [--tempo 1.4] [--people 5]
                                     [--only shoulders,roll] [--commands-only] [--misses]

Each row perturbs every training recording one way (`gesturectl/synth/perturb.py`): shoulders and head
placed higher or lower (a pose model's, or the NATOPS converter's, guess), camera roll, heights
foreshortened (a camera above or below; > 1: shoulders seen narrower), distance, arm length, keypoint
jitter, dropped frames, the daemon's lower frame rates. `random people` draws all of them at once per
recording (and a tempo ×0.7–×1.4), `--people` times. Randomness is seeded: the figures repeat.
A miss's step is the furthest phase reached between the gesture's start and 1 s after its end; its
blocker what stopped the frame that got furthest through that step (`GestureProgress.blocking`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.config import load_config
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.synth.datasets import LOADERS, Case, retimed, training_halves
from gesturectl.synth.perturb import Perturbation, perturb

TOL_S = 1.0
P = Perturbation


def single_rows() -> list[tuple[str, list[Perturbation]]]:
    """(group, perturbations): one way at a time; random ones with three seeds."""
    seeds = (1, 2, 3)
    return [
        ("as recorded", [P()]),
        ("shoulders", [P(f"shoulders {d:+.1f} sw", shoulder_shift_sw=d) for d in (-0.2, -0.1, 0.1, 0.2)]),
        ("roll", [P(f"roll {d:+.0f} deg", roll_deg=d) for d in (-10.0, 10.0)]),
        ("vertical", [P(f"heights x{k:g}", vertical_scale=k) for k in (0.85, 1.15)]),
        ("distance", [P(f"distance: scale x{k:g}", scale=k) for k in (0.5, 1.5)]),
        ("arms", [P(f"arms x{k:g}", arm_scale=k) for k in (0.85, 1.15)]),
        ("jitter", [P(f"jitter {s:g} sw", jitter_sw=s, seed=r) for s in (0.02, 0.04) for r in seeds]),
        ("drop", [P(f"drop {100 * f:.0f}%", drop_frac=f, seed=r) for f in (0.1, 0.2) for r in seeds]),
        ("fps", [P(f"{f:g} fps", fps=f) for f in (15.0, 12.0, 10.0, 8.0)]),
    ]


FACTORS = ("arm_scale", "shoulder_shift_sw", "jitter_sw", "roll_deg", "vertical_scale", "scale", "drop_frac", "fps")


def random_person(
    rng: np.random.Generator, seed: int, fixed: frozenset[str] = frozenset()
) -> tuple[Perturbation, float]:
    """One draw of everything at once (and a tempo): a person, camera and pose model nobody tuned on
    (the factors named in `fixed`, and "tempo", are left as recorded)."""
    p = P(
        "random people",
        arm_scale=float(rng.uniform(0.85, 1.15)),
        shoulder_shift_sw=float(rng.uniform(-0.2, 0.2)),
        jitter_sw=0.02,
        roll_deg=float(rng.uniform(-10.0, 10.0)),
        vertical_scale=float(rng.uniform(0.85, 1.15)),
        scale=float(rng.uniform(0.6, 1.3)),
        drop_frac=0.05,
        fps=float(rng.choice([8.0, 10.0, 12.0, 15.0, 20.0])),
        seed=seed,
    )
    tempo = float(rng.uniform(0.7, 1.4))
    p = replace(p, **{f: getattr(P(), f) for f in fixed if f in FACTORS})
    return p, 1.0 if "tempo" in fixed else tempo


def run_case(spec, case: Case) -> tuple[list, dict[str, tuple[int, str]]]:
    """Events, and per labelled gesture where the attempt came closest in its window: the furthest step, and
    there the blocker on the frame that got furthest through the step (most conditions met, then hold or
    motion nearest done); "not engaged" counts as no condition met."""
    pipe, events = GesturePipeline(spec), []
    best: dict[str, tuple[tuple[int, int, float], str]] = {lab.gesture: ((0, -2, 0.0), "-") for lab in case.labels}
    windows = {lab.gesture: (lab.start, lab.end + TOL_S) for lab in case.labels}
    for t, pose in case.frames:
        events.extend(pipe.update(pose))
        for pr in pipe.progress() if best else ():
            if pr.gesture not in best or not windows[pr.gesture][0] <= t <= windows[pr.gesture][1]:
                continue
            b = pr.blocking
            met = -1 if pr.state == "not_engaged" else pr.conditions_met
            key = (pr.phase_index, met, -b.shortfall() if b is not None else 0.0)
            if key > best[pr.gesture][0]:
                words = f"{pr.phase_name}: {b.words()}" if b is not None else pr.phase_name
                best[pr.gesture] = (key, words)
    return events, {g: (key[0], words) for g, (key, words) in best.items()}


def evaluate(spec, cases: list[Case]) -> dict:
    hits: Counter = Counter()
    totals: Counter = Counter()
    misses: dict[str, Counter] = defaultdict(Counter)
    false: list[str] = []
    for c in cases:
        events, why = run_case(spec, c)
        for lab in c.labels:
            totals[lab.gesture] += 1
            if any(e.gesture == lab.gesture and lab.start <= e.t <= lab.end + TOL_S for e in events):
                hits[lab.gesture] += 1
            else:
                k, b = why[lab.gesture]
                misses[lab.gesture][f"step {k + 1} {b}"] += 1  # "step 3 apart: speed(...) < 3.00 (is 3.4 sw/s)"
        for e in events:
            if not any(lab.gesture == e.gesture and lab.start <= e.t <= lab.end + TOL_S for lab in c.labels):
                false.append(f"{c.name}({c.activity}):{e.gesture}")
    return {"hits": hits, "totals": totals, "misses": misses, "false": false}


def _seed(name: str, k: int) -> int:
    return zlib.crc32(f"{name}/{k}".encode())


def load_training(shared: Path, half: str | None, commands_only: bool) -> list[Case]:
    cases: list[Case] = []
    for name, (rel, loader) in LOADERS.items():
        if commands_only and name != "natops":
            continue
        cases.extend(c for c in loader(shared / rel) if not c.held_out)
    if commands_only:
        cases = [c for c in cases if c.labels]
    if half:
        halves = training_halves(cases)
        cases = [c for c in cases if halves[c.name] == half]
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=None, help="a gesturectl config (default: the bundled defaults)")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--half", choices=("A", "B"), default=None, help="only one half of the training subjects")
    ap.add_argument("--tempo", type=float, default=1.0, help="every recording re-timed by this factor first")
    ap.add_argument("--people", type=int, default=5, help="random people: draws per recording (0: none)")
    ap.add_argument("--only", default="", help="comma-separated groups (shoulders,roll,...,random)")
    ap.add_argument("--commands-only", action="store_true", help="recall only (skip the negatives: faster)")
    ap.add_argument("--fix", default="", help=f"random people: factors left as recorded ({','.join(FACTORS)},tempo)")
    ap.add_argument("--misses", action="store_true", help="list each miss's step and blocker per row")
    args = ap.parse_args()
    if not args.shared.exists():
        print(f"{args.shared}: not found (the real data lives in ../shared)", file=sys.stderr)
        return 2
    spec = load_config(args.config).gestures
    t0 = time.perf_counter()
    base = load_training(args.shared, args.half, args.commands_only)
    if args.tempo != 1.0:
        base = [retimed(c, args.tempo) for c in base]
    only = {s for s in args.only.split(",") if s}
    fixed = frozenset(s for s in args.fix.split(",") if s)
    if fixed - set(FACTORS) - {"tempo"}:
        print(
            f"--fix: unknown {sorted(fixed - set(FACTORS) - {'tempo'})}; valid: {FACTORS + ('tempo',)}", file=sys.stderr
        )
        return 2
    n_neg = sum(1 for c in base if not c.labels)
    print(
        f"training subjects{f', half {args.half}' if args.half else ''}, tempo x{args.tempo:g}: "
        f"{len(base) - n_neg} commands, {n_neg} negatives ({sum(c.duration_s for c in base if not c.labels) / 60:.1f} min)"
    )
    print(f"{'perturbation':28} {'zoom_in':>8} {'zoom_out':>8} {'false':>5}")
    grand: Counter = Counter()
    steps: Counter = Counter()
    for group, perts in single_rows():
        if only and group not in only:
            continue
        for p in perts:
            cases = [replace(c, frames=perturb(c.frames, replace(p, seed=_seed(c.name, p.seed)))) for c in base]
            res = evaluate(spec, cases)
            _row(p.name, res, args.misses)
            if group != "as recorded":
                _add(grand, steps, res)
    if args.people and (not only or "random" in only):
        _row(f"random people (x{args.people})", random_people(spec, base, args.people, fixed), args.misses)
    print(
        f"sum over single perturbations: zoom_in {grand['zoom_in']}/{grand['zoom_in_n']}, "
        f"zoom_out {grand['zoom_out']}/{grand['zoom_out_n']}, false {grand['false']}"
    )
    for key, n in sorted(steps.items()):
        print(f"  misses at {key}: {n}")
    print(f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return 0


def random_people(spec, base: list[Case], draws: int, fixed: frozenset[str]) -> dict:
    """Every recording as `draws` random people (each draw re-timed, then perturbed), scored together."""
    res: dict = {"hits": Counter(), "totals": Counter(), "misses": defaultdict(Counter), "false": []}
    for k in range(draws):
        cases = []
        for c in base:
            rng = np.random.default_rng(_seed(c.name, 1000 + k))
            p, tempo = random_person(rng, _seed(c.name, 2000 + k), fixed)
            timed = retimed(c, tempo)
            cases.append(replace(timed, frames=perturb(timed.frames, p)))
        r = evaluate(spec, cases)
        res["hits"].update(r["hits"])
        res["totals"].update(r["totals"])
        for g, m in r["misses"].items():
            res["misses"][g].update(m)
        res["false"] += r["false"]
    return res


def _add(grand: Counter, steps: Counter, res: dict) -> None:
    """Add one row to the totals over single perturbations (hits, labels, false; misses by gesture and step)."""
    for g in ("zoom_in", "zoom_out"):
        grand[g] += res["hits"][g]
        grand[f"{g}_n"] += res["totals"][g]
        for why, n in res["misses"][g].items():
            steps[f"{g} {why.split(':')[0]}"] += n
    grand["false"] += len(res["false"])


def _row(name: str, res: dict, show_misses: bool) -> None:
    h, n = res["hits"], res["totals"]
    print(f"{name:28} {h['zoom_in']:>3}/{n['zoom_in']:<4} {h['zoom_out']:>3}/{n['zoom_out']:<4} {len(res['false']):>5}")
    if show_misses:
        for g, m in sorted(res["misses"].items()):
            for why, count in m.most_common():
                print(f"    {g} missed x{count}: {why}")
        if res["false"]:
            print(f"    false: {', '.join(sorted(Counter(res['false'])))}")


if __name__ == "__main__":
    sys.exit(main())
