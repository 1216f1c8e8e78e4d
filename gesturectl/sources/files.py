"""Files as sources: still images, video files and image folders (OpenCV decodes them)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from gesturectl.errors import SourceError
from gesturectl.sources.base import Grabbed
from gesturectl.types import Frame

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v"}


def _not_a_file(path: Path, what: str) -> SourceError:
    """The error for a path that is not a file: a folder is said to be one (with what to give instead)."""
    if path.is_dir():
        return SourceError(f"{path}: is a folder, not {what}; give the files in it (e.g. {path}/*.jpg)")
    return SourceError(f"{path}: no such file")


def read_image(path: Path) -> np.ndarray:
    """Read an image as H×W×3 BGR uint8, or raise SourceError naming the problem."""
    if not path.is_file():
        raise _not_a_file(path, "an image")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SourceError(f"{path}: not a readable image (supported: {', '.join(sorted(IMAGE_SUFFIXES))})")
    return image


class VideoFileSource:
    """Frames of a video file, timed by the file's own frame rate."""

    live = False

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise _not_a_file(path, "a video")
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise SourceError(f"{path}: OpenCV cannot open this video (is it a supported, uncorrupted file?)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.path = path

    def __iter__(self) -> Iterator[Frame]:
        return (g.decode() for g in self.grabbed())

    def grabbed(self) -> Iterator[Grabbed]:
        """Each frame in order, timed by the file's frame rate, converted to an image only if `decode()` is called."""
        index = 0
        while self._cap.grab():
            yield Grabbed(index / self.fps, index, partial(self._decode, index))
            index += 1

    def _decode(self, index: int) -> Frame:
        ok, image = self._cap.retrieve()
        if not ok or image is None:
            raise SourceError(f"{self.path}: frame {index} cannot be decoded (a damaged file?)")
        return Frame(image, index / self.fps, index)

    def close(self) -> None:
        self._cap.release()


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


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


class StillImageSource:
    """A photo held for `seconds` at `fps`, as a person holding a pose in front of a camera would be."""

    live = False

    def __init__(self, path: Path, seconds: float = 2.0, fps: float = 30.0) -> None:
        self._image = read_image(path)
        self._n = max(1, round(seconds * fps))
        self.fps = fps
        self.path = path

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self._n):
            yield Frame(self._image, i / self.fps, i)

    def close(self) -> None:
        pass
