"""`gesturectl autostart enable|disable|status [--method M]`: start the daemon at login, or stop doing so."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub) -> None:
    a = sub.add_parser(
        "autostart",
        help="start gesturectl at login (enable|disable|status)",
        description="Write or remove the login entry that starts `gesturectl run`: an XDG autostart entry or "
        "a systemd user unit (Linux), a LaunchAgent (macOS), a Startup-folder script (Windows). Only files "
        "gesturectl wrote are ever replaced or removed.",
    )
    a.add_argument("action", choices=("enable", "disable", "status"))
    a.add_argument("--method", help="xdg (default) or systemd on Linux; launchd on macOS; startup on Windows")
    a.add_argument("--json", action="store_true", help="status as JSON")
    a.set_defaults(func=run)


def entries(method: str | None = None):
    """(the chosen entry, every entry this platform has, the command they start) for this user."""
    import os
    import shutil
    from pathlib import Path

    from gesturectl.errors import GesturectlError
    from gesturectl.runtime.autostart import entry_for, installed_command, methods_for

    methods = methods_for()
    if method is not None and method not in methods:
        raise GesturectlError(f"autostart method {method!r} is not available here; valid: {', '.join(methods)}")
    command = installed_command(sys.argv[0], sys.executable, shutil.which("gesturectl"))
    home = Path.home()
    all_entries = [entry_for(m, command, os.environ, home) for m in methods]
    chosen = next(e for e in all_entries if e.method == (method or methods[0]))
    return chosen, all_entries, command


def status_lines(all_entries) -> tuple[bool, list[str], list[dict]]:
    from gesturectl.runtime.autostart import enabled, foreign_starters

    on = enabled(all_entries)
    lines = [f"enabled ({e.method}): {e.path}" for e in on] or ["disabled"]
    foreign = [str(p) for e in all_entries for p in foreign_starters(e)]
    lines += [f"also started at login by another entry (not gesturectl's): {p}" for p in foreign]
    data = [{"method": e.method, "path": str(e.path)} for e in on]
    return bool(on), lines, data


def run(args: argparse.Namespace) -> int:
    from gesturectl.errors import GesturectlError
    from gesturectl.runtime.autostart import disable, enable, foreign_starters

    chosen, all_entries, command = entries(args.method)
    if args.action == "status":
        on, lines, data = status_lines(all_entries)
        print(json.dumps({"enabled": on, "entries": data}) if args.json else "\n".join(lines))
        return 0
    if args.action == "disable":
        print("\n".join(disable(all_entries)) or "already disabled")
        return 0
    foreign = foreign_starters(chosen)
    if foreign:
        raise GesturectlError(f"{foreign[0]} already starts gesturectl at login; nothing written (never twice)")
    try:
        print(enable(chosen, [e for e in all_entries if e is not chosen]))
    except ValueError as e:
        raise GesturectlError(str(e)) from None
    print(f"  starts: {' '.join(command)}")
    if chosen.method == "systemd":
        print("  run `systemctl --user daemon-reload` (or log out and in) for systemd to see it")
    return 0
