"""`gesturectl explain TRACE|VIDEO`: when each gesture fired and how close it came when it did not."""

from __future__ import annotations

import argparse
import json

from gesturectl.cli.common import add_config, user_config_or_none


def register(sub) -> None:
    ex = sub.add_parser(
        "explain",
        help="say when each gesture fired and its nearest misses (what blocked it, by how much)",
        description="Run a trace, video or 'demo' through the recognizer and report, per gesture, when it "
        "fired and its nearest misses: the phase reached, the blocking condition, its value and threshold.",
    )
    ex.add_argument("source", help="trace (.jsonl), video file, image folder or 'demo'")
    ex.add_argument("--gesture", help="only this gesture")
    ex.add_argument("--misses", type=int, default=3, help="near misses to show per gesture (default 3)")
    add_config(ex, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    ex.add_argument("--json", action="store_true", help="print one JSON object")
    ex.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.errors import ConfigError
    from gesturectl.gestures.explain import summary_lines
    from gesturectl.runtime.replay import explain_source

    cfg = load_config(user_config_or_none(args.config))
    enabled = [n for n, g in cfg.gestures.definitions.items() if g.enabled]
    if args.gesture is not None and args.gesture not in enabled:
        raise ConfigError(f"--gesture {args.gesture!r}: no such enabled gesture; valid: {', '.join(enabled)}")
    summaries, outcomes = explain_source(cfg, args.source, args.gesture, args.misses)
    if args.json:
        print(json.dumps({"source": args.source, "gestures": [s.to_dict() for s in summaries]}))
        return 0
    for s in summaries:
        for line in summary_lines(s):
            print(line)
    return 0
