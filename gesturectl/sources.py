"""Frame sources: cameras, video files, image folders, still images and traces (OpenCV lives here).

Every source is an iterator with `fps`, `live` and `close()`. Cameras, videos and image folders
yield `Frame`s; a trace yields `PoseSample`s, which skip the pose stage. Live sources are paced
by the camera; the capture thread paces the others by their timestamps.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from gesturectl.errors import SourceError
from gesturectl.traces import read_trace
from gesturectl.types import Frame, Pose

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v"}


def read_image(path: Path) -> np.ndarray:
    """Read an image as H×W×3 BGR uint8, or raise SourceError naming the problem."""
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SourceError(f"{path}: not a readable image (supported: {', '.join(sorted(IMAGE_SUFFIXES))})")
    return image


class VideoFileSource:
    """Frames of a video file, timed by the file's own frame rate."""

    live = False

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SourceError(f"{path}: no such file")
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise SourceError(f"{path}: OpenCV cannot open this video (is it a supported, uncorrupted file?)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.path = path

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._cap.read()
            if not ok:
                return
            yield Frame(image, index / self.fps, index)
            index += 1

    def close(self) -> None:
        self._cap.release()


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def _quiet_opencv() -> None:
    """Probing cameras makes OpenCV print a warning per missing device; our own message says it better."""
    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    except AttributeError:
        pass


class CameraSource:
    """A webcam through OpenCV: an index (0, 1, ...) or a device path (/dev/video0)."""

    live = True

    def __init__(self, device: int | str) -> None:
        _quiet_opencv()
        self._cap = cv2.VideoCapture(device)
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(f"camera {device!r} cannot be opened (unplugged, in use by another program, "
                              f"or no permission); list cameras with `gesturectl cameras`")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.device = device

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._cap.read()
            if not ok or image is None:
                raise SourceError(f"camera {self.device!r} stopped delivering frames (unplugged?)")
            yield Frame(image, time.monotonic(), index)
            index += 1

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource:
    """The images of a folder in name order, as the frames of a video at `fps`."""

    live = False

    def __init__(self, folder: Path, fps: float = 30.0) -> None:
        self._files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise SourceError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.fps = fps

    def __iter__(self) -> Iterator[Frame]:
        for i, p in enumerate(self._files):
            yield Frame(read_image(p), i / self.fps, i)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class PoseSample:
    """A recorded pose (from a trace): the pose stage is skipped for it."""

    t: float
    pose: Pose | None


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


DEMO_TRACE = "demo_trace.jsonl"


def demo_trace_path() -> Path:
    """The bundled demo performance (a scripted figure doing every default gesture)."""
    return Path(str(resources.files("gesturectl").joinpath(DEMO_TRACE)))


def open_source(spec: str):
    """Open a source named on the command line or in the config.

    "demo" (the bundled trace), a camera index ("0") or device (/dev/video0), a video file, an
    image folder, or a trace (.jsonl).
    """
    if spec == "demo":
        return TraceSource(demo_trace_path())
    if spec.isdigit():
        return CameraSource(int(spec))
    path = Path(spec).expanduser()
    if spec.startswith("/dev/video"):
        return CameraSource(spec)
    if not path.exists():
        index = camera_by_name(spec)
        if index is not None:
            return CameraSource(index)
        raise SourceError(f"{spec}: no such camera, file or folder; use a camera index or name (`gesturectl "
                          "cameras`), a video, an image folder, a trace (.jsonl) or `--source demo`")
    if path.is_dir():
        return ImageFolderSource(path)
    if path.suffix.lower() == ".jsonl":
        return TraceSource(path)
    if is_video(path):
        return VideoFileSource(path)
    raise SourceError(f"{spec}: not a video ({', '.join(sorted(VIDEO_SUFFIXES))}), image folder or trace (.jsonl)")


SYSFS_V4L = Path("/sys/class/video4linux")


def camera_names(sysfs: Path = SYSFS_V4L) -> dict[int, str]:
    """Index -> device name of the Linux video devices (empty elsewhere)."""
    out = {}
    for d in sorted(sysfs.glob("video*")) if sysfs.is_dir() else []:
        try:
            out[int(d.name[5:])] = (d / "name").read_text().strip()
        except (OSError, ValueError):
            continue
    return out


def camera_by_name(text: str, sysfs: Path = SYSFS_V4L) -> int | None:
    """The lowest index whose device name contains `text` (case-insensitive), if any."""
    hits = [i for i, n in camera_names(sysfs).items() if text.lower() in n.lower()]
    return min(hits) if hits else None


def list_cameras(max_index: int = 8) -> list[tuple[int, str]]:
    """(index, description) of the cameras OpenCV can open."""
    _quiet_opencv()
    found = []
    for i in range(max_index):
        cap = cv2.VideoCapture(i)
        try:
            if cap.isOpened():
                w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
                dev = f"/dev/video{i}" if Path(f"/dev/video{i}").exists() else f"index {i}"
                name = camera_names().get(i, "")
                found.append((i, f"{dev} {w}x{h} {name}".rstrip()))
        finally:
            cap.release()
    return found
