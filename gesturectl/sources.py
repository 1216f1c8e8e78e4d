"""Frame sources: still images and video files (OpenCV lives here).

Every source is an iterator of `Frame`s with a `fps` and a `close()`. Live cameras and
traces arrive with the daemon; the pose command needs images and videos.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from gesturectl.errors import SourceError
from gesturectl.types import Frame

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
