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
import math
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


#: Longest line read (a frame of 33 joints is about 1.5 kB); anything longer is not a trace.
MAX_LINE_BYTES = 256_000
MAX_IMAGE_SIDE = 100_000
MAX_FPS = 1_000.0


class _BadLine(ValueError):
    """One line of the trace is not what the format says; the message says what."""


def _read_line(f: IO[bytes]) -> str | None:
    """The next line as text (None at the end), refusing over-long lines and bytes that are not UTF-8."""
    raw = f.readline(MAX_LINE_BYTES + 1)
    if not raw:
        return None
    if len(raw) > MAX_LINE_BYTES:
        raise _BadLine(f"a line longer than {MAX_LINE_BYTES} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _BadLine(f"not UTF-8 text (byte 0x{raw[e.start]:02x} at column {e.start + 1})") from None


def _json(line: str) -> object:
    """One JSON value; too deep a nesting is refused by json itself (RecursionError), as a bad line."""
    try:
        return json.loads(line)
    except RecursionError:
        raise _BadLine("JSON nested too deep") from None
    except ValueError as e:
        raise _BadLine(f"not JSON ({e})") from None


def _number(value: object, what: str, low: float, high: float, low_ok: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _BadLine(f"{what} must be a number, got {value!r:.40}")
    if value < low or (value == low and not low_ok) or value > high:
        raise _BadLine(f"{what} must be {'>=' if low_ok else '>'} {low:g} and <= {high:g}, got {value!r}")
    return float(value)


def parse_header(line: str) -> TraceHeader:
    """The trace header from its (first) line; _BadLine naming what is wrong."""
    head = _json(line)
    if not isinstance(head, dict):
        raise _BadLine(f"the header must be a JSON object, got {type(head).__name__}")
    if head.get("format") != FORMAT or head.get("version") != VERSION:
        raise _BadLine(f"expected format {FORMAT!r} version {VERSION}")
    layout = head.get("layout")
    if not isinstance(layout, str) or layout not in LAYOUTS:
        raise _BadLine(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r:.40}")
    size = head.get("image_size")
    if not isinstance(size, list) or len(size) != 2:
        raise _BadLine(f"image_size must be [width, height], got {size!r:.40}")
    w, h = (_number(v, "image_size", 1, MAX_IMAGE_SIDE) for v in size)
    if w != int(w) or h != int(h):
        raise _BadLine(f"image_size must be whole pixels, got {size!r:.40}")
    fps = _number(head.get("fps"), "fps", 0.0, MAX_FPS, low_ok=False)
    return TraceHeader(layout, (int(w), int(h)), fps)


def parse_frame(line: str, header: TraceHeader) -> tuple[float, Pose | None]:
    """One frame line: (t, pose or None); _BadLine naming what is wrong."""
    rec = _json(line)
    if not isinstance(rec, dict) or "t" not in rec or "keypoints" not in rec:
        raise _BadLine('a frame must be {"t": seconds, "keypoints": [[x, y, score], ...] or null}')
    t = _number(rec["t"], "t", 0.0, 1e9)
    if rec["keypoints"] is None:
        return t, None
    k = len(joint_names(header.layout))
    try:
        arr = np.asarray(rec["keypoints"], np.float64)
    except (ValueError, TypeError) as e:
        raise _BadLine(f"keypoints must be numbers ({e})") from None
    if arr.shape != (k, 3):
        raise _BadLine(f"keypoints must be {k} [x, y, score] triples for {header.layout}, got shape {arr.shape}")
    if not np.isfinite(arr).all() or np.abs(arr[:, :2]).max() > 1e7:
        raise _BadLine("keypoints must be finite pixel positions")
    scores = np.clip(arr[:, 2], 0.0, 1.0)
    return t, Pose(arr[:, :2], scores, header.layout, header.image_size, t=t)


def read_trace(path: Path) -> tuple[TraceHeader, Iterator[tuple[float, Pose | None]]]:
    """Open a trace: its header and an iterator of (t, pose), pose None where nobody was in view.

    Anything that is not a trace (bytes that are not UTF-8, a header of the wrong shape, deep or huge
    lines, sizes or rates out of range, a broken or truncated frame) raises SourceError naming the line.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed by the frames generator)
    except OSError as e:
        raise SourceError(f"{path}: cannot open the trace ({e.strerror})") from e
    try:
        first = _read_line(f)
        if not first:
            f.close()
            raise SourceError(f"{path}: the trace is empty (record one with `gesturectl record`)")
        header = parse_header(first)
    except _BadLine as e:
        f.close()
        raise SourceError(f"{path}:1: not a gesturectl trace header ({e})") from None
    except OSError as e:
        f.close()
        raise SourceError(f"{path}: cannot read the trace ({e.strerror})") from e

    def frames() -> Iterator[tuple[float, Pose | None]]:
        with f:
            lineno = 1
            while True:
                lineno += 1
                try:
                    line = _read_line(f)
                    if line is None:
                        return
                    if not line.strip():
                        continue
                    yield parse_frame(line, header)
                except _BadLine as e:
                    raise SourceError(f"{path}:{lineno}: bad trace frame ({e})") from None
                except OSError as e:
                    raise SourceError(f"{path}:{lineno}: cannot read the trace ({e.strerror})") from e

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
