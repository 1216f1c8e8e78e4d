"""`gesturectl run`: the composition root of the daemon. Builds every object once and wires them.

Also `gesturectl status|pause|resume|reload|stop` (clients of the control socket) and
`gesturectl cameras`.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import signal
import sys
from pathlib import Path

from gesturectl.actions.apps import AppController, missing_executables
from gesturectl.actions.keyboard import select_keyboard
from gesturectl.actions.sink import DryRunSink, OsActionSink
from gesturectl.actions.windows import foreground_reader, select_window_system
from gesturectl.config import Config, default_config_text, load_config
from gesturectl.control import ControlServer, InstanceLock, send_command
from gesturectl.daemon import Daemon, DaemonOptions
from gesturectl.dispatch import Dispatcher
from gesturectl.errors import ActionError, first_line
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.loop import Engine, Outcome
from gesturectl.paths import state_dir, user_config_path
from gesturectl.pose.blazepose import StageTimer
from gesturectl.pose.heatmap_backend import build_estimator
from gesturectl.sources import list_cameras, open_source

log = logging.getLogger("gesturectl")


def _config_path(arg: Path | None) -> Path | None:
    if arg is not None:
        return arg
    p = user_config_path()
    return p if p.exists() else None


def ensure_user_config() -> Path:
    """The user's config file, created from the documented defaults if there is none (never overwritten)."""
    p = user_config_path()
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "x", encoding="utf-8") as f:
            f.write(default_config_text())
    return p


def _file_logging(verbose: bool) -> Path:
    path = state_dir() / "gesturectl.log"
    h = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    h.setLevel(logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    root.addHandler(h)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for hd in root.handlers:
        if hd is not h and not verbose:
            hd.setLevel(logging.WARNING)
    return path


def _say(msg: str) -> None:
    print(f"gesturectl: {msg}", file=sys.stderr, flush=True)


def _print_outcome(o: Outcome) -> None:
    d, e = o.decision, o.decision.event
    what = o.error or o.result or (f"skipped: {d.skipped}" if d.skipped else "")
    if d.when_app and o.result and o.result.startswith("dry run"):
        what += f" (only while {d.when_app} is in front)"
    rep = f" (repeat {e.repeat})" if e.repeat else ""
    print(f"{e.t:8.3f}s  {e.gesture}{rep} -> {d.action_name}: {what}  [{o.latency_s * 1000:.1f} ms]", flush=True)


def _estimator(cfg: Config, timer: StageTimer):
    return build_estimator(cfg.pose, timer)  # a random-weights model announces itself (a warning)


def run_daemon(args) -> int:
    cfg_path = _config_path(args.config)
    cfg = load_config(cfg_path)
    source = args.source or cfg.daemon.source
    log_path = _file_logging(args.verbose)
    lock = InstanceLock()
    lock.acquire()
    try:
        return _run(args, cfg, cfg_path, source, log_path)
    finally:
        lock.release()


def _run(args, cfg: Config, cfg_path: Path | None, source: str, log_path: Path) -> int:
    dry = args.dry_run
    windows, why = select_window_system()
    if why and not dry:
        _say(why)
    elif why:
        _say(f"{why.split(';')[0]}; dry run: app rules are shown with each action, not checked")
    keyboard = None
    if not dry:
        try:
            keyboard = select_keyboard(cfg.daemon.keyboard)
        except ActionError as e:
            _say(f"{e}\nhotkey actions will fail until this is fixed; launching and closing apps still work")
    apps = AppController(windows)
    sink = DryRunSink() if dry else OsActionSink(keyboard, apps)
    foreground = foreground_reader(cfg.apps, windows) if windows.name != "none" else (
        None if dry else (lambda: None))
    timer = StageTimer()
    watch = None

    def busy() -> bool:
        return watch is not None and watch.busy()

    def rebuild(c: Config):
        missing = missing_executables(c.apps)
        warnings = [f"apps.{n}: {exe!r} is not installed or not on PATH; actions that launch it will fail"
                    for n, exe in missing.items()]
        fg = foreground_reader(c.apps, windows) if windows.name != "none" else foreground
        return GesturePipeline(c.gestures), Dispatcher(c, fg), warnings

    gestures, dispatcher, warnings = rebuild(cfg)
    for w in warnings:
        _say(w)
    holder: dict = {}
    engine = Engine(lambda: _estimator(holder["daemon"].cfg, timer),
                    gestures, dispatcher, sink, timer, busy=busy)
    tray = None
    told = {"no camera": False}

    def on_state(state: str) -> None:
        if state == "no camera" and not told["no camera"]:
            told["no camera"] = True
            _say(f"no camera/source: {holder['daemon'].source_message}\n"
                 "  try `gesturectl run --source demo` (a bundled recording of every gesture), "
                 "`--source VIDEO` or `--source TRACE.jsonl`; `gesturectl cameras` lists cameras")
        elif state != "no camera":
            told["no camera"] = False
        if state == "pose model error":
            _say(f"the pose model cannot run: {holder['daemon'].pose_error}\n  the daemon keeps running "
                 "(status, pause, reload work); fix pose.model and `gesturectl reload`")
        if tray is not None:
            tray.set_state(state)

    opts = DaemonOptions(source, cfg_path, dry, args.exit_at_end)
    daemon = Daemon(opts, cfg, engine, lambda: open_source(source), rebuild, _print_outcome, on_state)
    holder["daemon"] = daemon
    server = ControlServer(daemon.command)
    server.start()
    watch = _start_input_watch(cfg, daemon, sink, dry)
    tray = _start_tray(cfg, daemon)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: daemon.stop())
    _say(f"running on {source} ({'dry run' if dry else 'live'}); log: {log_path}; "
         f"control: gesturectl status|pause|resume|reload|stop")
    try:
        return daemon.run()
    finally:
        server.stop()
        server.join(2.0)
        if watch is not None:
            watch.stop()
        if tray is not None:
            tray.stop()
        if args.verbose:
            _say("CPU per stage: " + ", ".join(f"{k} {v / max(1, timer.calls[k]) * 1000:.2f} ms x{timer.calls[k]}"
                                                 for k, v in timer.cpu_s.items()))
        st = daemon.status()
        _say(f"stopped: {st['frames']} frames, {st['events']} events, latency {st['latency_ms']}")


def _start_input_watch(cfg: Config, daemon: Daemon, sink, dry: bool):
    d = cfg.daemon
    if dry or (not d.pause_hotkey and d.auto_pause_on_input_s <= 0):
        return None
    try:
        from gesturectl.actions.listeners import InputWatch

        own = (lambda: sink.own_input_until) if hasattr(sink, "own_input_until") else (lambda: 0.0)
        watch = InputWatch(d.pause_hotkey, lambda: daemon.command("toggle"), d.auto_pause_on_input_s, own)
        watch.start()
        return watch
    except Exception as e:
        _say(f"pause hotkey and auto-pause are off: pynput cannot listen here ({first_line(e)})")
        return None


def _start_tray(cfg: Config, daemon: Daemon):
    if cfg.daemon.tray == "off":
        return None
    from gesturectl.tray import Tray, tray_available

    ok, why = tray_available()
    if not ok:
        log.info("no tray icon: %s; control with gesturectl pause|resume|reload|stop", why)
        return None
    try:
        tray = Tray(daemon.command, ensure_user_config)
        tray.start()
        return tray
    except Exception as e:
        _say(f"no tray icon ({e}); control with gesturectl pause|resume|reload|stop")
        return None


def run_control(args) -> int:
    reply = send_command(args.command)
    if args.command == "status" and not getattr(args, "json", False):
        for k, v in reply.items():
            if k != "ok":
                print(f"{k}: {v}")
    else:
        print(json.dumps(reply))
    if not reply.get("ok", False):
        print(f"gesturectl: {reply.get('error', 'failed')}", file=sys.stderr)
        return 1
    return 0


def run_cameras(args) -> int:
    cams = list_cameras()
    if not cams:
        print("no camera found; use `gesturectl run --source demo`, `--source VIDEO` or `--source TRACE.jsonl`",
              file=sys.stderr)
        return 1
    for i, desc in cams:
        print(f"{i}: {desc}")
    return 0



