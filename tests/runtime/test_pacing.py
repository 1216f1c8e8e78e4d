"""The pacer on its own clock: which frames the daemon looks at, by what the last one showed."""

from __future__ import annotations

from gesturectl.commands import PausedBy
from gesturectl.runtime.pacing import IDLE_BACKSTOP_S, RECHECK_SCALE, Mode, Pacer, PaceSettings, Seen

FPS = 30.0


def run(pacer: Pacer, t0: float, seconds: float, **seen) -> tuple[int, Mode]:
    """Offer `seconds` of 30 fps frames; observe each wanted one with `seen`. (processed, final mode)"""
    n = 0
    for i in range(round(seconds * FPS)):
        t = t0 + i / FPS
        if pacer.wants(t):
            n += 1
            pacer.observe(Seen(t, **seen))
    return n, pacer.mode


def test_rates_by_mode():
    p = Pacer(PaceSettings(watch_fps=8, idle_fps=2, idle_after_s=3, active_hold_s=1.5))
    n, mode = run(p, 0.0, 2.0, someone=True, busy=False)
    assert mode is Mode.WATCH and n == 15  # 1/8 s at 30 fps: every fourth frame (7.5 a second)
    assert run(p, 2.0, 2.0, someone=True, busy=True) == (60, Mode.ACTIVE)
    # the gesture ended: every frame for active_hold_s more, then back to watching
    n, mode = run(p, 4.0, 2.0, someone=True, busy=False)
    assert mode is Mode.WATCH and 45 + 3 <= n <= 45 + 5
    # they leave: watched idle_after_s longer, then idle
    n, mode = run(p, 6.0, 5.0, someone=False, busy=False)
    assert mode is Mode.IDLE and 24 + 3 <= n <= 24 + 5
    assert p.motion_gated


def test_the_preview_and_the_lock_being_taken_keep_every_frame():
    p = Pacer()
    assert run(p, 0.0, 1.0, someone=True, busy=False, preview=True) == (30, Mode.ACTIVE)


def test_paused_by_the_user_looks_at_nothing_and_resume_looks_at_the_next_frame():
    p = Pacer()
    run(p, 0.0, 1.0, someone=True, busy=False)
    p.pause(PausedBy.USER)
    assert not p.wants(1.0) and not p.wants(100.0)
    p.pause(None)
    assert p.wants(1.01)


def test_paused_by_the_gesture_watches_slowly_and_speeds_up_when_the_resume_gesture_begins():
    p = Pacer(PaceSettings(idle_fps=2))
    assert run(p, 0.0, 2.0, someone=True, busy=False, paused_by=PausedBy.GESTURE)[0] == 4
    assert p.mode is Mode.IDLE and not p.motion_gated  # someone is there: every look runs the model
    assert run(p, 2.0, 1.0, someone=True, busy=True, paused_by=PausedBy.GESTURE) == (30, Mode.ACTIVE)


def test_unchanged_frames_are_skipped_until_the_backstop():
    p = Pacer(PaceSettings(idle_fps=2, idle_after_s=0))
    run(p, 0.0, 0.5, someone=False, busy=False)
    assert p.motion_gated
    looks = processed = 0
    for i in range(round(2 * IDLE_BACKSTOP_S * FPS)):
        t = 1.0 + i / FPS
        if p.wants(t):
            looks += 1
            if p.look(t, changed=False):
                processed += 1
                p.observe(Seen(t, someone=False, busy=False))
    assert 38 <= looks <= 42 and processed == 2  # 2 looks a second; the model runs only at the backstop


def test_the_pose_stage_refinds_people_less_often_only_while_watching():
    p = Pacer()
    run(p, 0.0, 0.5, someone=True, busy=False)
    assert p.recheck_scale == RECHECK_SCALE
    run(p, 0.5, 0.5, someone=True, busy=True)
    assert p.recheck_scale == 1.0
