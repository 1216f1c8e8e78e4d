"""Smoothing + recognition over a stream of poses: the part of the loop after the pose model.

`GesturePipeline.update(pose)` is what the daemon calls per frame; `recognize(stream)` runs a
whole recorded stream (a trace, a puppet script) and returns its events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from gesturectl.gestures.progress import GestureProgress
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.gestures.smoothing import PoseSmoother
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.gestures.templates import TemplateModel
from gesturectl.types import GestureEvent, Pose


class GestureStage(Protocol):
    """What the engine needs of the gesture stage: `Pose | None` in, events out; `reset()` when the stream is
    cut; each gesture's progress and the engage state of the last frame (for the preview)."""

    def update(self, pose: Pose | None) -> list[GestureEvent]: ...

    def reset(self) -> None: ...

    def progress(self) -> tuple[GestureProgress, ...]:
        """Each gesture's progress record for the last frame (read only by preview, status, explain)."""
        ...

    @property
    def engaged(self) -> bool:
        """Whether the engage gate was on for the last frame."""
        ...

    @property
    def underway(self) -> bool:
        """Whether a gesture may be underway on the last frame (the daemon then looks at every frame)."""
        ...


class GesturePipeline:
    """Pose | None -> list[GestureEvent]: One Euro smoothing (if enabled), then the recognizer."""

    def __init__(self, spec: RecognizerSpec, templates: Mapping[str, TemplateModel] | None = None) -> None:
        s = spec.smoothing
        self._smoother = (
            PoseSmoother(s.min_cutoff_hz, s.beta, s.d_cutoff_hz, spec.min_joint_score, spec.max_dropout_s)
            if s.enabled
            else None
        )
        self.recognizer = Recognizer(spec, templates)

    def reset(self) -> None:
        if self._smoother is not None:
            self._smoother.reset()
        self.recognizer.reset()

    def update(self, pose: Pose | None) -> list[GestureEvent]:
        if self._smoother is not None:
            pose = self._smoother.update(pose)
        return self.recognizer.update(pose)

    @property
    def engaged(self) -> bool:
        """Whether the engage gate was on for the last frame."""
        return self.recognizer.engaged

    @property
    def underway(self) -> bool:
        return self.recognizer.underway

    def progress(self) -> tuple[GestureProgress, ...]:
        """Each enabled gesture's progress on the last frame (see `Recognizer.progress`)."""
        return self.recognizer.progress()


def recognize(spec: RecognizerSpec, stream: Iterable[tuple[float, Pose | None]]) -> list[GestureEvent]:
    """Every event a fresh pipeline produces over a stream of (t, pose or None)."""
    pipe = GesturePipeline(spec)
    events: list[GestureEvent] = []
    for _, pose in stream:
        events.extend(pipe.update(pose))
    return events
