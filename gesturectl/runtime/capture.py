"""Capture on its own thread into a one-slot queue: the loop always gets the newest frame.

A slow pose model never builds a backlog: a frame that arrives before the previous one was
taken replaces it (and is counted as dropped). When the source cannot be opened or fails (an
unplugged camera, a missing file), the thread reports it and retries with exponential backoff;
the daemon keeps running meanwhile. A file or trace that simply ends is not replayed (that would
repeat its gestures): the thread reports the end and stops.

`release(True)` lets go of a live source (a camera: its light goes off) until `release(False)`,
which reopens it at once; the thread reports "released" and then "started". Files and traces are
not released (reopening would replay them from the start): they wait where they are, reading nothing,
and go on from the same frame, paced as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.errors import GesturectlError
from gesturectl.sources.base import FrameSource, Grabbed, SourceItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Captured:
    """A frame or pose sample and the monotonic time it was captured (for latency figures)."""

    item: SourceItem
    wall: float


@dataclass(frozen=True)
class SourceEvent:
    """A change of the source's state: "started", "lost" (with the reason and retry delay), "released"
    (a live source let go of on request) or "ended"."""

    kind: str
    message: str = ""
    retry_s: float | None = None


class LatestSlot:
    """A one-slot queue: `put` replaces what was not taken yet; `get` waits for the next item."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item = None
        self._has = False
        self.dropped = 0

    def put(self, item) -> None:
        with self._cond:
            if self._has and not isinstance(self._item, SourceEvent):
                self.dropped += 1
            elif self._has:  # never drop a state change: deliver it first
                while self._has:
                    self._cond.wait(0.5)
            self._item, self._has = item, True
            self._cond.notify_all()

    def get(self, timeout: float):
        with self._cond:
            if not self._has:
                self._cond.wait(timeout)
            if not self._has:
                return None
            item, self._item, self._has = self._item, None, False
            self._cond.notify_all()
            return item


class Capture(threading.Thread):
    """Reads a source (opened by `opener`) into a LatestSlot, pacing files by their timestamps."""

    def __init__(
        self,
        opener: Callable[[], FrameSource],
        slot: LatestSlot,
        retry_min_s: float = 0.5,
        retry_max_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wants: Callable[[float], bool] = lambda wall: True,
    ) -> None:
        """`wants(wall)`: whether a frame grabbed at `wall` is to be decoded and handed on (the daemon's pace);
        a frame it turns down is grabbed from the camera but never decoded."""
        super().__init__(name="gesturectl-capture", daemon=True)
        self._opener = opener
        self._wants = wants
        self.skipped = 0
        self._slot = slot
        self._retry = (retry_min_s, retry_max_s)
        self._clock = clock
        self._halt = threading.Event()
        self._released = threading.Event()
        self._last_loss: str | None = None

    def stop(self) -> None:
        self._halt.set()

    def release(self, released: bool) -> None:
        """Let go of a live source (True) or take it back (False); any thread may call this."""
        if released:
            self._released.set()
        else:
            self._released.clear()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def _wait_while_released(self) -> None:
        self._slot.put(SourceEvent("released", "the camera is off while paused"))
        log.info("source released while paused")
        self._hold()

    def _hold(self) -> None:
        """Wait until the source is taken back (or the thread is stopped)."""
        while self._released.is_set() and not self._halt.wait(0.02):
            pass

    def run(self) -> None:
        delay = self._retry[0]
        while not self._halt.is_set():
            try:
                source = self._opener()
            except GesturectlError as e:
                self._lost(str(e), delay)
                delay = min(delay * 2, self._retry[1])
                continue
            delay = self._retry[0]
            self._last_loss = None
            self._slot.put(SourceEvent("started", str(getattr(source, "path", "") or "")))
            try:
                self._pump(source)
            except Exception as e:  # a source failing in any way must not kill capture
                if not isinstance(e, GesturectlError):
                    log.exception("source failed")
                message = str(e) if isinstance(e, GesturectlError) else f"{type(e).__name__}: {e}"
                if not getattr(source, "live", False):  # a broken file: reading it again would repeat its gestures
                    self._slot.put(SourceEvent("ended", f"the source failed: {message}"))
                    return
                self._lost(message, delay)
                continue
            finally:
                source.close()
            if self._halt.is_set():
                return
            if getattr(source, "live", False) and self._released.is_set():
                self._wait_while_released()
                continue
            if getattr(source, "live", False):
                self._lost("the camera stopped delivering frames", delay)
                continue
            self._slot.put(SourceEvent("ended", "the source has no more frames"))
            return

    def _lost(self, message: str, delay: float) -> None:
        # the daemon tells the user once (with what to do); every retry goes to the log file
        level = logging.DEBUG if message == self._last_loss else logging.INFO
        self._last_loss = message
        log.log(level, "source unavailable: %s; retrying in %.1f s", message, delay)
        self._slot.put(SourceEvent("lost", message, delay))
        self._halt.wait(delay)

    def _pump(self, source) -> None:
        start_wall = None
        grabbed = getattr(source, "grabbed", None)
        for item in grabbed() if grabbed is not None else source:
            if self._halt.is_set() or (source.live and self._released.is_set()):
                return
            if self._released.is_set():  # a file or trace: wait, reading nothing, then go on from here
                held = self._clock()
                log.info("source held while paused")
                self._hold()
                if self._halt.is_set():
                    return
                if start_wall is not None:
                    start_wall += self._clock() - held
            if not source.live:
                t = item.t
                if start_wall is None:
                    start_wall = self._clock() - t
                wait = start_wall + t - self._clock()
                if wait > 0 and self._halt.wait(wait):
                    return
            wall = self._clock()
            if isinstance(item, Grabbed):
                if not self._wants(wall):
                    self.skipped += 1
                    continue
                item = item.decode()
            self._slot.put(Captured(item, wall))
