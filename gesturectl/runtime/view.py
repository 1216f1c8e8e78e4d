"""What a preview shows, handed from the daemon's loop to a window: one frozen `View` per frame.

    Daemon loop ──View──▶ ViewSlot (latest view + toasts) ──▶ preview window (its own thread)

Nothing is built unless a window is attached (`Daemon.attach_view`): with no preview open the loop
pays one `is None` test per frame. The image is the camera frame in memory (never written anywhere),
or None for a trace (the window draws on a blank canvas).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gesturectl.gestures.progress import GestureProgress
from gesturectl.types import Frame, Pose

if TYPE_CHECKING:
    from gesturectl.gestures.pipeline import GestureStage
    from gesturectl.people.stage import Selection
    from gesturectl.sources.base import SourceItem
    from gesturectl.timing import StageTimer


@dataclass(frozen=True)
class Toast:
    """A fired gesture and the action it sent (or why it did not), shown for a moment.

    Attributes:
        gesture: the gesture that fired.
        text: the log line ('zoom_in -> hotkey ctrl+= (chrome)').
        kind: "sent" (the action ran, or would in a dry run), "skipped" or "failed".
        wall: monotonic time it was made.
    """

    gesture: str
    text: str
    kind: str = "sent"
    wall: float = 0.0


@dataclass(frozen=True)
class View:
    """One processed frame as the preview draws it.

    Attributes:
        image: the frame (H×W×3 BGR) or None for a trace (a blank canvas of `image_size`).
        image_size: (width, height) the poses' pixels refer to.
        poses: every person in view (the pose model's people, after limb ownership).
        progress: each enabled gesture's record for this frame.
        engaged: whether the engage gate is on.
        state: the daemon's state ("running", "paused", "no camera", ...).
        fps: frames processed per second, lately.
        stage_ms: CPU milliseconds per call of each stage (pose, gestures, action).
        cpu_percent: the process's CPU use lately (100 = one core).
        controlling: index in `poses` of the person in control (the user), None when nobody holds the lock.
    """

    image: np.ndarray | None
    image_size: tuple[int, int]
    poses: tuple[Pose, ...]
    progress: tuple[GestureProgress, ...]
    engaged: bool
    state: str
    fps: float = 0.0
    stage_ms: dict[str, float] = field(default_factory=dict)
    cpu_percent: float = 0.0
    controlling: int | None = None


class ViewSlot:
    """The latest view and the toasts not yet shown; written by the loop, read by a window."""

    def __init__(self, max_toasts: int = 8) -> None:
        self._lock = threading.Lock()
        self._view: View | None = None
        self._toasts: deque[Toast] = deque(maxlen=max_toasts)
        self._seq = 0
        self.closed = False

    def put(self, view: View) -> None:
        with self._lock:
            self._view = view
            self._seq += 1

    def toast(self, gesture: str, text: str, kind: str = "sent") -> None:
        with self._lock:
            self._toasts.append(Toast(gesture, text, kind, time.monotonic()))

    def take(self) -> tuple[View | None, int, list[Toast]]:
        """(latest view, its sequence number, toasts since the last take)."""
        with self._lock:
            toasts, self._toasts = list(self._toasts), deque(maxlen=self._toasts.maxlen)
            return self._view, self._seq, toasts


class Meter:
    """Frames per second and CPU % over a sliding second, measured on the loop's thread."""

    def __init__(self) -> None:
        self._walls: deque[float] = deque(maxlen=240)
        self._cpu: deque[tuple[float, float]] = deque(maxlen=240)

    def tick(self, wall: float) -> tuple[float, float]:
        """(fps, CPU %) including this frame."""
        self._walls.append(wall)
        self._cpu.append((wall, time.process_time()))
        while len(self._walls) > 2 and wall - self._walls[0] > 1.0:
            self._walls.popleft()
        while len(self._cpu) > 2 and wall - self._cpu[0][0] > 1.0:
            self._cpu.popleft()
        span = self._walls[-1] - self._walls[0]
        fps = (len(self._walls) - 1) / span if span > 0 else 0.0
        (w0, c0), (w1, c1) = self._cpu[0], self._cpu[-1]
        cpu = 100.0 * (c1 - c0) / (w1 - w0) if w1 > w0 else 0.0
        return fps, cpu


def frame_view(
    item: SourceItem,
    pose: Pose | None,
    selection: Selection | None,
    gestures: GestureStage,
    state: str,
    fps: float,
    cpu: float,
    timer: StageTimer,
) -> View:
    """The view of one processed item: everyone the people stage kept (or the one pose of a single-person
    source), who is in control, each gesture's progress (`gestures`: the engine's gesture stage) and the
    loop's figures (`timer`: its StageTimer)."""
    people = selection.scene.people if selection is not None else ()
    poses = tuple(p.pose for p in people) if people else (() if pose is None else (pose,))
    user = next((i for i, p in enumerate(people) if p.track_id == selection.controlling), None) if people else None
    frame = item if isinstance(item, Frame) else None
    size = frame.size if frame is not None else (poses[0].image_size if poses else (640, 480))
    return View(
        image=None if frame is None else frame.image,
        image_size=size,
        poses=poses,
        progress=gestures.progress(),
        engaged=gestures.engaged,
        state=state,
        fps=fps,
        stage_ms=timer.ms_per_call(),
        cpu_percent=cpu,
        controlling=user if people else (0 if poses else None),
    )
