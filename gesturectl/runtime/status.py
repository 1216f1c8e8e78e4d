"""What `gesturectl status` shows (and `--json` prints as is), and the latency figures in it."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field


def quantiles_ms(seconds: Iterable[float]) -> dict | None:
    """{n, median, p95} in milliseconds of latencies in seconds (None without any)."""
    lat = sorted(seconds)
    if not lat:
        return None
    return {
        "n": len(lat),
        "median": round(statistics.median(lat) * 1000, 2),
        "p95": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000, 2),
    }


@dataclass(frozen=True)
class Status:
    """What `gesturectl status` shows (and `--json` prints as is)."""

    state: str
    source: str
    source_state: str
    source_message: str
    pose_error: str | None
    paused: bool
    paused_by: str | None
    frames: int
    dropped_frames: int
    events: int
    last_event: dict | None
    latency_ms: dict | None
    config: str
    dry_run: bool
    uptime_s: float
    stage_ms: dict[str, float] = field(default_factory=dict)
    person_in_view: bool = False
    gestures: list[dict] | None = None
    pace: str = "active"  # which frames are looked at (runtime/pacing.py): active, watch, idle or off
    frame_latency_ms: dict | None = None  # capture to processed, over the last 500 processed frames
    first_frame_at: float | None = None  # when the first frame was processed (seconds since the epoch)
    people_in_view: int = 0  # people in the last processed frame
    user: int | None = None  # the track id of the person whose gestures count (who holds the user lock)
    user_in_view: bool = False  # whether that person is in the last processed frame

    def to_dict(self) -> dict:
        return {"ok": True, **asdict(self)}
