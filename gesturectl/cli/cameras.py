"""`gesturectl cameras`: the cameras OpenCV can open."""

from __future__ import annotations

import argparse
import sys


def register(sub) -> None:
    c = sub.add_parser("cameras", help="list the cameras OpenCV can open")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.sources.camera import list_cameras

    cams = list_cameras()
    if not cams:
        print(
            "no camera found; use `gesturectl run --source demo`, `--source VIDEO` or `--source TRACE.jsonl`",
            file=sys.stderr,
        )
        return 1
    for i, desc in cams:
        print(f"{i}: {desc}")
    return 0
