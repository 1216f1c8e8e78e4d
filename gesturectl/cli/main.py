"""`gesturectl COMMAND ...`: parse the command line, run the command, turn errors into one clear line.

gesturectl run [--source SRC] [--config FILE] [--dry-run] [--exit-at-end] [--preview]
gesturectl preview [--source SRC] [--config FILE]
gesturectl status [--json] | pause | resume | reload | stop
gesturectl cameras
gesturectl autostart enable|disable|status [--method xdg|systemd]
gesturectl doctor [--source SRC] [--json]
gesturectl pose IMAGE|VIDEO ... [-o OUT] [--json] [--coco] [--model lite|full|FILE]
gesturectl record --source SRC -o trace.jsonl [--layout coco17|blazepose33]
gesturectl replay TRACE [--config FILE] [--json]
gesturectl explain TRACE|VIDEO|demo [--gesture G] [--json]
gesturectl practice [GESTURE] [--source SRC] [--calibrate [--yes]]
gesturectl teach NAME --source SRC [--examples 5] [--negatives REC]
gesturectl eval DIR [--config FILE] [--json]
gesturectl serve [--host 127.0.0.1] [--port 8000] [--model lite|full|FILE] [--token TOKEN]
gesturectl export-simple-baselines [CHECKPOINT] --layers 50 --input 256x192 -o model.onnx
gesturectl train-simple-baselines --annotations A.json --images DIR -o model.pth
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from gesturectl import __version__
from gesturectl.errors import GesturectlError

#: The command modules, in the order `--help` lists them.
COMMAND_MODULES = (
    "run",
    "preview",
    "control",
    "cameras",
    "autostart",
    "doctor",
    "pose",
    "record",
    "replay",
    "explain",
    "practice",
    "teach",
    "evaluate",
    "serve",
    "simple_baselines",
)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="gesturectl",
        description="Control your desktop with body gestures in front of a webcam. Everything runs on this machine.",
    )
    ap.add_argument("--version", action="version", version=f"gesturectl {__version__}")
    ap.add_argument("-v", "--verbose", action="store_true", help="log details and per-stage CPU times")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"gesturectl.cli.{name}").register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends as one line on stderr and an exit status, never a traceback
    (`-v` adds the traceback of an unexpected error)."""
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:
        return 130
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="gesturectl: %(levelname)s: %(message)s"
    )
    try:
        return int(args.func(args))
    except GesturectlError as e:
        _error(str(e))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`gesturectl replay x | head`): stop quietly, and keep Python's final flush of
        # stdout from failing again on the closed pipe
        _silence_stdout()
        return 141
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        _error(f"{where}{e.strerror or e}")
        return 2
    except Exception as e:  # a bug: one line (the traceback with -v and in the log)
        logging.getLogger("gesturectl").debug("unexpected error", exc_info=True)
        _error(f"unexpected {type(e).__name__}: {e} (a bug; run with -v for details and please report it)")
        if args.verbose:
            import traceback

            traceback.print_exc()
        return 70


def _error(message: str) -> None:
    try:
        print(f"gesturectl: error: {message}", file=sys.stderr)
    except OSError:
        pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
