#!/usr/bin/env python3
"""The default gestures on real people: recall, false triggers per hour and latency, per dataset and
per gesture, on training and held-out subjects (see gesturectl/synth/datasets.py for the split).

    python bench/bench_gestures.py [--config my.yaml] [--split test|train|all] [--cache DIR] [--show-fires]
                                   [--halves] [--tempo 0.7,1.4]

Needs ../shared. Photos (gesture_frames) and the real video become traces through the pose model
(`gesturectl record`) once and are cached in --cache (default /tmp/gesturectl_bench), outside the repo.
Latency is from the labelled gesture's end (NATOPS: the wrists' widest/closest moment; photos: the
pose being in place) to the event.

`--halves` reports the training subjects as two halves (every second training subject of each dataset,
`training_halves`): choose on one, check on the other. `--tempo` also reports every selection performed
faster or slower (each recording re-timed by the factor: 0.7 is a person 30% faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gesturectl.config import load_config
from gesturectl.gestures.evaluation import Score, score_trace
from gesturectl.gestures.pipeline import recognize
from gesturectl.synth.datasets import LOADERS, Case, photo_cases, retimed, trace_cases, training_halves

TOLERANCE_S = {"gesture_frames": 2.0}  # a held photo: the event may come any time while it is held (2 s)
# ["--config", path] when --config is given: the photos and the video are recorded with its pose settings
RECORD_CONFIG: list[str] = []


def record(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".part")
    subprocess.run(
        [sys.executable, "-m", "gesturectl", "record", "--source", str(src), "-o", str(tmp), *RECORD_CONFIG],
        check=True,
        capture_output=True,
    )
    tmp.rename(dst)


def cached_media(shared: Path, cache: Path) -> tuple[Path, list[Path]]:
    """Record (once) every gesture_frames photo and the real video as traces in the cache."""
    photos = shared / "media" / "gesture_frames"
    out = cache / "gesture_frames"
    for jpg in sorted(photos.glob("*/*/*.jpg")):
        dst = out / jpg.relative_to(photos).with_suffix(".jsonl")
        if not dst.exists():
            record(jpg, dst)
    videos = []
    for mp4 in sorted((shared / "media" / "video").glob("*.mp4")):
        dst = cache / "video" / f"{mp4.stem}.jsonl"
        if not dst.exists():
            record(mp4, dst)
        videos.append(dst)
    return out, videos


def all_cases(shared: Path, cache: Path, only: set[str] | None) -> list[Case]:
    cases: list[Case] = []
    for name, (rel, loader) in LOADERS.items():
        if only and name not in only:
            continue
        if (shared / rel).exists():
            cases.extend(loader(shared / rel))
        else:
            print(f"skip {name}: ../shared/{rel} not present", file=sys.stderr)
    if not only or {"gesture_frames", "video"} & only:
        photos, videos = cached_media(shared, cache)
        if not only or "gesture_frames" in only:
            cases.extend(photo_cases(photos))
        if not only or "video" in only:
            cases.extend(trace_cases(videos))
    return cases


def _f(v: float | None, digits: int = 1, pct: bool = False) -> str:
    if v is None:
        return "-"
    return f"{100 * v:.{digits}f}%" if pct else f"{v:.{digits}f}"


def evaluate(spec, cases: list[Case], recognize=recognize) -> dict:
    """Scores per (dataset, kind) and per (dataset, gesture), and the events that fired on negatives
    (`recognize(spec, frames)` gives a case's events: every frame by default)."""
    by_set: dict[tuple[str, str], Score] = defaultdict(Score)
    by_gesture: dict[tuple[str, str], Score] = defaultdict(Score)
    fires: dict[str, list[str]] = defaultdict(list)
    for c in cases:
        events = recognize(spec, c.frames)
        tol = TOLERANCE_S.get(c.dataset, 1.0)
        score_trace(by_set[(c.dataset, c.kind)], c.name, events, list(c.labels), c.duration_s, tol)
        gestures = {lab.gesture for lab in c.labels} | {e.gesture for e in events}
        for g in gestures:
            labs = [lab for lab in c.labels if lab.gesture == g]
            evs = [e for e in events if e.gesture == g]
            score_trace(by_gesture[(c.dataset, g)], c.name, evs, labs, 0.0, tol)
        for e in events:
            if not any(lab.gesture == e.gesture and lab.start <= e.t <= lab.end + tol for lab in c.labels):
                fires[f"{c.dataset}/{c.activity}"].append(f"{c.name}:{e.gesture}@{e.t:.1f}")
    return {"by_set": by_set, "by_gesture": by_gesture, "fires": fires}


def report(title: str, cases: list[Case], res: dict, show_fires: bool) -> dict:
    print(f"\n== {title}: {len(cases)} recordings, {sum(c.duration_s for c in cases) / 60:.1f} min ==")
    print(
        f"{'dataset':16} {'kind':10} {'min':>6} {'labels':>6} {'recall':>7} {'false':>5} {'FT/h':>6} {'lat med/p95 s':>14}"
    )
    summary = {}
    totals: dict[str, Score] = defaultdict(Score)
    for (ds, kind), s in sorted(res["by_set"].items()):
        lat = f"{_f(s.latency(50), 2)}/{_f(s.latency(95), 2)}"
        print(
            f"{ds:16} {kind:10} {s.unlabelled_s / 60:6.1f} {s.labels:6d} {_f(s.recall, 1, True):>7} "
            f"{s.false_triggers:5d} {_f(s.false_per_hour):>6} {lat:>14}"
        )
        t = totals["negatives: " + kind if kind != "command" else "commands"]
        t.labels += s.labels
        t.true_positives += s.true_positives
        t.false_triggers += s.false_triggers
        t.unlabelled_s += s.unlabelled_s
        t.latencies_s += s.latencies_s
        summary[f"{ds}/{kind}"] = {"recall": s.recall, "false": s.false_triggers, "ft_per_hour": s.false_per_hour}
    print("per gesture:")
    for (ds, g), s in sorted(res["by_gesture"].items()):
        rec = f"recall {_f(s.recall, 1, True)} ({s.true_positives}/{s.labels})" if s.labels else "no labels"
        lat = f", latency med {_f(s.latency(50), 2)} s p95 {_f(s.latency(95), 2)} s" if s.latencies_s else ""
        print(f"  {ds:16} {g:10} {rec}, false triggers {s.false_triggers}{lat}")
    print("totals:")
    for k, s in sorted(totals.items()):
        if k == "commands":
            print(f"  {k:22} recall {_f(s.recall, 1, True)} ({s.true_positives}/{s.labels})")
        else:
            print(f"  {k:22} {s.false_triggers} false in {s.unlabelled_s / 60:.1f} min = {_f(s.false_per_hour)} /h")
        summary[f"total/{k}"] = {"recall": s.recall, "false": s.false_triggers, "ft_per_hour": s.false_per_hour}
    if show_fires:
        for k, v in sorted(res["fires"].items()):
            print(f"  fired on {k}: {', '.join(v)}")
    return summary


def selections(cases: list[Case], split: str, halves: bool) -> list[tuple[str, str, list[Case]]]:
    """(key, title, cases) to report: the training subjects (or their two halves) and/or the held-out ones."""
    out = []
    if split in ("train", "all"):
        train = [c for c in cases if not c.held_out]
        if halves:
            half = training_halves(train)
            for h in ("A", "B"):
                out.append((f"train_{h}", f"training subjects, half {h}", [c for c in train if half[c.name] == h]))
        else:
            out.append(("train", "training subjects (tuning)", train))
    if split in ("test", "all"):
        out.append(("test", "held-out subjects (report)", [c for c in cases if c.held_out]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=None, help="a gesturectl config (default: the bundled defaults)")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/gesturectl_bench"))
    ap.add_argument("--split", choices=("test", "train", "all"), default="all")
    ap.add_argument("--datasets", default="", help="comma-separated subset (msr_action3d,msrc12,natops,...)")
    ap.add_argument("--show-fires", action="store_true", help="list every event on a negative")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--halves", action="store_true", help="training subjects as two halves (A, B)")
    ap.add_argument("--tempo", default="", help="comma-separated re-timing factors, e.g. 0.7,0.85,1.2,1.4")
    args = ap.parse_args()
    if not args.shared.exists():
        print(f"{args.shared}: not found (the real data lives in ../shared)", file=sys.stderr)
        return 2
    spec = load_config(args.config).gestures
    if args.config is not None:  # its pose settings record the photos and the video (use a --cache of its own)
        RECORD_CONFIG[:] = ["--config", str(args.config)]
    only = {s for s in args.datasets.split(",") if s} or None
    t0 = time.perf_counter()
    cases = all_cases(args.shared, args.cache, only)
    t1 = time.perf_counter()
    out = {}
    tempos = [1.0] + [float(k) for k in args.tempo.split(",") if k]
    for key, title, sel in selections(cases, args.split, args.halves):
        for k in tempos:
            timed = sel if k == 1.0 else [retimed(c, k) for c in sel]
            name = key if k == 1.0 else f"{key}@x{k:g}"
            shown = title if k == 1.0 else f"{title}, performed x{k:g} as long"
            out[name] = report(shown, timed, evaluate(spec, timed), args.show_fires)
    print(f"\n(loaded in {t1 - t0:.1f} s, recognized in {time.perf_counter() - t1:.1f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
