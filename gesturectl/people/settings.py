"""The `user:` section of the config: who among the people in view is in control, and how they are followed.

One frozen, validated model shared by the config loader and the people stage.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

POLICIES = ("first_engaged", "largest", "centre")


class TakeoverSettings(BaseModel):
    """How another person takes the lock from the user who holds it.

    Attributes:
        enabled: whether anyone but the user can take the lock while the user is in view.
        posture: what the other person holds: `both_hands_up` (both wrists above the head, not
            crossed: a posture no default gesture uses and nobody holds by accident) or `engage`
            (the engage posture; beware that holding a phone or a mug can look like it).
        hold_s: how long the other person must hold it, without a break, to take the lock.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    posture: Literal["both_hands_up", "engage"] = "both_hands_up"
    hold_s: float = Field(2.0, gt=0.0, le=60.0)


class UserSettings(BaseModel):
    """Settings of the people stage (tracking, limb ownership and the user lock).

    Attributes:
        policy: who takes a free lock: `first_engaged` (the first person to hold the engage posture
            for `engage_hold_s`), `largest` (the biggest person in view) or `centre` (the one nearest
            the image centre).
        engage_hold_s: how long the engage posture must be held to take a free lock (first_engaged).
        solo: a person alone in view takes a free lock without engaging (a one-person room behaves as
            before); false: the policy applies even to one person.
        release_s: the lock is released once its user has been out of view this long.
        takeover: how another person takes the lock while the user is still in view.
        track_memory_s: a person not seen for up to this long keeps their identity (short occlusions).
        min_joint_score: joints scored below this are missing for tracking and ownership.
        own_limbs: mark a joint missing when its evidence lies on another person (never borrow a limb).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: Literal["first_engaged", "largest", "centre"] = "first_engaged"
    engage_hold_s: float = Field(0.3, ge=0.0, le=10.0)
    solo: bool = True
    release_s: float = Field(2.0, ge=0.0, le=600.0)
    takeover: TakeoverSettings = TakeoverSettings()
    track_memory_s: float = Field(1.0, ge=0.0, le=30.0)
    min_joint_score: float = Field(0.5, ge=0.0, le=1.0)
    own_limbs: bool = True
