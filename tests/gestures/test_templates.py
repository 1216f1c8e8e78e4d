"""Learned gestures: DTW by hand, segmentation, the learned threshold, storage, and the matcher in the recognizer."""

from __future__ import annotations

import numpy as np
import pytest

from gesturectl.config import load_config
from gesturectl.gestures.features import FeatureTracker
from gesturectl.gestures.pipeline import recognize
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.gestures.smoothing import PoseSmoother
from gesturectl.gestures.spec import GestureSpec
from gesturectl.gestures.templates import N, TemplateModel, dtw, features, learn, resample, segment_motion
from gesturectl.synth.puppet import EVERYDAY_SCRIPTS, perform
from gesturectl.synth.puppet import Move as M

SPEC = load_config(None).gestures
FLAG = [M("rest", 0.8), M("wave_up", 0.7), M("rest", 0.7)]  # the left hand raised out to the side and back


def _feats(script, seed=1):
    """(times, features) as `gesturectl teach` reads them: smoothed, in the body frame."""
    sm, tr = PoseSmoother(1.5, 4.0, 1.0, 0.5, 0.25), FeatureTracker(0.5, 0.1)
    rows = [
        (t, f)
        for t, p in perform(script, seed=seed, noise_px=1.0)
        if (fr := tr.update(sm.update(p))) is not None and (f := features(fr.points)) is not None
    ]
    return np.array([r[0] for r in rows]), np.stack([r[1] for r in rows])


def test_dtw_by_hand():
    a = np.array([[0.0], [1.0], [2.0]])
    assert dtw(a, a) == 0.0
    # b lingers on 0: the path aligns 0,0 -> 0, 1 -> 1, 2 -> 2 at no cost... except the step it cannot skip
    b = np.array([[0.0], [0.0], [2.0]])
    assert dtw(a, b, band=2) == pytest.approx(1.0 / 3)  # one frame costs 1 (1 vs 0 or 2), over 3 frames
    shifted = np.array([[1.0], [2.0], [3.0]])
    assert dtw(a, shifted, band=0) == pytest.approx(1.0)  # no warping: every frame 1 apart


def test_resample_is_linear_in_time():
    out = resample([0.0, 1.0, 3.0], np.array([[0.0], [1.0], [3.0]]), n=4)
    assert out[:, 0] == pytest.approx([0.0, 1.0, 2.0, 3.0])


def test_motion_is_cut_into_the_movements_between_still_moments():
    t, f = _feats(FLAG * 4)
    segs = segment_motion(t, f)
    assert len(segs) == 4
    starts = [t[a] for a, _ in segs]
    assert all(0.6 < s - 2.2 * k < 1.0 for k, s in enumerate(starts))  # each begins as the hand leaves rest


def test_the_threshold_sits_between_the_examples_and_other_motion_and_survives_storage():
    t, f = _feats(FLAG * 5)
    ex = [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)]
    neg = [_feats(s) for s in EVERYDAY_SCRIPTS.values()]
    model, info = learn("flag", ex, neg)
    assert 0 < model.threshold <= info["positive"] and model.threshold < info["nearest_negative"]
    assert model.min_range > 1.0  # a raised arm travels well over a shoulder width
    again = TemplateModel.from_json(model.to_json())
    assert again.threshold == pytest.approx(model.threshold, abs=1e-5) and again.examples[0].shape == (N, 8)
    with pytest.raises(ValueError, match="not a gesturectl template"):
        TemplateModel.from_json('{"format": "x"}')


def test_a_taught_gesture_fires_once_per_movement_beside_the_rule_gestures():
    t, f = _feats(FLAG * 5)
    model, _ = learn("flag", [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)])
    defs = {**SPEC.definitions, "flag": GestureSpec(template="flag", engage=False)}
    spec = SPEC.model_copy(update={"definitions": defs})
    rec = Recognizer(spec, {"flag": model})
    script = [M("rest", 1.0), *FLAG * 3, *GESTURE_OPEN]
    fired = [(e.gesture, round(e.t, 1)) for _, p in perform(script, seed=4, noise_px=1.0) for e in rec.update(p)]
    assert [g for g, _ in fired] == ["flag", "flag", "flag", "open_app"]
    for name, script in EVERYDAY_SCRIPTS.items():
        got = Recognizer(spec, {"flag": model})
        assert [e for _, p in perform(script, seed=6, noise_px=1.0) for e in got.update(p)] == [], name


GESTURE_OPEN = [M("left_hand_up", 1), M("left_hand_up", 1.2), M("rest", 1)]


def test_a_template_gesture_needs_its_model():
    defs = {"flag": GestureSpec(template="flag", engage=False)}
    with pytest.raises(ValueError, match="no model was given"):
        Recognizer(SPEC.model_copy(update={"definitions": defs}), {})
    with pytest.raises(ValueError, match="either phases or template"):
        GestureSpec()
    assert recognize(SPEC, []) == []
