"""Traces: poses over time as JSON Lines, the interchange format between recording and recognition.

Line 1 is a header
    {"format": "gesturectl-trace", "version": 1, "layout": "coco17" | "blazepose33",
     "image_size": [w, h], "fps": 30}
and every other line one frame
    {"t": seconds_since_start, "keypoints": [[x, y, score], ...]}   (pixels, layout order)
or {"t": ..., "keypoints": null} when nobody is in view.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from gesturectl.errors import SourceError
from gesturectl.sources.base import PoseSample
from gesturectl.types import LAYOUTS, Pose, joint_names

FORMAT = "gesturectl-trace"
VERSION = 1


@dataclass(frozen=True)
class TraceHeader:
    layout: str
    image_size: tuple[int, int]
    fps: float

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "layout": self.layout,
                "image_size": list(self.image_size),
                "fps": self.fps,
            }
        )


class TraceWriter:
    """Writes a header, then one line per frame (`None` for nobody in view)."""

    def __init__(self, out: IO[str], header: TraceHeader) -> None:
        if header.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {header.layout!r}; valid: {sorted(LAYOUTS)}")
        self._out = out
        self._header = header
        out.write(header.to_json() + "\n")

    def write(self, t: float, pose: Pose | None) -> None:
        if pose is not None and pose.layout != self._header.layout:
            if self._header.layout != "coco17":
                raise ValueError(f"cannot write a {pose.layout} pose into a {self._header.layout} trace")
            pose = pose.to_coco()
        kps = (
            None
            if pose is None
            else [
                [round(float(x), 2), round(float(y), 2), round(float(s), 4)]
                for (x, y), s in zip(pose.keypoints, pose.scores)
            ]
        )
        self._out.write(json.dumps({"t": round(float(t), 4), "keypoints": kps}) + "\n")


def read_trace(path: Path) -> tuple[TraceHeader, Iterator[tuple[float, Pose | None]]]:
    """Open a trace: its header and an iterator of (t, pose), pose None where nobody was in view."""
    try:
        f = open(path, encoding="utf-8")  # noqa: SIM115 (closed by the frames generator)
    except OSError as e:
        raise SourceError(f"{path}: cannot open the trace ({e.strerror})") from e
    first = f.readline()
    try:
        head = json.loads(first)
        if head.get("format") != FORMAT or head.get("version") != VERSION:
            raise ValueError(f"expected format {FORMAT!r} version {VERSION}")
        header = TraceHeader(head["layout"], tuple(head["image_size"]), float(head["fps"]))
        k = len(joint_names(header.layout))
    except (ValueError, KeyError, TypeError) as e:
        f.close()
        raise SourceError(f"{path}:1: not a gesturectl trace header ({e})") from e

    def frames() -> Iterator[tuple[float, Pose | None]]:
        with f:
            for lineno, line in enumerate(f, start=2):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    t = float(rec["t"])
                    if rec["keypoints"] is None:
                        yield t, None
                        continue
                    arr = np.asarray(rec["keypoints"], np.float32).reshape(k, 3)
                except (ValueError, KeyError, TypeError) as e:
                    raise SourceError(f"{path}:{lineno}: bad trace frame ({e})") from e
                yield t, Pose(arr[:, :2], arr[:, 2], header.layout, header.image_size, t=t)

    return header, frames()


class TraceSource:
    """A recorded trace, as poses."""

    live = False

    def __init__(self, path: Path) -> None:
        header, self._frames = read_trace(path)
        self.fps = header.fps
        self.path = path

    def __iter__(self) -> Iterator[PoseSample]:
        for t, pose in self._frames:
            yield PoseSample(t, pose)

    def close(self) -> None:
        pass
