"""The user lock on synthetic scenes: only the user's gestures fire, hand-over after release_s, take-over."""

from __future__ import annotations

from gesturectl.config import load_config
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.people.settings import UserSettings
from gesturectl.runtime.selection import people_stage
from gesturectl.synth.puppet import GESTURE_SCRIPTS, Move
from gesturectl.types import Scene
from tests.people.scenes import BYSTANDER_CAM, USER_CAM, Actor, scenes

CFG = load_config(None)
ENGAGE = [Move("rest", 0.3), Move("hands_together", 0.6), Move("rest", 0.6)]  # raise both hands, lower them


def run(frames, user: UserSettings = CFG.user):
    """(events as (gesture, t), the controlling track id per frame, the stage) over a stream of scenes."""
    stage = people_stage(user, CFG.gestures)
    pipe = GesturePipeline(CFG.gestures)
    events, who = [], []
    last = None
    for scene in frames:
        sel = stage.select(scene)
        if sel.controlling != last:
            pipe.reset()
            last = sel.controlling
        who.append(sel.controlling)
        events += [(e.gesture, round(e.t, 2)) for e in pipe.update(sel.pose)]
    return events, who, stage


def idle(seconds: float) -> list[Move]:
    return [Move("rest", seconds)]


def test_a_bystanders_gestures_never_fire_while_the_user_holds_the_lock():
    user = Actor(ENGAGE + idle(12), USER_CAM)
    script = [m for g in ("open_app", "zoom_in", "close_app", "pause", "zoom_out") for m in GESTURE_SCRIPTS[g]]
    bystander = Actor(idle(1.5) + script, BYSTANDER_CAM)
    events, who, stage = run(scenes(user, bystander))
    assert events == []
    assert set(who[60:]) == {0}  # the user (first to engage) held the lock throughout
    # the same bystander alone fires them: the test can fail
    alone, _, _ = run(scenes(Actor(idle(1.5) + script, BYSTANDER_CAM)))
    assert [g for g, _ in alone] == ["open_app", "zoom_in", "close_app", "pause", "zoom_out"]


def test_the_user_fires_while_a_bystander_stands_by():
    user = Actor(ENGAGE + GESTURE_SCRIPTS["zoom_in"] + GESTURE_SCRIPTS["open_app"], USER_CAM)
    bystander = Actor(idle(10), BYSTANDER_CAM)
    events, _, _ = run(scenes(user, bystander))
    assert [g for g, _ in events] == ["zoom_in", "open_app"]


def test_nobody_locked_nothing_fires():
    """Two people, neither engages: the bystander's open_app and the other's zoom (which engages only
    after the lock would be needed) do nothing until someone holds the engage posture."""
    a = Actor(GESTURE_SCRIPTS["open_app"], USER_CAM)
    b = Actor(GESTURE_SCRIPTS["open_app"], BYSTANDER_CAM)
    events, who, _ = run(scenes(a, b))
    assert events == [] and set(who) == {None}


def test_the_lock_passes_to_a_new_person_only_after_release_s():
    release = CFG.user.release_s
    # the user engages, stays 2 s, then walks out; the newcomer engages at once and then opens an app
    user = Actor(ENGAGE + idle(3), USER_CAM, visible=lambda t: t < 3.0)
    newcomer = Actor(idle(3.0) + ENGAGE * 4 + GESTURE_SCRIPTS["open_app"], BYSTANDER_CAM, visible=lambda t: t >= 0.0)
    events, who, stage = run(scenes(user, newcomer))
    changes = [(round(c.t, 2), c.to) for c in stage.lock.changes]
    assert changes[0][1] == 0  # the user engaged first
    released = [t for t, to in changes if to is None]
    assert released and abs(released[0] - (3.0 - 1 / 30 + release)) < 0.1, changes
    taken = [t for t, to in changes if to == 1]
    assert taken and taken[0] >= released[0], changes  # not before release (no take-over: not held 2 s)
    assert [g for g, _ in events] == ["open_app"] and events[0][1] > taken[0]


def test_takeover_needs_both_hands_up_held():
    user = Actor(ENGAGE + idle(6), USER_CAM)
    taker = Actor(idle(2.0) + [Move("both_up", 0.4), Move("both_up", 2.4), Move("rest", 1)], BYSTANDER_CAM)
    _, who, stage = run(scenes(user, taker))
    assert [c.to for c in stage.lock.changes] == [0, 1]
    took = stage.lock.changes[1].t
    assert 2.0 + CFG.user.takeover.hold_s < took < 2.4 + 0.1 + CFG.user.takeover.hold_s
    # held too briefly, nothing changes
    brief = Actor(idle(2.0) + [Move("both_up", 0.4), Move("both_up", 1.0), Move("rest", 1)], BYSTANDER_CAM)
    _, _, stage = run(scenes(user, brief))
    assert [c.to for c in stage.lock.changes] == [0]
    # with take-over off the user keeps the lock
    off = CFG.user.model_copy(update={"takeover": CFG.user.takeover.model_copy(update={"enabled": False})})
    _, who, stage = run(scenes(user, taker), off)
    assert [c.to for c in stage.lock.changes] == [0]


def test_solo_person_takes_the_lock_and_policies_pick_without_engaging():
    one = list(scenes(Actor(idle(0.5), USER_CAM)))
    assert set(run(one)[1]) == {0}
    assert set(run(one, CFG.user.model_copy(update={"solo": False}))[1]) == {None}
    two = list(scenes(Actor(idle(0.5), USER_CAM), Actor(idle(0.5), BYSTANDER_CAM)))
    assert set(run(two, CFG.user.model_copy(update={"policy": "largest"}))[1]) == {0}  # the near one
    centre = CFG.user.model_copy(update={"policy": "centre"})
    _, who, stage = run(two, centre)
    big = stage.last.scene.person(who[-1]).pose
    assert abs(big.keypoints[:, 0].mean() - 320) < 150


def test_an_empty_scene_releases_after_release_s():
    frames = list(scenes(Actor(idle(1.0), USER_CAM)))
    t = frames[-1].t
    frames += [Scene((), frames[0].image_size, t + k / 30) for k in range(1, 90)]
    _, who, stage = run(frames)
    assert who[0] == 0 and who[-1] is None
    assert stage.lock.changes[-1].to is None


def test_the_lock_stays_with_the_user_while_two_people_cross():
    """The user engages, then walks across the picture while the bystander walks the other way (hidden
    behind the user for 0.4 s) and then raises a hand: the lock never moves and nothing fires."""

    def across(t: float, start: float, end: float) -> float:  # walk from start to end between 1.5 and 4.5 s
        u = min(max((t - 1.5) / 3.0, 0.0), 1.0)
        return start + (end - start) * u

    user = Actor(ENGAGE + idle(3.0), USER_CAM, moves=lambda t: (across(t, 150, 470), 200.0))
    bystander = Actor(
        idle(4.5) + GESTURE_SCRIPTS["open_app"],
        BYSTANDER_CAM,
        moves=lambda t: (across(t, 500, 180), 185.0),
        visible=lambda t: not 3.0 <= t <= 3.4,
    )
    events, who, stage = run(scenes(user, bystander))
    assert events == []
    assert [c.to for c in stage.lock.changes] == [0]
    # and the walk really crossed them: the user ends on the right of where the bystander ends
    last = stage.last.scene
    assert sorted(p.track_id for p in last.people) == [0, 1]  # both kept their identities
    assert last.person(0).pose.keypoints[:, 0].mean() > last.person(1).pose.keypoints[:, 0].mean()


def test_the_engage_and_take_over_checks_read_the_postures():
    from gesturectl.runtime.selection import BOTH_HANDS_UP, engage_check, posture_check
    from gesturectl.synth.puppet import POSTURES, render

    engaged, hands_up = engage_check(CFG.gestures), posture_check(BOTH_HANDS_UP, 0.5)
    pose = {
        name: render(POSTURES[name], USER_CAM, 0.0) for name in ("hands_together", "rest", "both_up", "x_above_head")
    }
    assert [engaged(pose[n]) for n in pose] == [True, False, False, False]
    assert [hands_up(pose[n]) for n in pose] == [False, False, True, False]


def test_claiming_is_someone_other_than_the_user_reaching_for_the_lock():
    """What keeps the daemon at full rate: a bystander holding the take-over posture, never the user's own."""
    user = Actor(ENGAGE + idle(6), USER_CAM)
    stage = people_stage(CFG.user, CFG.gestures)
    user_claims, bystander_claims = [], []
    for scene in scenes(user, Actor(idle(2.0) + [Move("both_up", 0.4), Move("both_up", 1.0)], BYSTANDER_CAM)):
        stage.select(scene)
        (bystander_claims if 2.5 < scene.t < 3.3 else user_claims).append(stage.lock.claiming)
    assert all(bystander_claims) and not any(user_claims[45:60])
    stage = people_stage(CFG.user, CFG.gestures)
    for scene in scenes(Actor(idle(0.5) + [Move("both_up", 0.4), Move("both_up", 1.0)], USER_CAM)):
        stage.select(scene)
        assert not stage.lock.claiming  # alone in view, the user's own postures are the gestures' business
