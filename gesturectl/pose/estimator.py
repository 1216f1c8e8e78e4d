"""What every pose stage offers the rest of the program (BlazePose, heatmap models)."""

from __future__ import annotations

from typing import Protocol

from gesturectl.pose.roi import Roi
from gesturectl.types import Frame, Pose


class PoseEstimator(Protocol):
    last_roi: Roi | None

    def estimate(self, frame: Frame) -> Pose | None: ...

    def reset(self) -> None: ...
