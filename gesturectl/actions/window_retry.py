"""A window system that was not ready when the daemon started, asked again later.

At login the daemon may start before the compositor's interface is up (KWin exports its scripting object a
moment after it owns its bus name; an X server may still be starting). Rather than leaving app rules off until
the next restart, the candidates are tried again when the focused window is asked for, at most every
`retry_s`, until one answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from gesturectl.actions.window_base import ActiveWindow, WindowSystem

log = logging.getLogger(__name__)

RETRY_S = 5.0


class RetryingWindowSystem(WindowSystem):
    """Tries `candidates` (window system constructors) again, at most every `retry_s`, until one connects;
    until then it knows no window in front and closes nothing, like the do-nothing system."""

    retrying = True  # (WindowSystem's attribute)

    def __init__(
        self,
        candidates: Sequence[Callable[[], WindowSystem]],
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
        on_ready: Callable[[str], None] | None = None,
    ) -> None:
        self._candidates = list(candidates)
        self._retry_s = retry_s
        self._clock = clock
        self._on_ready = on_ready
        self._ws: WindowSystem | None = None
        self._tried_at = clock()  # the caller has just tried them all once

    @property
    def name(self) -> str:  # type: ignore[override]
        return "none" if self._ws is None else self._ws.name

    def _system(self) -> WindowSystem | None:
        if self._ws is not None or self._clock() - self._tried_at < self._retry_s:
            return self._ws
        self._tried_at = self._clock()
        for make in self._candidates:
            try:
                self._ws = make()
            except Exception as e:  # each window system raises its own connection errors
                log.debug("window system still not ready: %s", e)
                continue
            log.info("%s now tells which window is in front: app rules apply from now on", self._ws.name)
            if self._on_ready is not None:
                self._on_ready(self._ws.name)
            break
        return self._ws

    def active(self) -> ActiveWindow | None:
        ws = self._system()
        return None if ws is None else ws.active()

    def close_windows(self, pids: set[int]) -> int:
        ws = self._system()
        return 0 if ws is None else ws.close_windows(pids)
