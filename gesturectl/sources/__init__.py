"""Frame sources: cameras, video files, image folders, still images and traces.

`open_source(spec)` turns what a user types (`0`, `/dev/video0`, a camera's name, `clip.mp4`, a
folder, `trace.jsonl`, `demo`, a photo) into an opened `FrameSource`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from gesturectl.errors import SourceError
from gesturectl.sources.base import FrameSource, PoseSample, SourceItem
from gesturectl.sources.traces import TraceSource

__all__ = ["FrameSource", "PoseSample", "SourceItem", "demo_trace_path", "open_source"]

DEMO_TRACE = "data/demo_trace.jsonl"


def demo_trace_path() -> Path:
    """The bundled demo performance (a scripted figure doing every default gesture)."""
    return Path(str(resources.files("gesturectl").joinpath(DEMO_TRACE)))


def open_source(spec: str, still_seconds: float = 2.0) -> FrameSource:
    """Open a source named on the command line or in the config.

    "demo" (the bundled trace), a camera index ("0"), device (/dev/video0) or name, a video file,
    an image folder, a trace (.jsonl), or a photo (held as a still pose for `still_seconds`).
    """
    from gesturectl.sources.camera import CameraSource, camera_by_name
    from gesturectl.sources.files import (
        IMAGE_SUFFIXES,
        VIDEO_SUFFIXES,
        ImageFolderSource,
        StillImageSource,
        VideoFileSource,
        is_video,
    )

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
        raise SourceError(
            f"{spec}: no such camera, file or folder; use a camera index or name (`gesturectl "
            "cameras`), a video, an image folder, a trace (.jsonl) or `--source demo`"
        )
    if path.is_dir():
        return ImageFolderSource(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return TraceSource(path)
    if is_video(path):
        return VideoFileSource(path)
    if suffix in IMAGE_SUFFIXES:
        return StillImageSource(path, still_seconds)
    raise SourceError(
        f"{spec}: not a video ({', '.join(sorted(VIDEO_SUFFIXES))}), photo, image folder or trace (.jsonl)"
    )
