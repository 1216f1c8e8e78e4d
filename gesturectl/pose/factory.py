"""The pose stage the settings ask for: BlazePose lite/full (everyone, or one person), or a heatmap model file."""

from __future__ import annotations

from pathlib import Path

from gesturectl.pose.estimator import PoseEstimator
from gesturectl.pose.settings import LANDMARK_MODELS, PoseSettings
from gesturectl.timing import StageTimer


def build_estimator(settings: PoseSettings, timer: StageTimer | None = None) -> PoseEstimator:
    """Build the pose stage (models are hash-checked; a random-weights heatmap model announces itself)."""
    if settings.model in LANDMARK_MODELS and settings.max_people > 1:
        from gesturectl.pose.multi import MultiBlazePoseEstimator

        return MultiBlazePoseEstimator.from_settings(settings, timer)
    if settings.model in LANDMARK_MODELS:
        from gesturectl.pose.blazepose import BlazePoseEstimator

        return BlazePoseEstimator.from_settings(settings, timer)
    from gesturectl.pose.heatmap_backend import HeatmapPoseEstimator

    return HeatmapPoseEstimator.from_path(Path(settings.model).expanduser(), settings, timer)
