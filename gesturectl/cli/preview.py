"""`gesturectl preview [--source SRC]`: watch what gesturectl sees, with no action performed (a dry run).

The window shows the mirrored camera image (a drawn figure for traces and the demo), the skeleton, the
engage state, one meter per gesture with what blocks it, a toast per fired gesture with the action it
would send, fps, per-stage milliseconds and CPU %. Closing the window ends the command. To watch the
running daemon, use `gesturectl run --preview` or the tray's "Show camera".
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading

from gesturectl.cli.common import add_config, user_config_or_none


def register(sub) -> None:
    pv = sub.add_parser(
        "preview",
        help="show the camera, skeleton and gesture meters in a window (actions are not performed)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    pv.add_argument("--source", help="camera index or name, video, trace (.jsonl) or 'demo' (default: daemon.source)")
    add_config(pv, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    pv.set_defaults(func=run)


def say(msg: str) -> None:
    print(f"gesturectl: {msg}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.runtime.assembly import build_daemon
    from gesturectl.runtime.daemon import DaemonOptions
    from gesturectl.runtime.desktop import desktop_edges
    from gesturectl.runtime.preview.host import PreviewHost

    cfg_path = user_config_or_none(args.config)
    cfg = load_config(cfg_path)
    source = args.source or cfg.daemon.source
    edges, _ = desktop_edges(cfg, dry_run=True)
    # which app is in front is not asked: each toast shows the action with its app rule, e.g. "(chrome)"
    edges = dataclasses.replace(edges, foreground_for=lambda apps: None)
    daemon, _ = build_daemon(cfg, DaemonOptions(source, cfg_path, dry_run=True), edges, lambda: load_config(cfg_path))
    loop = threading.Thread(target=daemon.run, name="gesturectl-loop", daemon=True)
    loop.start()
    say(f"preview of {source} (dry run: no action is performed); close the window to quit")
    try:
        opened = PreviewHost(daemon, say).show(loop.is_alive)
    finally:
        daemon.stop()
        loop.join(5.0)
    return 0 if opened else 2
