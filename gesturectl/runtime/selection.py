"""Builds the people stage for a config: the user lock's engage test comes from the `gestures.engage` conditions.

The people stage sits below the recognizer in the layers, so it cannot read gesture specs itself; the
runtime, which sees both, compiles the engage conditions into a plain `Pose -> bool` and passes it in.
"""

from __future__ import annotations

from collections.abc import Sequence

from gesturectl.gestures.conditions import compile_all
from gesturectl.gestures.features import BodyFrame, body_points
from gesturectl.gestures.spec import Condition, RecognizerSpec
from gesturectl.people.lock import EngageCheck
from gesturectl.people.settings import UserSettings
from gesturectl.people.stage import PeopleStage
from gesturectl.types import Pose

#: The take-over posture `both_hands_up`: both wrists well above the head, not crossed (pause crosses them).
BOTH_HANDS_UP: tuple[Condition, ...] = tuple(
    Condition.model_validate(c)
    for c in (
        {"above": ["left_wrist", "head"], "margin": 0.3},
        {"above": ["right_wrist", "head"], "margin": 0.3},
        {"left_of": ["left_wrist", "right_wrist"], "margin": 0.5},
    )
)


def engage_check(spec: RecognizerSpec) -> EngageCheck:
    """`pose -> bool`: whether a pose meets the engage conditions in this frame.

    Positions only: a still frame has no speeds, so a `speed:` engage condition never holds here.
    With no engage conditions nobody is ever "engaged" (the lock then goes by `solo`, or to nobody).
    """
    return posture_check(spec.engage.when, spec.min_joint_score)


def posture_check(conditions: Sequence[Condition], min_score: float) -> EngageCheck:
    """`pose -> bool`: whether a pose meets these grammar conditions in this frame (none: never)."""
    if not conditions:
        return lambda pose: False
    check = compile_all(conditions)

    def engaged(pose: Pose) -> bool:
        got = body_points(pose, min_score)
        if got is None:
            return False
        points, sw = got
        return check(BodyFrame(pose.t, points, {}, sw), 0.0) is None  # None: no condition fails

    return engaged


def people_stage(user: UserSettings, gestures: RecognizerSpec) -> PeopleStage:
    """The people stage for these `user:` settings, engaging by the `gestures.engage` conditions."""
    engaged = engage_check(gestures)
    claims = engaged if user.takeover.posture == "engage" else posture_check(BOTH_HANDS_UP, gestures.min_joint_score)
    key = (gestures.engage, gestures.min_joint_score)
    return PeopleStage(user, engaged, claims, key)
