"""Cameras through OpenCV: an index (0, 1, ...), a device path (/dev/video0) or a device name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import cv2

from gesturectl.errors import SourceError
from gesturectl.sources.base import Grabbed
from gesturectl.types import Frame


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
            raise SourceError(
                f"camera {device!r} cannot be opened (unplugged, in use by another program, "
                f"or no permission); list cameras with `gesturectl cameras`"
            )
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.device = device

    def __iter__(self) -> Iterator[Frame]:
        return (g.decode() for g in self.grabbed())

    def grabbed(self) -> Iterator[Grabbed]:
        """Each frame as the camera delivers it, decoded (colour-converted) only if `decode()` is called."""
        index = 0
        while True:
            if not self._cap.grab():
                raise self._stopped()
            t = time.monotonic()
            yield Grabbed(t, index, partial(self._decode, t, index))
            index += 1

    def _decode(self, t: float, index: int) -> Frame:
        ok, image = self._cap.retrieve()
        if not ok or image is None:
            raise self._stopped()
        return Frame(image, t, index)

    def _stopped(self) -> SourceError:
        return SourceError(f"camera {self.device!r} stopped delivering frames (unplugged?)")

    def close(self) -> None:
        self._cap.release()


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
