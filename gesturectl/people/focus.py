"""Whom a recording follows when several people are in view.

`gesturectl record` writes one person per frame. Writing whoever is largest in each frame makes a trace jump
between people whenever a bystander steps closer, and a replay of it would act on their arm. The focus is
instead, in order:
  1. the person in control (who the daemon would act on);
  2. else the person the recording followed so far, while they stay in view (their track id);
  3. else the largest person in view, followed from then on.
"""

from __future__ import annotations

from gesturectl.people.geometry import box, box_area
from gesturectl.people.stage import Selection
from gesturectl.types import Pose


class RecordingFocus:
    """Selection -> the one Pose to record (or None with nobody in view)."""

    def __init__(self, min_score: float) -> None:
        self._min_score = min_score
        self.track_id: int | None = None  # whom the recording follows

    def pick(self, selection: Selection) -> Pose | None:
        scene = selection.scene
        if not scene.people:
            return None
        chosen = None
        if selection.controlling is not None:
            chosen = scene.person(selection.controlling)
        if chosen is None and self.track_id is not None:
            chosen = scene.person(self.track_id)
        if chosen is None:
            chosen = max(scene.people, key=lambda p: box_area(box(p.pose, self._min_score)))
        self.track_id = chosen.track_id
        return chosen.pose
