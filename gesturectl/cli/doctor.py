"""`gesturectl doctor [--source SRC] [--json]`: one line per part with ✓/✗ and the fix; exit 0 when it can work."""

from __future__ import annotations

import argparse
import json

from gesturectl.cli.common import add_config, user_config_or_none


def register(sub) -> None:
    d = sub.add_parser(
        "doctor",
        help="check what works on this machine (camera, model, keystrokes, focus, tray, autostart)",
        description="Check every part gesturectl needs, for real: opens the camera, runs the model, sends a key "
        "into a small window of its own and sees it arrive. Exit code 0 when gesturectl can work here.",
    )
    d.add_argument("--source", help="check this source instead of the cameras (a video, a trace, 'demo')")
    add_config(d, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    d.add_argument("--json", action="store_true", help="the checks as JSON")
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.runtime.doctor import can_work, run_checks

    checks = run_checks(user_config_or_none(args.config), args.source)
    ok = can_work(checks)
    if args.json:
        print(json.dumps({"can_work": ok, "checks": [c.as_dict() for c in checks]}, indent=2, ensure_ascii=False))
    else:
        for c in checks:
            print(c.line())
        blocking = [c.part for c in checks if c.essential and not c.ok]
        print(
            "gesturectl can work here"
            if ok
            else f"gesturectl cannot work here until these are fixed: {', '.join(blocking)}"
        )
    return 0 if ok else 1
