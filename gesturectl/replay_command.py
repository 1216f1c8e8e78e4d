"""`gesturectl replay TRACE`: smoothing, recognition and bindings over a trace, actions in dry run."""

from __future__ import annotations

import json
import sys

from gesturectl.config import load_config
from gesturectl.dispatch import Decision, Dispatcher
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.traces import read_trace


def decision_record(d: Decision) -> dict:
    """JSON-ready description of one event and what its binding did."""
    e = d.event
    rec = {"t": round(e.t, 3), "gesture": e.gesture, "action": d.action_name, "strength": e.strength,
           "repeat": e.repeat}
    if d.action is not None:
        rec["does"] = d.action.spec.describe()
    if d.when_app:
        rec["when_app"] = d.when_app
    if d.skipped:
        rec["skipped"] = d.skipped
    return rec


def run_replay_command(args) -> int:
    cfg = load_config(args.config)
    header, frames = read_trace(args.trace)
    pipe = GesturePipeline(cfg.gestures)
    dispatcher = Dispatcher(cfg, foreground=None)
    n = 0
    for _, pose in frames:
        for event in pipe.update(pose):
            decisions = dispatcher.dispatch(event) or [Decision(event, None, None, "no binding")]
            for d in decisions:
                n += 1
                rec = decision_record(d)
                if args.json:
                    print(json.dumps(rec), flush=True)
                else:
                    note = f" [{rec['skipped']}]" if d.skipped else (f" (when {d.when_app} is in front)" if d.when_app else "")
                    does = rec.get("does", "-")
                    print(f"{rec['t']:8.3f}s  {e_name(rec)}  -> {rec['action']}: {does} (dry run){note}")
    print(f"{args.trace}: {n} event(s)", file=sys.stderr)
    return 0


def e_name(rec: dict) -> str:
    return rec["gesture"] + (f" (repeat {rec['repeat']})" if rec["repeat"] else "")
