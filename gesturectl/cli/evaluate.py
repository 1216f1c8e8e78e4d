"""`gesturectl eval DIR`: precision, recall, false triggers per hour and latency over labelled traces."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gesturectl.cli.common import add_config
from gesturectl.errors import SourceError


def _fmt(v: float | None, unit: str = "", digits: int = 3) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}{unit}"


def register(sub) -> None:
    ev = sub.add_parser("eval", help="score the recognizer on traces with NAME.labels.json sidecars")
    ev.add_argument("dir", type=Path)
    add_config(ev)
    ev.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ev.add_argument("--tolerance", type=float, default=1.0, help="seconds after a label's end an event may come")
    ev.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.gestures.evaluation import Score, read_labels, score_trace
    from gesturectl.gestures.pipeline import recognize
    from gesturectl.sources.traces import read_trace

    cfg = load_config(args.config)
    pairs = sorted(p for p in args.dir.glob("*.jsonl") if (p.parent / f"{p.stem}.labels.json").exists())
    if not pairs:
        raise SourceError(f"{args.dir}: no traces with a NAME.labels.json sidecar")
    score = Score()
    total_s = 0.0
    for trace in pairs:
        header, frames = read_trace(trace)
        stream = list(frames)
        duration = (stream[-1][0] - stream[0][0] + 1.0 / header.fps) if stream else 0.0
        total_s += duration
        events = recognize(cfg.gestures, stream)
        score_trace(
            score, trace.stem, events, read_labels(trace.parent / f"{trace.stem}.labels.json"), duration, args.tolerance
        )
    summary = {
        "traces": len(pairs),
        "duration_s": round(total_s, 1),
        "unlabelled_s": round(score.unlabelled_s, 1),
        "labels": score.labels,
        "true_positives": score.true_positives,
        "false_triggers": score.false_triggers,
        "precision": score.precision,
        "recall": score.recall,
        "false_triggers_per_hour": score.false_per_hour,
        "latency_median_s": score.latency(50),
        "latency_p95_s": score.latency(95),
        "fired_on": {
            k: [{"gesture": e.gesture, "t": round(e.t, 3)} for e in v] for k, v in score.false_by_trace.items()
        },
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"traces: {len(pairs)}, {total_s / 60:.1f} min ({score.unlabelled_s / 60:.1f} min unlabelled)")
    print(
        f"labelled gestures: {score.labels}, detected: {score.true_positives}, false triggers: {score.false_triggers}"
    )
    print(
        f"precision: {_fmt(score.precision)}  recall: {_fmt(score.recall)}  "
        f"false triggers per hour: {_fmt(score.false_per_hour, digits=1)}"
    )
    print(
        f"latency from gesture end to event: median {_fmt(score.latency(50), ' s', 2)}, "
        f"p95 {_fmt(score.latency(95), ' s', 2)}"
    )
    for name, evs in score.false_by_trace.items():
        print(f"  false: {name}: " + ", ".join(f"{e.gesture}@{e.t:.2f}s" for e in evs))
    print(f"(tolerance after a label's end: {args.tolerance} s)", file=sys.stderr)
    return 0
