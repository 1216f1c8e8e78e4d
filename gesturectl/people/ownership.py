"""Limb ownership: a joint whose evidence lies on another person is marked missing, never borrowed.

Scene (tracked) -> Scene (same people, borrowed joints scored 0). Two tests, per limb joint (elbows,
wrists and the hand points after them, knees, ankles and the foot points after them):

Hips count as limb joints (of a leg hanging off the shoulder): a hip hidden behind a person in front
is drawn on that person.

1. **On another person.** The joint lies inside another person's box, near that person's skeleton
   (within `ON_SKELETON` of their shoulder width from one of their bones) and nearer to it than to its
   own person's skeleton (its own limb's bones left out), both in the owner's shoulder widths. This is
   how a seated user's arm gets drawn along a neighbour's raised arm; the whole limb after its root
   (elbow, wrist, hand) goes, since the model placed it as one chain pulled toward the neighbour.
2. **A jump toward a neighbour.** The bone ending at the joint changes length (beyond `LENGTH_JUMP`
   times the person's recent median, in their shoulder widths) or turns by more than `ANGLE_JUMP_RAD`
   within `JUMP_WINDOW_S`, and the joint's new place is inside another person's box.

A dropped joint takes the rest of its limb with it (a wrist cannot be trusted on a borrowed elbow).
When two skeletons run through each other, the less confident joints are the borrowed ones.
With only one person in view nothing is ever dropped.
"""

from __future__ import annotations

import functools
import math
from collections import deque

import numpy as np

from gesturectl.people.geometry import (
    box,
    index_of,
    inside,
    nearest_bone,
    scale,
    shoulder_width,
    skeleton_distance,
)
from gesturectl.types import Person, Pose, Scene

#: Limbs as chains from the root outward; joints a layout lacks are skipped.
LIMBS: tuple[tuple[str, ...], ...] = tuple(
    (f"{s}_shoulder", f"{s}_elbow", f"{s}_wrist", f"{s}_pinky", f"{s}_index", f"{s}_thumb") for s in ("left", "right")
) + tuple(  # legs hang off the shoulders: a hip hidden behind someone sitting in front is theirs to drop
    (f"{s}_shoulder", f"{s}_hip", f"{s}_knee", f"{s}_ankle", f"{s}_heel", f"{s}_foot_index") for s in ("left", "right")
)
#: The last joint of each limb's bone chain; the points after it (hand, foot) hang off it.
_TIPS = ("wrist", "ankle")

ON_SKELETON = 0.4  # of the other person's shoulder width
BOX_PAD = 0.05  # of the other person's box side
TORSO_SW = 1.5  # shoulders to hips, in shoulder widths
LENGTH_JUMP = 1.6  # ratio to the recent median bone length (either way)
ANGLE_JUMP_RAD = math.radians(60)
JUMP_WINDOW_S = 0.2
HISTORY = 15  # frames of bone lengths kept per track


class LimbOwnership:
    """Scene -> Scene with every joint that lies on someone else scored 0 (missing).

    Args:
        min_score: joints below this are missing already and are not checked.
    """

    def __init__(self, min_score: float = 0.5) -> None:
        self._min_score = min_score
        # per track: per (limb, position): recent (t, length in sw, angle)
        self._bones: dict[int, dict[tuple[int, int], deque[tuple[float, float, float]]]] = {}
        self.dropped: dict[int | None, list[str]] = {}  # last frame's dropped joints, per track (for debugging)

    def reset(self) -> None:
        self._bones.clear()
        self.dropped = {}

    def update(self, scene: Scene) -> Scene:
        self.dropped = {}
        ids = {p.track_id for p in scene.people}
        for tid in list(self._bones):
            if tid not in ids:
                del self._bones[tid]
        if len(scene.people) < 2:
            for p in scene.people:
                self._remember(p, set())
            return scene
        ms = self._min_score
        boxes = [body_box(p.pose, ms) for p in scene.people]
        scales = [scale(p.pose, ms) for p in scene.people]
        found = [self._suspects(i, scene.people, boxes, scales, scene.t) for i in range(len(scene.people))]
        out = []
        for i, person in enumerate(scene.people):
            on_other, jumped = found[i]
            drop = set(jumped) - set(on_other)  # joints on someone else are judged below
            for j, hosts in on_other.items():
                if any(self._loses(i, j, h, bone, found, scene.people) for h, bone in hosts.items()):
                    drop.update(_limb_of(person.pose, j))
                elif j in jumped:
                    drop.add(j)
            drop = _with_rest_of_limb(person.pose, drop)
            self._remember(person, drop)
            if drop:
                ix = index_of(person.pose.layout)
                self.dropped[person.track_id] = [n for n in ix if ix[n] in drop]
                person = Person(_without(person.pose, drop), person.track_id)
            out.append(person)
        return Scene(tuple(out), scene.image_size, scene.t)

    def _loses(self, i: int, j: int, h: int, bone: tuple[int, ...], found: list, people: tuple[Person, ...]) -> bool:
        """Whether person i's joint j, lying on person h's `bone`, is h's: yes, unless that bone's joints
        lie on i in turn (two skeletons drawn through each other). Then the limb that jumped there loses,
        else the less confident one."""
        theirs = [k for k in bone if i in found[h][0].get(k, {})]
        if not theirs:
            return True
        mine = [k for k in _limb_of(people[i].pose, j) if h in found[i][0].get(k, {})]
        i_jumped, h_jumped = bool(found[i][1] & set(mine)), bool(found[h][1] & set(theirs))
        if i_jumped != h_jumped:
            return i_jumped
        return float(people[i].pose.scores[mine].mean()) <= float(people[h].pose.scores[theirs].mean())

    def _suspects(
        self, i: int, people: tuple[Person, ...], boxes: list, scales: list[float], t: float
    ) -> tuple[dict[int, dict[int, tuple[int, ...]]], set[int]]:
        """Person i's limb joints that lie on others ({joint: {other's index: the bone it lies on}}) and
        the limb joints that jumped."""
        person = people[i]
        pose = person.pose
        kp = pose.keypoints.astype(np.float64)
        own_scale = scales[i]
        history = self._bones.get(person.track_id, {}) if person.track_id is not None else {}
        on_other: dict[int, dict[int, tuple[int, ...]]] = {}
        jumped: set[int] = set()
        for li, (chain, n_main) in enumerate(_chains(pose.layout)):
            for pos in range(1, len(chain)):
                j = chain[pos]
                if pose.scores[j] < self._min_score:
                    continue
                p = kp[j]
                hosts = [h for h in range(len(people)) if h != i and inside(p, boxes[h])]
                if not hosts:
                    continue
                d_own = skeleton_distance(p, pose, self._min_score, skip=frozenset(chain[1:])) / own_scale
                on = {}
                for h in hosts:
                    d, bone = nearest_bone(p, people[h].pose, self._min_score)
                    if d / scales[h] < min(ON_SKELETON, d_own):
                        on[h] = bone
                if on:
                    on_other[j] = on
                if pos < n_main and self._jumped(history.get((li, pos)), kp[chain[pos - 1]], p, own_scale, t):
                    jumped.add(j)
        return on_other, jumped

    @staticmethod
    def _jumped(
        past: deque[tuple[float, float, float]] | None, a: np.ndarray, b: np.ndarray, sw: float, t: float
    ) -> bool:
        if not past:
            return False
        length = float(np.hypot(*(b - a))) / sw
        angle = math.atan2(float(b[1] - a[1]), float(b[0] - a[0]))
        median = float(np.median([x[1] for x in past]))
        if median > 1e-6 and not (1.0 / LENGTH_JUMP <= length / median <= LENGTH_JUMP):
            return True
        t0, _, a0 = past[-1]
        turn = abs((angle - a0 + math.pi) % (2 * math.pi) - math.pi)
        return t - t0 <= JUMP_WINDOW_S and turn > ANGLE_JUMP_RAD

    def _remember(self, person: Person, drop: set[int]) -> None:
        if person.track_id is None:
            return
        pose = person.pose
        kp = pose.keypoints.astype(np.float64)
        sw = scale(pose, self._min_score)
        bones = self._bones.setdefault(person.track_id, {})
        for li, (chain, n_main) in enumerate(_chains(pose.layout)):
            for pos in range(1, n_main):
                a, b = chain[pos - 1], chain[pos]
                if a in drop or b in drop or min(pose.scores[a], pose.scores[b]) < self._min_score:
                    continue
                d = kp[b] - kp[a]
                q = bones.setdefault((li, pos), deque(maxlen=HISTORY))
                q.append((pose.t, float(np.hypot(*d)) / sw, math.atan2(float(d[1]), float(d[0]))))


def body_box(pose: Pose, min_score: float) -> tuple[float, float, float, float] | None:
    """The box a person's body covers: their visible joints, padded, and when the hips are unseen (sitting
    behind a desk, cut off by the frame) the torso below the shoulders (`TORSO_SW` shoulder widths)."""
    b = box(pose, min_score, BOX_PAD)
    sw = shoulder_width(pose, min_score)
    if b is None or sw is None:
        return b
    ix = index_of(pose.layout)
    if min(pose.scores[ix["left_hip"]], pose.scores[ix["right_hip"]]) >= min_score:
        return b
    shoulders_y = float(pose.keypoints[[ix["left_shoulder"], ix["right_shoulder"]], 1].mean())
    return b[0], b[1], b[2], max(b[3], shoulders_y + TORSO_SW * sw)


def _without(pose: Pose, joints: set[int]) -> Pose:
    scores = np.array(pose.scores, np.float32)
    scores[list(joints)] = 0.0
    return Pose(pose.keypoints, scores, pose.layout, pose.image_size, pose.presence, pose.t)


def _with_rest_of_limb(pose: Pose, joints: set[int]) -> set[int]:
    """The joints, plus every joint further out on the same limb as one of them."""
    out = set(joints)
    for chain, n_main in _chains(pose.layout):
        for pos, j in enumerate(chain):
            if j in out:
                out.update(chain[pos:] if pos < n_main else [j])
                break
    return out


def _limb_of(pose: Pose, joint: int) -> list[int]:
    """Every joint of the limb `joint` belongs to, except its root (shoulder or hip)."""
    for chain, _ in _chains(pose.layout):
        if joint in chain[1:]:
            return chain[1:]
    return [joint]


@functools.cache
def _chains(layout: str) -> tuple[tuple[list[int], int], ...]:
    """Per limb of LIMBS, (its joints' indices in this layout, how many of them form the bone chain)."""
    ix = index_of(layout)
    out = []
    for limb in LIMBS:
        names = [n for n in limb if n in ix]
        n_main = next(k + 1 for k, n in enumerate(names) if n.endswith(_TIPS))
        out.append(([ix[n] for n in names], n_main))
    return tuple(out)
