"""`gesturectl replay TRACE`: smoothing, recognition and bindings over a trace, actions in dry run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gesturectl.cli.common import add_config


def register(sub) -> None:
    rp = sub.add_parser("replay", help="recognize gestures in a trace; print events and their actions (dry run)")
    rp.add_argument("trace", type=Path)
    add_config(rp)
    rp.add_argument("--json", action="store_true", help="one JSON object per event on stdout, nothing else")
    rp.set_defaults(func=run)


def decision_record(o) -> dict:
    """JSON-ready description of one event and what its binding did."""
    d, e = o.decision, o.decision.event
    rec = {
        "t": round(e.t, 3),
        "gesture": e.gesture,
        "action": d.action_name,
        "strength": e.strength,
        "repeat": e.repeat,
    }
    if d.action is not None:
        rec["does"] = d.action.describe()
    if d.when_app:
        rec["when_app"] = d.when_app
    if d.skipped:
        rec["skipped"] = d.skipped
    return rec


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.runtime.replay import replay_trace

    cfg = load_config(args.config)
    n = 0
    for o in replay_trace(cfg, args.trace):
        n += 1
        rec = decision_record(o)
        if args.json:
            print(json.dumps(rec), flush=True)
            continue
        note = (
            f" [{rec['skipped']}]"
            if o.decision.skipped
            else (f" (when {o.decision.when_app} is in front)" if o.decision.when_app else "")
        )
        name = rec["gesture"] + (f" (repeat {rec['repeat']})" if rec["repeat"] else "")
        print(f"{rec['t']:8.3f}s  {name}  -> {rec['action']}: {rec.get('does', '-')} (dry run){note}")
    print(f"{args.trace}: {n} event(s)", file=sys.stderr)
    return 0
