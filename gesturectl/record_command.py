"""`gesturectl record`: run the pose engine on a source and write a trace (JSON Lines)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from gesturectl.config import load_config
from gesturectl.pose.heatmap_backend import build_estimator
from gesturectl.sources import VideoFileSource, is_video, read_image
from gesturectl.traces import TraceHeader, TraceWriter
from gesturectl.types import Frame


def _open(src: Path, still_s: float, fps: float) -> tuple[float, Iterator[Frame]]:
    """(fps, frames) of a video, or of a still photo repeated for `still_s` seconds (a held pose)."""
    if is_video(src):
        video = VideoFileSource(src)

        def frames() -> Iterator[Frame]:
            try:
                yield from video
            finally:
                video.close()

        return video.fps, frames()
    image = read_image(src)
    return fps, (Frame(image, i / fps, i) for i in range(max(1, round(still_s * fps))))


def run_record_command(args) -> int:
    cfg = load_config(args.config)
    est = build_estimator(cfg.pose)
    fps, frames = _open(args.source, args.still_seconds, 30.0)
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
