"""The default vocabulary on synthetic performances: each gesture fires once, at the right time,
under noise, jitter, dropped frames, distance and mirroring; near misses and everyday motion never fire."""

from __future__ import annotations

import pytest

from gesturectl.config import load_config
from gesturectl.gestures.pipeline import recognize
from gesturectl.synth.puppet import GESTURE_SCRIPTS, Camera, perform
from gesturectl.synth.puppet import Move as M

SPEC = load_config(None).gestures

VARIANTS = {
    "clean": {},
    "noisy_jittered_dropped": dict(seed=1, noise_px=2.0, drop=0.05, jitter_s=0.005),
    "far_small": dict(cam=Camera(shoulder_px=45, centre=(300, 150)), seed=3, noise_px=0.7),
    "near_hd_mirrored": dict(cam=Camera((1920, 1080), 250, (960, 600), mirrored=True), seed=2, noise_px=4, drop=0.03),
    "15fps": dict(fps=15.0, seed=4, noise_px=1.5),
}

# script, gesture, (earliest, latest) time of the event: the gesture's decisive moment up to 0.5 s after it
WINDOWS = {
    "zoom_in": (2.6, 3.5),
    "zoom_out": (2.6, 3.5),
    "open_app": (2.75, 3.3),
    "close_app": (2.55, 3.1),
    "pause": (2.95, 3.5),
}
GESTURES = {name: (GESTURE_SCRIPTS[name], WINDOWS[name]) for name in WINDOWS}

EVERYDAY = {
    "clap": [M("rest", 1), M("hands_mid", 0.6), M("hands_mid", 3, ease_s=0, wiggle=(-1, 0.45, 2.5, 0)), M("rest", 1)],
    "slow_clap": [
        M("rest", 1),
        M("hands_mid", 0.6),
        M("hands_mid", 4, ease_s=0, wiggle=(-1, 0.5, 1.2, 0)),
        M("rest", 1),
    ],
    "wave": [M("rest", 1), M("wave_up", 0.6), M("wave_up", 3, ease_s=0, wiggle=(1, 0.35, 2, 0)), M("rest", 1)],
    "scratch_head": [
        M("rest", 1),
        M("hand_on_head", 0.8),
        M("hand_on_head", 2, ease_s=0, wiggle=(1, 0.08, 3, 0)),
        M("rest", 1),
    ],
    "drink": [M("rest", 1), M("hand_at_mouth", 1), M("hand_at_mouth", 1.5), M("rest", 1)],
    "typing": [
        M("desk", 1),
        M("desk", 4, ease_s=0, wiggle=(1, 0.1, 4, 0)),
        M("desk", 2, ease_s=0, wiggle=(3, 0.1, 5, 1)),
    ],
    "stretch": [M("rest", 1), M("both_up", 1.2), M("both_up", 2), M("rest", 1.2)],
    "folded_arms": [M("rest", 1), M("folded_arms", 1), M("folded_arms", 4), M("rest", 1)],
}

NEAR_MISSES = {
    "zoom_too_slow": [
        M("rest", 1),
        M("hands_together", 1),
        M("hands_together", 0.5),
        M("hands_apart", 3.0),
        M("hands_apart", 0.5),
        M("rest", 1),
    ],
    "zoom_too_small": [
        M("rest", 1),
        M("hands_together", 1),
        M("hands_together", 0.5),
        M("hands_mid", 0.5),
        M("hands_mid", 0.5),
        M("rest", 1),
    ],
    "zoom_not_kept_apart": [  # hands part and come straight back, as in a clap
        M("rest", 1),
        M("hands_together", 1),
        M("hands_apart", 0.35, ease_s=0.35),
        M("hands_together", 0.3),
        M("hands_together", 0.5),
        M("rest", 1),
    ],
    "zoom_at_desk_height": [M("desk", 1), M("desk", 0.6), M("rest", 1)],
    "hand_up_not_held": [M("rest", 1), M("left_hand_up", 0.8), M("left_hand_up", 0.3), M("rest", 0.8)],
    "x_chest_not_held": [M("rest", 1), M("x_chest", 0.8), M("x_chest", 0.2), M("rest", 0.8)],
    "x_above_head_not_held": [M("rest", 1), M("x_above_head", 1), M("x_above_head", 0.5), M("rest", 1)],
}


def _events(script, **kw):
    return recognize(SPEC, perform(script, **kw))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("gesture", GESTURES)
def test_each_gesture_fires_once_at_the_right_time(gesture, variant):
    script, (lo, hi) = GESTURES[gesture]
    events = _events(script, **VARIANTS[variant])
    assert [e.gesture for e in events] == [gesture], events
    assert lo <= events[0].t <= hi, events[0]
    assert events[0].strength >= 1.0


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("motion", EVERYDAY)
def test_everyday_motion_never_fires(motion, variant):
    assert _events(EVERYDAY[motion], **VARIANTS[variant]) == []


@pytest.mark.parametrize("variant", ["clean", "noisy_jittered_dropped"])
@pytest.mark.parametrize("miss", NEAR_MISSES)
def test_near_misses_do_not_fire(miss, variant):
    assert _events(NEAR_MISSES[miss], **VARIANTS[variant]) == []


def test_a_held_pose_fires_once_and_rearms_after_the_hand_comes_down():
    script = [
        M("rest", 1),
        M("left_hand_up", 1),
        M("left_hand_up", 5),
        M("rest", 1.5),
        M("right_hand_up", 1),
        M("right_hand_up", 1.2),
        M("rest", 1),
    ]
    events = _events(script, seed=5, noise_px=1.5)
    assert [e.gesture for e in events] == ["open_app", "open_app"]
    assert events[1].t > 9.5


def test_a_zoom_needs_no_still_pause():
    """Real people (NATOPS spread wings) never pause in the ready pose: a continuous stroke fires."""
    script = [M("rest", 1), M("hands_together", 0.6), M("hands_apart", 0.5), M("hands_apart", 0.5), M("rest", 1)]
    assert [e.gesture for e in _events(script, seed=8, noise_px=1.0)] == ["zoom_in"]


def test_repeat_fires_once_per_extra_distance_capped_per_second():
    """`repeat` (not in the defaults): a user's two-phase zoom with repeats."""
    from gesturectl.gestures.spec import RecognizerSpec

    zoom = {
        "phases": [
            {"when": [{"distance": ["left_wrist", "right_wrist"], "max": 0.8}], "hold_s": 0.2},
            {"motion": {"change": {"distance": ["left_wrist", "right_wrist"]}, "by": 0.8, "within_s": 0.8}},
        ],
        "repeat": {"step": 0.8, "max_per_s": 3},
    }
    spec = RecognizerSpec.model_validate({**SPEC.model_dump(), "definitions": {"zoom_in": zoom}})
    wide = [M("rest", 1), M("hands_together", 1), M("hands_wide", 0.6), M("hands_wide", 0.5), M("rest", 1)]
    events = recognize(spec, perform(wide))
    assert len(events) >= 2 and [e.repeat for e in events] == list(range(len(events)))
    assert all(b.t - a.t >= 1.0 / 3 - 1e-9 for a, b in zip(events, events[1:]))


def test_two_zooms_in_and_one_out_in_a_row():
    """The browser test's performance: returning the hands between strokes fires nothing else."""
    from gesturectl.synth.puppet import DEMO_ZOOM_SCRIPT

    events = _events(DEMO_ZOOM_SCRIPT, seed=6, noise_px=1.5)
    assert [e.gesture for e in events] == ["zoom_in", "zoom_in", "zoom_out"]


def test_a_long_dropout_resets_a_hold_in_progress():
    script = GESTURES["open_app"][0]
    stream = list(perform(script, seed=7))
    gap = [(t, None if 2.2 <= t < 2.6 else p) for t, p in stream]  # 0.4 s without a person, mid-hold
    assert recognize(SPEC, gap) == []
    short = [(t, None if 2.6 <= t < 2.7 else p) for t, p in stream]  # 0.1 s lost: the hold starts again
    assert recognize(SPEC, short) == []
    assert [e.gesture for e in recognize(SPEC, stream)] == ["open_app"]


@pytest.mark.parametrize("fps", [15.0, 30.0])
def test_a_zoom_out_whose_hands_sweep_past_each_other_fires(fps):
    """Folding the arms in, some people carry the hands past each other (a NATOPS fold wings ends with the wrists
    crossed, 1 sw apart): the hands have closed in all the same."""
    script = [
        M("rest", 1),
        M("hands_apart", 1),
        M("hands_apart", 0.4),
        M("hands_crossed", 0.4),
        M("hands_crossed", 0.15),
        M("rest", 1),
    ]
    assert [e.gesture for e in _events(script, fps=fps, seed=3, noise_px=1.0)] == ["zoom_out"]
