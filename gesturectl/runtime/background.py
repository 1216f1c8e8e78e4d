"""The slow part of app actions, off the frame loop: one worker thread runs them in order.

Launching a program waits half a second to see that it does not fail at once; closing one waits for it to
go (up to `close_timeout_s`). On the loop that stalled every frame meanwhile: the preview froze and a
gesture begun then was lost. The loop now hands the slow part (`Pending.finish`) here and collects what
happened on a later frame (`collect()`), or waits for all of it when the daemon stops (`drain()`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from gesturectl.errors import GesturectlError

log = logging.getLogger(__name__)

K = TypeVar("K")

#: What became of one piece of work: (its key, the result or None, the error or None).
Done = tuple[K, "str | None", "str | None"]


class BackgroundActions(Generic[K]):
    """Runs `submit`ted callables one at a time, in order, on a daemon thread started on first use."""

    def __init__(self) -> None:
        self._todo: queue.Queue[tuple[K, Callable[[], str]]] = queue.Queue()
        self._done: queue.Queue[Done] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._open = 0  # submitted and not yet collected
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def submit(self, key: K, work: Callable[[], str]) -> None:
        with self._lock:
            self._open += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gesturectl-app-actions", daemon=True)
                self._thread.start()
        self._todo.put((key, work))

    @property
    def open(self) -> int:
        """How many were submitted and have not been collected yet."""
        with self._lock:
            return self._open

    def collect(self) -> list[Done]:
        """What has finished since the last call (never waits)."""
        if self._done.empty():  # the usual case, checked on every frame
            return []
        out: list[Done] = []
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                break
        with self._lock:
            self._open -= len(out)
        return out

    def drain(self, timeout_s: float) -> list[Done]:
        """Wait up to `timeout_s` for everything submitted to finish; what finished."""
        with self._idle:
            self._idle.wait_for(lambda: self._open == self._done.qsize(), timeout_s)
        return self.collect()

    def _run(self) -> None:
        while True:
            key, work = self._todo.get()
            result: str | None = None
            error: str | None = None
            try:
                result = work()
            except GesturectlError as e:
                log.error("%s", e)
                error = str(e)
            except Exception as e:  # an action must never take the worker down
                log.exception("a background action failed")
                error = f"{type(e).__name__}: {e}"
            self._done.put((key, result, error))
            with self._idle:
                self._idle.notify_all()
