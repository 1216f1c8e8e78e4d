"""The user lock: which tracked person is in control (Scene -> Person | None). Pure, with its own state.

    free ──(policy: first to hold the engage posture / largest / most central; or alone in view if `solo`)──▶ locked
    locked ──(the user out of view for release_s)──▶ free
    locked ──(another person holds the take-over posture for takeover.hold_s)──▶ locked to them

While the lock is held nobody else's pose reaches the recognizer; while it is free nothing does, so
nothing fires. Whether a pose is "engaged" (and whether it holds the take-over posture) is decided
by callables passed in (the runtime builds them from the gesture grammar), which keeps this stage
below the recognizer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from gesturectl.people.geometry import box, scale
from gesturectl.people.settings import UserSettings
from gesturectl.types import Person, Pose, Scene

log = logging.getLogger(__name__)

#: Whether a pose holds the engage posture right now.
EngageCheck = Callable[[Pose], bool]


@dataclass(frozen=True)
class LockChange:
    """A change of who is in control, for logs and status: `to` None means the lock was released."""

    t: float
    to: int | None
    why: str


class UserLock:
    """Scene (tracked) -> the controlling Person, or None."""

    def __init__(self, settings: UserSettings, is_engaged: EngageCheck, claims: EngageCheck | None = None) -> None:
        self._s = settings
        self._is_engaged = is_engaged
        self._claims = claims or is_engaged
        self.user: int | None = None
        self._last_seen: float | None = None
        self._engaged_since: dict[int, float] = {}
        self._claiming_since: dict[int, float] = {}
        self.changes: list[LockChange] = []

    @property
    def claiming(self) -> bool:
        """Whether someone other than the user holds the engage or take-over posture (about to take the lock)."""
        return any(tid != self.user for since in (self._engaged_since, self._claiming_since) for tid in since)

    def reset(self) -> None:
        """A new stream: the lock is free and nobody is engaged."""
        self.user, self._last_seen = None, None
        self._engaged_since.clear()
        self._claiming_since.clear()

    def update(self, scene: Scene) -> Person | None:
        t = scene.t
        if self._last_seen is not None and t < self._last_seen:  # time went back (a new recording): start afresh
            self.reset()
        people = [p for p in scene.people if p.track_id is not None]
        self._update_engaged(people, t)
        user = next((p for p in people if p.track_id == self.user), None)
        if self.user is not None:
            if user is not None:
                self._last_seen = t
            elif self._last_seen is None or t - self._last_seen >= self._s.release_s:
                self._set(None, t, f"out of view for {self._s.release_s:g} s")
        if self.user is None:
            user = self._choose(people, scene.image_size, t)
            if user is not None:
                self._set(user.track_id, t, self._s.policy if len(people) > 1 or not self._s.solo else "alone in view")
        elif self._s.takeover.enabled:
            claims = {tid: since for tid, since in self._claiming_since.items() if tid != self.user}
            taker = min(claims, key=lambda k: claims[k], default=None)
            if taker is not None and t - claims[taker] >= self._s.takeover.hold_s - 1e-9:
                user = next(p for p in people if p.track_id == taker)
                self._set(taker, t, f"took over (held {self._s.takeover.posture} {self._s.takeover.hold_s:g} s)")
        return user if user is not None and user.track_id == self.user else None

    def _set(self, track_id: int | None, t: float, why: str) -> None:
        self.user = track_id
        self._last_seen = t if track_id is not None else None
        self.changes.append(LockChange(t, track_id, why))
        log.info("user lock: %s (%s)", "free" if track_id is None else f"person {track_id}", why)

    def _update_engaged(self, people: list[Person], t: float) -> None:
        seen = set()
        for p in people:
            tid = p.track_id
            assert tid is not None
            seen.add(tid)
            for check, since in ((self._is_engaged, self._engaged_since), (self._claims, self._claiming_since)):
                if check(p.pose):
                    since.setdefault(tid, t)
                else:
                    since.pop(tid, None)
        for since in (self._engaged_since, self._claiming_since):
            for tid in list(since):
                if tid not in seen:
                    del since[tid]

    def _longest_engaged(self, people: Iterable[Person]) -> Person | None:
        engaged = [
            (since, p)
            for p in people
            if p.track_id is not None and (since := self._engaged_since.get(p.track_id)) is not None
        ]
        return min(engaged, key=lambda e: e[0], default=(0.0, None))[1]

    def _choose(self, people: list[Person], image_size: tuple[int, int], t: float) -> Person | None:
        if not people:
            return None
        if self._s.solo and len(people) == 1:
            return people[0]
        policy = self._s.policy
        ms = self._s.min_joint_score
        if policy == "largest":
            return max(people, key=lambda p: scale(p.pose, ms))
        if policy == "centre":
            centre = np.array(image_size, np.float64) / 2.0

            def off(p: Person) -> float:
                b = box(p.pose, ms)
                if b is None:
                    return float("inf")
                return float(np.hypot((b[0] + b[2]) / 2 - centre[0], (b[1] + b[3]) / 2 - centre[1]))

            return min(people, key=off)
        first = self._longest_engaged(people)
        since = None if first is None or first.track_id is None else self._engaged_since[first.track_id]
        if first is None or since is None or t - since < self._s.engage_hold_s - 1e-9:
            return None
        return first
