"""What the daemon's loop counts for `gesturectl status`: frames, events and the last one, latencies, and who
is in view. The loop writes (`frame`, `processed`, `outcome`); any thread reads (`fields`), under one lock."""

from __future__ import annotations

import threading
import time
from collections import deque

from gesturectl.people.stage import Selection
from gesturectl.runtime.engine import Outcome
from gesturectl.runtime.status import quantiles_ms

#: How many recent latencies the quantiles are taken over.
RECENT = 500


class LoopTally:
    """The loop's counters and recent latencies, as the fields of `Status` they fill."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frames = 0
        self._events = 0
        self._last_event: dict | None = None
        self._latencies: deque[float] = deque(maxlen=RECENT)  # gesture end -> action sent
        self._frame_latencies: deque[float] = deque(maxlen=RECENT)  # capture -> processed, every processed frame
        self._first_frame_at: float | None = None  # wall-clock time (epoch) of the first processed frame
        self.in_view = False  # anyone in the last processed frame, in control or not
        self._people = 0
        self._user: int | None = None  # the track id in control
        self._user_seen = False

    def frame(self, in_view: bool, selection: Selection | None) -> bool:
        """A processed frame and who was in it; True when someone came into view or the last person left."""
        with self._lock:
            self._frames += 1
            changed, self.in_view = in_view != self.in_view, in_view
            if selection is not None:
                self._people, self._user = len(selection.scene.people), selection.controlling
                self._user_seen = selection.pose is not None
        return changed

    def processed(self, latency_s: float) -> None:
        """The frame's capture -> processed latency. The first frame's includes loading the model: its time
        of day is kept instead."""
        with self._lock:
            if self._first_frame_at is None:
                self._first_frame_at = time.time()
            else:
                self._frame_latencies.append(latency_s)

    def outcome(self, o: Outcome) -> None:
        """An event, and the action it led to (or why not)."""
        with self._lock:
            self._events += 1
            self._last_event = {
                "gesture": o.decision.event.gesture,
                "action": o.decision.action_name,
                "result": o.result,
                "error": o.error,
                "skipped": o.decision.skipped,
                "line": o.log_line(),
                "at": time.strftime("%H:%M:%S"),
            }
            if o.decision.action is not None and o.error is None:
                self._latencies.append(o.latency_s)

    def fields(self) -> dict:
        """The `Status` fields this tally fills."""
        with self._lock:
            return {
                "frames": self._frames,
                "events": self._events,
                "last_event": self._last_event,
                "latency_ms": quantiles_ms(self._latencies),
                "person_in_view": self.in_view,
                "people_in_view": self._people,
                "user": self._user,
                "user_in_view": self._user_seen,
                "frame_latency_ms": quantiles_ms(self._frame_latencies),
                "first_frame_at": self._first_frame_at,
            }
