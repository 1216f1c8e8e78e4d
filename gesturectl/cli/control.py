"""`gesturectl status|pause|resume|reload|stop`: talk to the running daemon over its control socket."""

from __future__ import annotations

import argparse
import json
import sys

COMMANDS = {
    "status": "show the running daemon's state",
    "pause": "pause gestures until you resume them",
    "resume": "resume gestures",
    "reload": "reload the config (the running one stays if the new one is invalid)",
    "stop": "stop the daemon",
}


def register(sub) -> None:
    for name, text in COMMANDS.items():
        c = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        c.add_argument("--json", action="store_true", help="print the daemon's reply as JSON")
        if name == "status":
            c.add_argument(
                "--gestures", action="store_true", help="also show each gesture's progress and what blocks it"
            )
            c.add_argument("--watch", action="store_true", help="with --gestures: refresh twice a second")
        c.set_defaults(func=run)


def format_status(st: dict) -> str:
    """The status reply for a person to read."""
    lines = [f"gesturectl is {st['state']}" + (f" (paused by {st['paused_by']})" if st.get("paused_by") else "")]
    src = f"source: {st['source']} ({st['source_state']})"
    if st.get("source_message"):
        src += f": {st['source_message']}"
    lines.append(src)
    if st.get("pose_error"):
        lines.append(f"pose model: {st['pose_error']}")
    lines.append(f"config: {st['config']}" + ("  [dry run: actions are printed, not done]" if st["dry_run"] else ""))
    lines.append(f"frames: {st['frames']} processed, {st['dropped_frames']} dropped; uptime {st['uptime_s']:.0f} s")
    if "pace" in st:
        lines.append(f"pace: {st['pace']} ({PACE_WORDS.get(st['pace'], '')})")
    if "people_in_view" in st:
        lines.append(people_line(st["people_in_view"], st.get("user"), st.get("user_in_view", False)))
    ev = st.get("last_event")
    if ev:
        what = ev.get("error") or ev.get("result") or (f"skipped: {ev['skipped']}" if ev.get("skipped") else "")
        lines.append(f"events: {st['events']}; last: {ev['gesture']} -> {ev['action']}: {what}")
    else:
        lines.append(f"events: {st['events']}")
    lat = st.get("latency_ms")
    if lat:
        lines.append(f"gesture to action: median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms (n={lat['n']})")
    if st.get("stage_ms"):
        lines.append("CPU per call: " + ", ".join(f"{k} {v:.1f} ms" for k, v in st["stage_ms"].items()))
    return "\n".join(lines)


def people_line(n: int, user: int | None, user_in_view: bool) -> str:
    """Who is in view and whose gestures count."""
    if user is None:
        who = "nobody is in control yet: hold the engage pose to take control" if n else "nobody is in control"
    elif user_in_view:
        who = f"person #{user} is in control (only their gestures count)"
    else:
        who = f"person #{user} holds control but is out of view (nobody else's gestures count)"
    return f"people in view: {n or 'none'}; {who}"


PACE_WORDS = {
    "active": "every frame: a gesture may be underway",
    "watch": "watch_fps frames a second: someone in view, not gesturing",
    "idle": "idle_fps frames a second, only those that changed while nobody is in view",
    "off": "no frames: paused by you",
}


def format_gestures(records: list[dict]) -> str:
    """One line per gesture: a bar, its state and phase, and what blocks it."""
    lines = []
    for r in records:
        filled = round(20 * r["fraction"])
        bar = "#" * filled + "." * (20 - filled)
        b = r.get("blocking")
        lines.append(
            f"  {r['gesture']:<12} [{bar}] {r['state']:<11} phase {r['phase']} {r['phase_name']:<14}"
            + (f" {b['words']}" if b else "")
        )
    return "\n".join(lines)


def _watch(send) -> int:
    import time

    try:
        while True:
            reply = send()
            if not reply.get("ok"):
                print(f"gesturectl: {reply.get('error', 'failed')}", file=sys.stderr)
                return 1
            print("\033[H\033[J" + format_status(reply) + "\ngestures:\n" + format_gestures(reply["gestures"]))
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0


def run(args: argparse.Namespace) -> int:
    from gesturectl.commands import Command
    from gesturectl.runtime.control import send_command

    gestures = getattr(args, "gestures", False)
    cmd = Command.GESTURES if gestures else Command.parse(args.command)
    if gestures and args.watch and not args.json:
        return _watch(lambda: send_command(cmd))
    reply = send_command(cmd)
    if args.json:
        print(json.dumps(reply))
    elif reply.get("ok") and args.command == "status":
        print(format_status(reply))
        if gestures:
            print("gestures:\n" + format_gestures(reply.get("gestures", [])))
    elif reply.get("ok"):
        print(f"gesturectl is {reply.get('state', 'stopping')}")
        for w in reply.get("warnings", []):
            print(f"warning: {w}", file=sys.stderr)
    if not reply.get("ok", False):
        print(f"gesturectl: {reply.get('error', 'failed')}", file=sys.stderr)
        return 1
    return 0
