"""What every frame source offers the loop, and the pose samples a trace yields instead of frames.

A source is an iterator with `fps`, `live` and `close()`. Cameras, videos and image folders yield
`Frame`s; a trace yields `PoseSample`s, which skip the pose stage. Cameras and videos also offer
`grabbed()`, which yields `Grabbed` frames that are decoded only when wanted. Live sources are paced by the
camera; the capture thread paces the others by their timestamps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, Union

from gesturectl.types import Frame, Pose


@dataclass(frozen=True)
class PoseSample:
    """A recorded pose (from a trace): the pose stage is skipped for it."""

    t: float
    pose: Pose | None


SourceItem = Union[Frame, PoseSample]


@dataclass(frozen=True)
class Grabbed:
    """A frame taken from a camera or video but not decoded yet: `decode()` (before the next grab) gives the
    Frame. A frame nobody wants is dropped here, having cost only the grab."""

    t: float
    index: int
    decode: Callable[[], Frame]


class FrameSource(Protocol):
    """A camera, file, folder or trace, opened."""

    fps: float
    live: bool

    def __iter__(self) -> Iterator[SourceItem]: ...

    def close(self) -> None: ...
