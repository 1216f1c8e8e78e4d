"""`gesturectl record`: run the pose engine on a source and write a trace (JSON Lines)."""

from __future__ import annotations

import sys
from pathlib import Path

from gesturectl.config import load_config
from gesturectl.pose.blazepose import BlazePoseEstimator
from gesturectl.sources import VideoFileSource, is_video, read_image
from gesturectl.traces import TraceHeader, TraceWriter
from gesturectl.types import Frame


def _frames(src: Path, still_s: float, fps: float):
    """Frames of a video, or a still photo repeated for `still_s` seconds (a held pose)."""
    if is_video(src):
        video = VideoFileSource(src)
        try:
            yield video.fps
            yield from video
        finally:
            video.close()
        return
    image = read_image(src)
    yield fps
    for i in range(max(1, round(still_s * fps))):
        yield Frame(image, i / fps, i)


def run_record_command(args) -> int:
    cfg = load_config(args.config)
    est = BlazePoseEstimator.from_settings(cfg.pose.settings())
    frames = _frames(args.source, args.still_seconds, 30.0)
    fps = next(frames)
    writer = None
    found = total = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for frame in frames:
            pose = est.estimate(frame)
            if writer is None:
                writer = TraceWriter(out, TraceHeader(args.layout, frame.size, fps))
            writer.write(frame.t, pose)
            total += 1
            found += pose is not None
    print(f"{args.source}: wrote {total} frames ({found} with a person) to {args.output}", file=sys.stderr)
    return 0
