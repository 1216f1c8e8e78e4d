"""The daemon: capture thread → engine, with control commands, pause, reload and status.

Threads: capture (fills a one-slot queue), control socket, optional input listeners and tray.
They talk to the loop only through `command()`, which queues the request and waits for the loop
to answer it, so every state change happens on the loop's thread. Tests drive the same logic
in-process and without sleeps: `process()`, `source_event()` and `handle()` are what the loop
calls, and the clock is the captured items' own.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gesturectl.actions.dispatch import Dispatcher
from gesturectl.commands import Command, PausedBy, PauseState
from gesturectl.config import Config
from gesturectl.errors import GesturectlError
from gesturectl.gestures.pipeline import GestureStage
from gesturectl.people.stage import PeopleStage
from gesturectl.runtime.capture import Capture, Captured, LatestSlot, SourceEvent
from gesturectl.runtime.engine import Engine, Outcome
from gesturectl.runtime.pacing import Pacer, PaceSettings, Seen
from gesturectl.runtime.status import Status
from gesturectl.runtime.tally import LoopTally
from gesturectl.runtime.view import Meter, ViewSlot, frame_view
from gesturectl.sources.base import FrameSource
from gesturectl.sources.motion import MotionGate
from gesturectl.types import Frame

log = logging.getLogger(__name__)

#: On stopping, how long to wait for a launch or close underway to finish, so that what it did is said.
FINISH_ACTIONS_S = 10.0


@dataclass(frozen=True)
class DaemonOptions:
    source: str
    config_path: Path | None
    dry_run: bool = False
    exit_at_end: bool = False


@dataclass(frozen=True)
class Rebuilt:
    """The parts a (re)loaded config gives the engine."""

    config: Config
    gestures: GestureStage
    dispatcher: Dispatcher
    warnings: tuple[str, ...] = ()
    people: PeopleStage | None = None  # who is in control (None: the engine keeps its own)


def camera_off(pause: PauseState) -> bool:
    """Whether the camera is let go of: paused by the user (CLI, tray, hotkey). Paused by the gesture it
    keeps watching, at the idle rate, so the gesture can resume."""
    return pause.paused and pause.by is PausedBy.USER


def pace_settings(cfg: Config) -> PaceSettings:
    d = cfg.daemon
    return PaceSettings(watch_fps=d.watch_fps, idle_fps=d.idle_fps, idle_after_s=d.idle_after_s)


class Daemon:
    """Owns the loop's state: the source's state, the config, and the figures for status."""

    def __init__(
        self,
        opts: DaemonOptions,
        cfg: Config,
        engine: Engine,
        open_source: Callable[[], FrameSource],
        reload: Callable[[], Rebuilt],
        on_outcome: Callable[[Outcome], None] = lambda o: None,
        on_state: Callable[[Status], None] = lambda s: None,
    ) -> None:
        self.opts = opts
        self.cfg = cfg
        self.engine = engine
        self._reload_config = reload
        self._on_outcome = on_outcome
        self._on_state = on_state
        self._slot = LatestSlot()
        self.pacer = Pacer(pace_settings(cfg))
        self._motion = MotionGate()
        self._capture = Capture(open_source, self._slot, retry_max_s=cfg.daemon.retry_max_s, wants=self.pacer.wants)
        self._commands: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.source_state = "starting"
        self.source_message = ""
        self.pose_error: str | None = None
        self._tally = LoopTally()
        self._started = time.monotonic()
        self._view: ViewSlot | None = None  # a preview window's slot, when one is open
        self._meter = Meter()

    # -- called from other threads -------------------------------------------------------------
    def command(self, cmd: Command, by: PausedBy = PausedBy.USER, timeout_s: float = 10.0) -> dict:
        """Run a control command on the loop's thread and return its reply."""
        if cmd is Command.STATUS:
            return self.status().to_dict()
        reply: queue.Queue = queue.Queue(maxsize=1)
        self._commands.put((cmd, by, reply))
        try:
            return reply.get(timeout=timeout_s)
        except queue.Empty:
            return {"ok": False, "error": "the daemon did not answer in time"}

    def status(self) -> Status:
        with self._lock:
            pause = self.engine.pause
            return Status(
                state=self.state,
                source=self.opts.source,
                source_state=self.source_state,
                source_message=self.source_message,
                pose_error=self.pose_error,
                paused=pause.paused,
                paused_by=pause.by.value if pause.by else None,
                dropped_frames=self._slot.dropped,
                config=str(self.opts.config_path) if self.opts.config_path else "built-in defaults",
                dry_run=self.opts.dry_run,
                uptime_s=round(time.monotonic() - self._started, 1),
                stage_ms={k: round(v, 2) for k, v in self.engine.timer.ms_per_call().items()},
                pace=self.pacer.mode.value,
                **self._tally.fields(),
            )

    @property
    def state(self) -> str:
        """ "no camera", "pose model error", "paused", "starting", "ended" or "running"."""
        if self.source_state == "lost":
            return "no camera"
        if self.pose_error is not None:
            return "pose model error"
        if self.engine.pause.paused:
            return "paused"
        return self.source_state if self.source_state in ("starting", "ended") else "running"

    def stop(self) -> None:
        self._stop.set()

    def attach_view(self, slot: ViewSlot | None) -> None:
        """Start (a slot) or stop (None) handing each processed frame to a preview window."""
        self._view = slot

    def _publish(self, slot: ViewSlot, captured: Captured) -> None:
        fps, cpu = self._meter.tick(captured.wall)
        e = self.engine
        slot.put(frame_view(captured.item, e.last_pose, e.last_selection, e.gestures, self.state, fps, cpu, e.timer))

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> int:
        self._capture.start()
        try:
            while not self._stop.is_set():
                self.drain_commands()
                item = self._slot.get(0.1)
                if item is None:
                    self._deliver(self.engine.finished_actions())  # no frame (paused, idle): still said
                    continue
                if isinstance(item, SourceEvent):
                    if self.source_event(item):
                        break
                    continue
                self.process(item)
        finally:
            self._capture.stop()
            self.engine.sink.release_all()
            self._capture.join(2.0)  # the camera is closed (its light off) before the daemon says it stopped
            self._deliver(self.engine.finished_actions(wait_s=FINISH_ACTIONS_S))  # a launch or close underway
        return 0

    def _deliver(self, outcomes: list[Outcome]) -> None:
        for o in outcomes:
            self._record(o)
            self._on_outcome(o)

    def source_event(self, ev: SourceEvent) -> bool:
        """Update the source state; True when the daemon should exit (source ended with --exit-at-end)."""
        with self._lock:
            self.source_state = ev.kind
            retries = ev.retry_s and not self.opts.exit_at_end  # --exit-at-end stops instead of retrying
            self.source_message = ev.message + (f" (retrying in {ev.retry_s:.1f} s)" if retries else "")
        if ev.kind == "started":
            self.engine.reset()
            self.pacer.reset()
            self._motion.reset()
            log.info("source started: %s", self.opts.source)
        elif ev.kind in ("lost", "released"):
            self.engine.reset()
        elif ev.kind == "ended":
            log.info("source %s ended%s", self.opts.source, f": {ev.message}" if "failed" in ev.message else "")
        self._changed()
        # --exit-at-end: a source that ended, failed, or cannot be opened ends the daemon (never retried for ever)
        return ev.kind in ("ended", "lost") and self.opts.exit_at_end

    def process(self, captured: Captured) -> None:
        """One captured item through the engine (skipped when idle and throttled)."""
        if not self._due(captured):
            self._deliver(self.engine.finished_actions())
            return
        try:
            outcomes = self.engine.process(captured)
        except GesturectlError as e:  # e.g. a missing or corrupt model: keep running, say what is wrong
            self._pose_failed(str(e))
            return
        if self.pose_error is not None:
            self._pose_failed(None)
        # someone came into view or the last one left (in control or not): the tray shows "nobody in view"
        if self._tally.frame(self.engine.someone_in_view, self.engine.last_selection):
            self._changed()
        self._deliver(outcomes)
        self._paced(captured)
        self._tally.processed(self.engine.now() - captured.wall)
        slot = self._view
        if slot is not None:  # a preview is open (the only per-frame cost of the preview when closed)
            if slot.closed:
                self._view = None
            else:
                self._publish(slot, captured)

    def _pose_failed(self, error: str | None) -> None:
        with self._lock:
            changed, self.pose_error = self.pose_error != error, error
        if changed:
            if error is not None:
                log.error("%s", error)
            self._changed()

    def _record(self, o: Outcome) -> None:
        self._tally.outcome(o)
        (log.warning if o.error is not None else log.info)("%s", o.log_line())
        slot = self._view
        if slot is not None:
            kind = "failed" if o.error is not None else ("skipped" if o.decision.skipped else "sent")
            slot.toast(o.decision.event.gesture, o.log_line(), kind)
        if o.result in ("paused", "resumed"):
            self._capture.release(camera_off(self.engine.pause))
            self.pacer.pause(self.engine.pause.by)
        self._changed()  # the tray's tooltip shows the last event

    def _due(self, captured: Captured) -> bool:
        """Whether the pacer wants this camera frame (see runtime/pacing.py). Recorded poses cost nothing to
        look at, so a trace is always read whole (replays stay exact)."""
        item = captured.item
        if not isinstance(item, Frame):
            return True
        if not self.pacer.wants(captured.wall):
            return False
        return not self.pacer.motion_gated or self.pacer.look(captured.wall, self._motion.changed(item.image))

    def _paced(self, captured: Captured) -> None:
        """After a processed frame: the next mode, and what the pose stage and the motion gate need for it."""
        if not isinstance(captured.item, Frame):
            return
        before, pause = self.pacer.mode, self.engine.pause
        seen = Seen(captured.wall, self._tally.in_view, self.engine.underway, pause.by, self._view is not None)
        mode = self.pacer.observe(seen)
        if self.pacer.motion_gated:  # the next frames are compared with this one
            self._motion.seen(captured.item.image)
        if mode is not before:
            self.engine.pace(self.pacer.recheck_scale)
            log.debug("pace: %s", mode.value)

    def _changed(self) -> None:
        self._on_state(self.status())

    # -- commands, on the loop's thread ----------------------------------------------------------
    def drain_commands(self) -> None:
        while True:
            try:
                cmd, by, reply = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                reply.put(self.handle(cmd, by))
            except Exception as e:  # a command must never take the loop down
                log.exception("command %s failed", cmd)
                reply.put({"ok": False, "error": f"{type(e).__name__}: {e}"})

    def handle(self, cmd: Command, by: PausedBy = PausedBy.USER) -> dict:
        """Carry out one command on the loop's thread."""
        if cmd is Command.STATUS:
            return self.status().to_dict()
        if cmd is Command.GESTURES:  # on the loop's thread: the records of the frame it processed last
            records = [p.to_dict() for p in self.engine.gestures.progress()]
            return {**self.status().to_dict(), "gestures": records}
        if cmd is Command.STOP:
            self._stop.set()
        elif cmd is Command.RELOAD:
            return self._reload()
        else:
            self.engine.command(cmd, by)
            self._capture.release(camera_off(self.engine.pause))
            self.pacer.pause(self.engine.pause.by)
        self._changed()
        return {"ok": True, "state": self.state, "paused": self.engine.pause.paused}

    def _reload(self) -> dict:
        try:
            rebuilt = self._reload_config()
        except GesturectlError as e:
            log.error("reload failed, keeping the running config: %s", e)
            return {"ok": False, "error": f"the new config is invalid; still running the previous one.\n{e}"}
        try:
            self.engine.replace(rebuilt.gestures, rebuilt.dispatcher, rebuilt.config.pose, rebuilt.people)
        except GesturectlError as e:  # e.g. the new pose model does not load: keep the old one
            log.error("reload failed, keeping the running config: %s", e)
            return {"ok": False, "error": f"the new pose model does not load; still running the previous one.\n{e}"}
        self.engine.max_actions_per_s = rebuilt.config.daemon.max_actions_per_s
        self.engine.sink.release_all()
        self.cfg = rebuilt.config
        self.pacer.settings = pace_settings(rebuilt.config)
        log.info("config reloaded from %s", self.opts.config_path or "built-in defaults")
        self._changed()
        return {"ok": True, "state": self.state, "reloaded": True, "warnings": list(rebuilt.warnings)}
