"""The daemon: capture thread → engine loop, with control commands, pause, reload and status.

Threads: capture (fills a one-slot queue), control socket, optional input listeners and tray.
They talk to the main loop only through `command()`, which queues the request and waits for
the loop to answer it, so all state changes happen on the loop's thread.
"""

from __future__ import annotations

import logging
import queue
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gesturectl.capture import Capture, Captured, LatestSlot, SourceEvent
from gesturectl.config import Config, load_config
from gesturectl.errors import GesturectlError
from gesturectl.loop import Engine, Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaemonOptions:
    source: str
    config_path: Path | None
    dry_run: bool = False
    exit_at_end: bool = False


class Daemon:
    """Owns the loop's state: running / paused / no camera, the config, and the figures for status."""

    def __init__(self, opts: DaemonOptions, cfg: Config, engine: Engine, opener: Callable[[], object],
                 rebuild: Callable[[Config], tuple], on_outcome: Callable[[Outcome], None],
                 on_state: Callable[[str], None] | None = None) -> None:
        self.opts = opts
        self.cfg = cfg
        self.engine = engine
        self._rebuild = rebuild
        self._on_outcome = on_outcome
        self._on_state = on_state or (lambda s: None)
        self._slot = LatestSlot()
        self._capture = Capture(opener, self._slot, retry_max_s=cfg.daemon.retry_max_s)
        self._commands: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.source_state = "starting"
        self.source_message = ""
        self._frames = 0
        self._events = 0
        self._last_event: dict | None = None
        self._latencies: deque[float] = deque(maxlen=500)
        self._last_person_t: float | None = None
        self._last_processed: float | None = None
        self._started = time.monotonic()
        self._timing_mark: tuple[float, dict[str, float], dict[str, int]] | None = None
        self.pose_error: str | None = None

    # -- called from other threads -------------------------------------------------------------
    def command(self, cmd: str, timeout_s: float = 10.0) -> dict:
        """Run a control command on the loop's thread and return its reply."""
        if cmd == "status":
            return self.status()
        reply: queue.Queue = queue.Queue(maxsize=1)
        self._commands.put((cmd, reply))
        try:
            return reply.get(timeout=timeout_s)
        except queue.Empty:
            return {"ok": False, "error": "the daemon did not answer in time"}

    def status(self) -> dict:
        with self._lock:
            lat = sorted(self._latencies)
            return {
                "ok": True,
                "state": self.state,
                "source": self.opts.source,
                "source_state": self.source_state,
                "source_message": self.source_message,
                "pose_error": self.pose_error,
                "paused": self.engine.dispatcher.paused,
                "frames": self._frames,
                "dropped_frames": self._slot.dropped,
                "events": self._events,
                "last_event": self._last_event,
                "latency_ms": None if not lat else {
                    "n": len(lat), "median": round(statistics.median(lat) * 1000, 2),
                    "p95": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000, 2)},
                "config": str(self.opts.config_path) if self.opts.config_path else "built-in defaults",
                "dry_run": self.opts.dry_run,
                "uptime_s": round(time.monotonic() - self._started, 1),
            }

    @property
    def state(self) -> str:
        """"no camera", "pose model error", "paused", "starting", "ended" or "running"."""
        if self.source_state == "lost":
            return "no camera"
        if self.pose_error is not None:
            return "pose model error"
        if self.engine.dispatcher.paused:
            return "paused"
        return self.source_state if self.source_state in ("starting", "ended") else "running"

    def stop(self) -> None:
        self._stop.set()

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> int:
        self._capture.start()
        try:
            while not self._stop.is_set():
                self._drain_commands()
                item = self._slot.get(0.1)
                if item is None:
                    continue
                if isinstance(item, SourceEvent):
                    if self._source_event(item):
                        break
                    continue
                self._process(item)
        finally:
            self._capture.stop()
            self.engine.sink.release_all()
        return 0

    def _source_event(self, ev: SourceEvent) -> bool:
        """Update the source state; True when the daemon should exit (source ended with --exit-at-end)."""
        with self._lock:
            self.source_state = ev.kind
            self.source_message = ev.message + (f" (retrying in {ev.retry_s:.1f} s)" if ev.retry_s else "")
        if ev.kind == "started":
            self.engine.reset()
            self._last_person_t = None
            log.info("source started: %s", self.opts.source)
        elif ev.kind == "lost":
            self.engine.reset()
        elif ev.kind == "ended":
            log.info("source %s ended", self.opts.source)
        self._on_state(self.state)
        return ev.kind == "ended" and self.opts.exit_at_end

    def _process(self, captured: Captured) -> None:
        if self._throttled(captured.wall):
            return
        self._last_processed = captured.wall
        try:
            outcomes = self.engine.process(captured)
        except GesturectlError as e:  # e.g. a missing or corrupt model: keep running, say what is wrong
            with self._lock:
                first = self.pose_error != str(e)
                self.pose_error = str(e)
            if first:
                log.error("%s", e)
                self._on_state(self.state)
            return
        if self.pose_error is not None:
            with self._lock:
                self.pose_error = None
            self._on_state(self.state)
        self._log_timings(captured.wall)
        with self._lock:
            self._frames += 1
            if self.engine.last_pose is not None:
                self._last_person_t = captured.wall
        for o in outcomes:
            with self._lock:
                self._events += 1
                self._last_event = {"gesture": o.decision.event.gesture, "action": o.decision.action_name,
                                    "result": o.result, "error": o.error, "skipped": o.decision.skipped}
                if o.decision.action is not None and o.error is None:
                    self._latencies.append(o.latency_s)
            if o.decision.action is not None and o.decision.action.spec.control is not None:
                self.engine.sink.release_all()
                self._on_state(self.state)
            self._on_outcome(o)

    def _log_timings(self, wall: float, every_s: float = 10.0) -> None:
        """With --verbose (DEBUG), CPU ms per call of each stage over the last `every_s` seconds."""
        if not log.isEnabledFor(logging.DEBUG):
            return
        t = self.engine.timer
        if self._timing_mark is None:
            self._timing_mark = (wall, dict(t.cpu_s), dict(t.calls))
            return
        t0, cpu0, calls0 = self._timing_mark
        if wall - t0 < every_s:
            return
        parts = []
        for stage, cpu in t.cpu_s.items():
            n = t.calls[stage] - calls0.get(stage, 0)
            if n:
                parts.append(f"{stage} {(cpu - cpu0.get(stage, 0.0)) / n * 1000:.2f} ms x{n}")
        log.debug("last %.0f s: %s; %d frames dropped so far", wall - t0, ", ".join(parts), self._slot.dropped)
        self._timing_mark = (wall, dict(t.cpu_s), dict(t.calls))

    def _throttled(self, wall: float) -> bool:
        """Idle (nobody in view for a while, or paused): look at only `idle_fps` frames a second."""
        d = self.cfg.daemon
        if self._last_person_t is None:
            self._last_person_t = wall  # counts from the first frame: nobody seen since then
        idle = self.engine.dispatcher.paused or wall - self._last_person_t > d.idle_after_s
        return idle and self._last_processed is not None and wall - self._last_processed < 1.0 / d.idle_fps

    def _drain_commands(self) -> None:
        while True:
            try:
                cmd, reply = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                reply.put(self._handle(cmd))
            except Exception as e:  # a command must never take the loop down
                log.exception("command %s failed", cmd)
                reply.put({"ok": False, "error": f"{type(e).__name__}: {e}"})

    def _handle(self, cmd: str) -> dict:
        d = self.engine.dispatcher
        if cmd == "pause":
            d.paused = True
            self.engine.sink.release_all()
        elif cmd == "resume":
            d.paused = False
        elif cmd == "toggle":
            d.paused = not d.paused
            self.engine.sink.release_all()
        elif cmd == "stop":
            self._stop.set()
        elif cmd == "reload":
            return self._reload()
        else:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        self._on_state(self.state)
        return {"ok": True, "state": self.state, "paused": d.paused}

    def _reload(self) -> dict:
        try:
            cfg = load_config(self.opts.config_path)
            gestures, dispatcher, warnings = self._rebuild(cfg)
        except GesturectlError as e:
            log.error("reload failed, keeping the running config: %s", e)
            return {"ok": False, "error": f"the new config is invalid; still running the previous one.\n{e}"}
        dispatcher.paused = self.engine.dispatcher.paused
        self.engine.replace(gestures, dispatcher, rebuild_estimator=cfg.pose != self.cfg.pose)
        self.cfg = cfg
        log.info("config reloaded from %s", self.opts.config_path or "built-in defaults")
        return {"ok": True, "state": self.state, "reloaded": True, "warnings": warnings}
