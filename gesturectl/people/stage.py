"""The people stage: Scene -> the controlling Pose | None, between the pose model and the recognizer.

    Scene (every person, no ids) ─▶ IdentityTracker ─▶ LimbOwnership ─▶ UserLock ─▶ Pose | None
                                      track ids          borrowed joints    the user, or nobody
                                                         scored missing

`last` keeps what the stage decided on the latest frame (the tracked scene and who is in control)
for drawing, `pose --json` and status; nothing downstream evaluates people a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from gesturectl.people.lock import EngageCheck, UserLock
from gesturectl.people.ownership import LimbOwnership
from gesturectl.people.settings import UserSettings
from gesturectl.people.tracker import IdentityTracker
from gesturectl.types import Pose, Scene


@dataclass(frozen=True)
class Selection:
    """One frame's outcome: everyone (tracked, limbs owned) and the id of the person in control."""

    scene: Scene
    controlling: int | None

    @property
    def pose(self) -> Pose | None:
        """The controlling person's pose, or None when nobody holds the lock or the user is not in view."""
        if self.controlling is None:
            return None
        p = self.scene.person(self.controlling)
        return None if p is None else p.pose


class PeopleStage:
    """Scene -> Pose | None: track everyone, drop borrowed joints, pass on only the user's pose."""

    def __init__(
        self,
        settings: UserSettings,
        is_engaged: EngageCheck,
        claims: EngageCheck | None = None,
        key: object = None,
    ) -> None:
        """`key` names what the checks were built from: a reload keeps the running stage (and its lock)
        when the new one has the same key."""
        self.settings = settings
        self.key = (settings, key)
        self.tracker = IdentityTracker(settings.min_joint_score, settings.track_memory_s)
        self.ownership = LimbOwnership(settings.min_joint_score) if settings.own_limbs else None
        self.lock = UserLock(settings, is_engaged, claims)
        self.last: Selection | None = None

    def reset(self) -> None:
        self.tracker.reset()
        if self.ownership is not None:
            self.ownership.reset()
        self.lock.reset()
        self.last = None

    def select(self, scene: Scene) -> Selection:
        """Everyone in the frame, tracked, and who is in control."""
        tracked = self.tracker.update(scene)
        if self.ownership is not None:
            tracked = self.ownership.update(tracked)
        user = self.lock.update(tracked)
        self.last = Selection(tracked, None if user is None else user.track_id)
        return self.last

    def update(self, scene: Scene) -> Pose | None:
        """The controlling pose, or None (nobody in control, or the user out of view: nothing fires)."""
        return self.select(scene).pose
