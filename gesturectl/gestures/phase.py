"""One phase of a gesture, compiled, and its running state: since when its conditions hold, how long it has been
held, the motion samples of its window, and (for `fresh_s`) when the pose was last clearly left.

`SequenceMatcher` (sequence.py) owns one per phase and decides from them when the gesture completes; this module
only keeps the state and answers questions about it.
"""

from __future__ import annotations

from collections import deque

from gesturectl.gestures.conditions import Check, Value, compile_all, compile_quantity
from gesturectl.gestures.features import BodyFrame
from gesturectl.gestures.progress import Fail
from gesturectl.gestures.spec import Phase

#: For `fresh_s`: the pose counts as left only when its position conditions fail even loosened by
#: this much (sw), so jitter at a threshold is not taken for a repeated movement.
FRESH_RELEASE_SW = 0.5


class PhaseState:
    """A compiled phase and its running state."""

    def __init__(self, spec: Phase) -> None:
        self.spec = spec
        self.check: Check = compile_all(spec.when)
        self.value: Value | None = compile_quantity(spec.motion.change) if spec.motion else None
        self.samples: deque[tuple[float, float]] = deque(maxlen=256)
        self.fail: Fail | None = None  # this frame's first failing condition (reporting only)
        # Freshness memory (kept through clear(): it is about the movement, not this attempt's progress):
        # the phase's position conditions (not its speeds), and when the pose was last clearly left.
        self.shape: Check | None = compile_all([c for c in spec.when if c.speed is None]) if spec.fresh_s > 0 else None
        self.was_in = False
        self.true_end: float | None = None
        self.clear()

    def clear(self) -> None:
        """Forget all progress."""
        self.break_run()
        self.last_done: float | None = None  # last time satisfied (kept when the run breaks)

    def break_run(self) -> None:
        """The conditions stopped holding: the next phase may still follow within its max_gap_s."""
        self.run_start: float | None = None  # conditions continuously true since
        self.done_since: float | None = None  # satisfied continuously since
        self.samples.clear()
        self.stale_gap: float | None = None  # this run began only this long after the last one (fresh_s)
        self.held = 0.0  # reporting: how long the hold has lasted (s)
        self.moved = 0.0  # reporting: the motion so far toward `by` (sw)

    def observe(self, frame: BodyFrame, gate: bool, holds: bool) -> None:
        """Remember when the pose (held for real) was last clearly left within the engage zone (for
        `fresh_s`): leaving the zone altogether (the hands dropped) is no back-and-forth."""
        if self.shape is None:
            return
        if holds:
            self.was_in = True
        elif not gate:
            self.was_in = False
        elif self.was_in and self.shape(frame, FRESH_RELEASE_SW) is not None:
            self.was_in, self.true_end = False, frame.t

    def start_run(self, t: float) -> None:
        """The conditions hold from now on; a run starting too soon after the last one is stale."""
        self.run_start = t
        fresh = self.spec.fresh_s
        if fresh > 0 and self.true_end is not None and t - self.true_end < fresh:
            self.stale_gap = t - self.true_end

    def motion_progress(self, t: float, since: float) -> tuple[float, float] | None:
        """(signed change toward `by`, current value) over the window, or None without samples."""
        m = self.spec.motion
        if m is None:
            return None
        window = [v for ts, v in self.samples if ts >= max(since, t - m.within_s) - 1e-9]
        if not window:
            return None
        now = window[-1]
        change = now - min(window) if m.by > 0 else max(window) - now
        return change, now
