"""`gesturectl run`: the daemon's composition root. Builds the OS edges once and hands them to `build_daemon`."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import signal
import sys
import threading
from pathlib import Path

from gesturectl.cli.common import add_config, add_verbose, user_config_or_none

log = logging.getLogger("gesturectl")


def register(sub) -> None:
    run = sub.add_parser(
        "run",
        help="run the gesture-control daemon",
        description="Watch the camera (or a video, trace or the bundled demo) and turn gestures "
        "into actions. Control it with gesturectl status|pause|resume|reload|stop.",
    )
    run.add_argument(
        "--source",
        help="camera index or name, /dev/videoN, video, image folder, trace (.jsonl) or "
        "'demo' (default: daemon.source in the config, camera 0)",
    )
    add_config(run, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    run.add_argument("--dry-run", action="store_true", help="print each action instead of performing it")
    run.add_argument("--exit-at-end", action="store_true", help="stop when a file or trace source ends")
    run.add_argument(
        "--preview", action="store_true", help="open the preview window (closing it leaves the daemon running)"
    )
    add_verbose(run)
    run.set_defaults(func=run_daemon)


def say(msg: str) -> None:
    print(f"gesturectl: {msg}", file=sys.stderr, flush=True)


class PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only the user can read (0600): it names the apps and gestures used."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # (a file left by an older version may be 0644)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def _file_logging(verbose: bool) -> Path:
    from gesturectl.paths import log_dir

    path = log_dir() / "gesturectl.log"
    h = PrivateLogHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    h.setLevel(logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    root.addHandler(h)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for hd in root.handlers:
        if hd is not h and not verbose:
            hd.setLevel(logging.WARNING)
    return path


def print_outcome(o) -> None:
    """One line per decision on stdout: time, gesture, action and what happened."""
    d, e = o.decision, o.decision.event
    what = o.error or o.result or (f"skipped: {d.skipped}" if d.skipped else "")
    if d.when_app and o.result and o.result.startswith("dry run"):
        what += f" (only while {d.when_app} is in front)"
    rep = f" (repeat {e.repeat})" if e.repeat else ""
    print(f"{e.t:8.3f}s  {e.gesture}{rep} -> {d.action_name}: {what}  [{o.latency_s * 1000:.1f} ms]", flush=True)


#: The signals that ask the daemon to stop (those this platform has).
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGBREAK")


class StopSignals:
    """Every stop signal, from the first moment of `run` to the last.

    Before the daemon's loop exists a signal ends start-up at once (nothing is pressed yet); once it
    exists, a signal only asks the loop to stop, so a hotkey in progress completes and every key is
    released before the process ends. (SIGHUP and SIGQUIT used to end the process on the spot,
    sometimes between a key's press and its release.)
    """

    def __init__(self) -> None:
        self.first: int | None = None  # the first stop signal that came
        self._stop = None

    def install(self) -> None:
        for name in STOP_SIGNALS:
            sig = getattr(signal, name, None)
            if sig is not None:
                signal.signal(sig, self._handle)

    def stop_with(self, stop) -> None:
        """From now on a signal calls `stop()` (at once, if one came already)."""
        self._stop = stop
        if self.first is not None:
            stop()

    def _handle(self, signum, frame) -> None:
        # No logging or printing here: the handler runs between any two bytecodes of the main thread, maybe
        # in the middle of writing a log line, and a nested write to the same file fails ("reentrant call").
        if self.first is None:
            self.first = signum
        if self._stop is None:
            raise KeyboardInterrupt
        self._stop()

    def describe(self) -> str | None:
        """The log's words for the stop ('stopped by SIGINT') once a signal came; written outside the handler."""
        return None if self.first is None else f"stopped by {signal.Signals(self.first).name}"


def run_daemon(args: argparse.Namespace) -> int:
    signals = StopSignals()
    signals.install()
    from gesturectl.config import load_config
    from gesturectl.runtime.control import InstanceLock

    cfg_path = user_config_or_none(args.config)
    cfg = load_config(cfg_path)
    source = args.source or cfg.daemon.source
    log_path = _file_logging(args.verbose)
    lock = InstanceLock()
    lock.acquire()
    try:
        return _run(args, cfg, cfg_path, source, log_path, signals)
    finally:
        lock.release()


def _run(
    args: argparse.Namespace, cfg, cfg_path: Path | None, source: str, log_path: Path, signals: StopSignals
) -> int:
    from gesturectl.commands import Command
    from gesturectl.config import load_config
    from gesturectl.errors import GesturectlError
    from gesturectl.runtime.assembly import build_daemon
    from gesturectl.runtime.control import ControlServer
    from gesturectl.runtime.daemon import DaemonOptions
    from gesturectl.runtime.desktop import StateReporter, desktop_edges, start_input_watch, start_tray
    from gesturectl.runtime.notify import Notifier
    from gesturectl.runtime.preview.host import PreviewHost

    edges, notes = desktop_edges(cfg, args.dry_run)
    for n in notes:
        say(n)
    watch = None if args.dry_run else start_input_watch(cfg.daemon, edges.sink, say)
    if watch is not None:
        edges = edges.with_busy(watch.busy)
    notifier = Notifier() if cfg.daemon.notify else None
    reporter = StateReporter(say, notifier)

    def on_outcome(o) -> None:
        print_outcome(o)
        if notifier is not None:
            notifier.outcome(o)

    opts = DaemonOptions(source, cfg_path, args.dry_run, args.exit_at_end)
    daemon, first = build_daemon(cfg, opts, edges, lambda: load_config(cfg_path), on_outcome, reporter)
    signals.stop_with(daemon.stop)
    for w in first.warnings:
        say(w)
    server = ControlServer(daemon.command)
    server.start()
    if watch is not None:
        watch.start(lambda: daemon.command(Command.TOGGLE_PAUSE))
    host = PreviewHost(daemon, say)
    reporter.tray = start_tray(cfg.daemon, daemon.command, say, show_camera=host.request)
    say(
        f"running on {source} ({'dry run' if args.dry_run else 'live'}); log: {log_path}; "
        f"control: gesturectl status|pause|resume|reload|stop"
    )
    if args.preview:
        host.request()
    result: list[int] = []

    def run_loop() -> None:  # (keys are released by daemon.run itself, whatever happens)
        try:
            result.append(daemon.run())
        except Exception as e:  # one line, never a thread's traceback on the terminal
            log.debug("the daemon's loop failed", exc_info=True)
            say(f"error: {e}" if isinstance(e, GesturectlError) else f"error: unexpected {type(e).__name__}: {e}")
            result.append(2 if isinstance(e, GesturectlError) else 70)

    loop = threading.Thread(target=run_loop, name="gesturectl-loop")
    loop.start()
    try:
        host.serve(loop.is_alive)  # the main thread opens preview windows on request (Tk wants it)
        loop.join()  # (signals still reach their handlers on this thread: they ask the loop to stop)
        rc = result[0] if result else 1
    finally:
        server.stop()
        server.join(2.0)
        if watch is not None:
            watch.stop()
        if reporter.tray is not None:
            reporter.tray.stop()
        if notifier is not None:
            notifier.stop()
        st = daemon.status()
        if why := signals.describe():
            log.info(why)
        if args.verbose:
            t = edges.timer
            say("CPU per stage: " + ", ".join(f"{k} {v:.2f} ms x{t.calls[k]}" for k, v in t.ms_per_call().items()))
        lat = st.latency_ms
        took = f"; gesture to action: median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms" if lat else ""
        say(f"stopped: {st.frames} frames, {st.events} events{took}")
    if (args.exit_at_end and st.source_state == "lost") or st.source_message.startswith("the source failed"):
        say(f"the source could not be read to its end: {st.source_message}")
        return rc or 1
    return rc
