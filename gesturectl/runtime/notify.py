"""Desktop notifications (`daemon.notify: true`): one per fired action, and on pause, resume and errors.

Sent through `desktop-notifier` (the `notify` extra: the freedesktop D-Bus service on Linux, the
notification centre on macOS and Windows) from one worker thread, so the daemon's loop never waits on
the desktop. The texts are made by pure functions (`outcome_notice`, `state_notice`); when notifications
cannot be sent here, the reason is logged once and the daemon goes on without them.
"""

from __future__ import annotations

import logging
import queue
import threading

from gesturectl.runtime.engine import Outcome
from gesturectl.runtime.status import Status

log = logging.getLogger(__name__)

APP = "gesturectl"
_STOP = object()


def outcome_notice(o: Outcome) -> tuple[str, str] | None:
    """(title, body) for a decision worth a notification: an action sent (or failed); None for a skip."""
    if o.error is not None:
        return f"{APP}: action failed", o.log_line()
    if o.decision.action is None or o.decision.skipped:
        return None
    return APP, o.log_line()


def state_notice(before: str | None, st: Status) -> tuple[str, str] | None:
    """(title, body) when the daemon's state changed in a way the user should hear about."""
    if st.state == before:
        return None
    if st.state == "paused":
        return f"{APP}: paused", f"gestures are paused (by {st.paused_by or 'you'})"
    if st.state == "running" and before == "paused":
        return f"{APP}: resumed", "gestures are on again"
    if st.state == "no camera":
        return f"{APP}: no camera", st.source_message or "the source is unavailable"
    if st.state == "pose model error":
        return f"{APP}: pose model error", st.pose_error or "the pose model cannot run"
    return None


class Notifier:
    """Sends notifications from a worker thread; `send()` never blocks."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=32)
        self._thread = threading.Thread(target=self._run, name="gesturectl-notify", daemon=True)
        self._thread.start()

    def send(self, title: str, body: str) -> None:
        try:
            self._queue.put_nowait((title, body))
        except queue.Full:
            log.debug("notification dropped (too many at once): %s", body)

    def outcome(self, o: Outcome) -> None:
        notice = outcome_notice(o)
        if notice is not None:
            self.send(*notice)

    def stop(self, timeout_s: float = 2.0) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            from desktop_notifier import DesktopNotifierSync

            notifier = DesktopNotifierSync(app_name=APP)
        except Exception as e:
            log.warning("desktop notifications are off: %s (pip install 'gesturectl[notify]')", e)
            return
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            title, body = item
            try:
                notifier.send(title, body)
            except Exception as e:  # no notification service on the bus, a desktop that went away, ...
                log.warning("desktop notification failed: %s", e)
