"""How many camera frames the daemon looks at: all of them only while a gesture may be underway.

    mode     when                                                        frames looked at
    active   the user holds the engage pose, a gesture has begun (a phase   every frame
             holds, or fired and may repeat), someone is taking the user
             lock, or a preview window is open; and for active_hold_s after
    watch    someone is in view, or was less than idle_after_s ago          watch_fps a second; the pose stage
                                                                           re-finds people RECHECK_SCALE× less often
    idle     nobody in view for idle_after_s, or paused by the gesture     idle_fps a second; with nobody in view
                                                                           only frames that changed (MotionGate)
    off      paused by the user (CLI, tray, hotkey)                        none (a camera is released)

The pacer is pure: the daemon tells it what each processed frame showed (`observe`), and the capture
thread asks it, before decoding a frame, whether that frame is wanted (`wants`); an unwanted frame is
grabbed from the camera but never decoded. Recorded poses (traces) cost nothing and are never paced.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from gesturectl.commands import PausedBy
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.types import GestureEvent, Pose

# A frame up to this much earlier than the next due time is taken: cameras deliver frames on their own
# clock, so without it a 1/8 s interval at 30 fps would wait for the fifth frame instead of the fourth.
TOLERANCE_S = 0.01
# While watching, the pose stage looks for new people and re-seeds drifted crops this many times less often.
RECHECK_SCALE = 4.0
# With nobody in view and nothing changing, the model still looks this often (a light switched on slowly).
IDLE_BACKSTOP_S = 10.0


class Mode(str, Enum):
    ACTIVE = "active"
    WATCH = "watch"
    IDLE = "idle"
    OFF = "off"


@dataclass(frozen=True)
class PaceSettings:
    """The `daemon:` section's rates (frames per second) and delays (seconds)."""

    watch_fps: float = 8.0
    idle_fps: float = 2.0
    idle_after_s: float = 3.0
    active_hold_s: float = 1.5


@dataclass(frozen=True)
class Seen:
    """What one processed frame showed the pacer."""

    wall: float
    someone: bool  # anyone in view, in control or not
    busy: bool  # a gesture may be underway (see the table above)
    paused_by: PausedBy | None = None
    preview: bool = False


class Pacer:
    """Seen -> Mode, and per captured frame whether it is wanted."""

    def __init__(self, settings: PaceSettings | None = None) -> None:
        self.settings = settings or PaceSettings()
        self.mode = Mode.ACTIVE  # at start-up: look at everything until the first frame says otherwise
        self._next_at = -math.inf
        self._last_busy: float | None = None
        self._last_person: float | None = None
        self._last_processed = -math.inf

    def reset(self) -> None:
        """A new stream: look at the next frame, then decide afresh."""
        self.mode, self._next_at = Mode.ACTIVE, -math.inf
        self._last_busy = self._last_person = None
        self._last_processed = -math.inf

    def wants(self, wall: float) -> bool:
        """Whether a frame captured at `wall` is to be decoded and processed (any thread may ask)."""
        return self.mode is not Mode.OFF and wall >= self._next_at

    def pause(self, by: PausedBy | None) -> None:
        """The pause state changed outside a frame (a command): off while the user paused, else look at the next."""
        if by is PausedBy.USER:
            self.mode = Mode.OFF
        elif self.mode is Mode.OFF or by is None:
            self.mode, self._next_at = Mode.ACTIVE, -math.inf

    @property
    def motion_gated(self) -> bool:
        """Whether a frame is first checked for change (idle with nobody in view)."""
        return self.mode is Mode.IDLE and self._last_person is None

    def look(self, wall: float, changed: bool) -> bool:
        """A motion-gated frame: process it when it `changed` (or the model has not looked for IDLE_BACKSTOP_S);
        otherwise the next look is one idle interval on."""
        if changed or wall - self._last_processed >= IDLE_BACKSTOP_S:
            return True
        self._next_at = wall + 1.0 / self.settings.idle_fps - TOLERANCE_S
        return False

    def observe(self, seen: Seen) -> Mode:
        """Decide the mode after a processed frame, and when the next frame is due."""
        s, t = self.settings, seen.wall
        self._last_processed = t
        if seen.someone:
            self._last_person = t
        elif self._last_person is not None and t - self._last_person > s.idle_after_s:
            self._last_person = None
        if seen.busy or seen.preview:
            self._last_busy = t
        if seen.paused_by is PausedBy.USER:
            mode = Mode.OFF
        elif self._last_busy is not None and t - self._last_busy < s.active_hold_s:
            mode = Mode.ACTIVE
        elif seen.paused_by is PausedBy.GESTURE:
            mode = Mode.IDLE
        elif self._last_person is not None:
            mode = Mode.WATCH
        else:
            mode = Mode.IDLE
        self.mode = mode
        interval = {Mode.ACTIVE: 0.0, Mode.WATCH: 1.0 / s.watch_fps, Mode.IDLE: 1.0 / s.idle_fps}.get(mode, 0.0)
        self._next_at = t + interval - TOLERANCE_S if interval > 0 else -math.inf
        return mode

    @property
    def recheck_scale(self) -> float:
        """How many times less often the pose stage re-finds people than its `recheck_s` says."""
        return RECHECK_SCALE if self.mode is Mode.WATCH else 1.0


@dataclass(frozen=True)
class PacedRun:
    """A recording replayed as a camera at the daemon's pace: the events, and the share of frames looked at."""

    events: tuple[GestureEvent, ...]
    looked: int
    frames: int


def paced_recognize(
    spec: RecognizerSpec, stream: Iterable[tuple[float, Pose | None]], settings: PaceSettings | None = None
) -> PacedRun:
    """The gestures a daemon would see in a recording of a camera, looking only at the frames its pacer
    wants (what `bench/bench_pacing.py` compares with every frame). Nobody in view counts as a changed
    frame (a recording has no pixels to compare), so this is the pace's worst case for idle frames."""
    pacer, pipe = Pacer(settings), GesturePipeline(spec)
    events: list[GestureEvent] = []
    looked = frames = 0
    for t, pose in stream:
        frames += 1
        if not pacer.wants(t):
            continue
        looked += 1
        events.extend(pipe.update(pose))
        pacer.observe(Seen(t, someone=pose is not None, busy=pipe.underway))
    return PacedRun(tuple(events), looked, frames)
