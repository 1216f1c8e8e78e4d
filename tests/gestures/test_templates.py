"""Learned gestures: DTW by hand, segmentation, the learned threshold, storage, and the matcher in the recognizer."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from gesturectl.config import load_config
from gesturectl.errors import ConfigError
from gesturectl.gestures.features import FeatureTracker
from gesturectl.gestures.pipeline import recognize
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.gestures.smoothing import PoseSmoother
from gesturectl.gestures.spec import GestureSpec
from gesturectl.gestures.teaching import LearnOptions, learn, segment_motion
from gesturectl.gestures.templates import N, TemplateModel, arm_length, dtw, dtw_many, features, resample
from gesturectl.synth.puppet import EVERYDAY_SCRIPTS, perform
from gesturectl.synth.puppet import Move as M
from gesturectl.types import CocoJoint, Pose

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
    assert dtw(a, a) == pytest.approx(0.0, abs=1e-9)
    # b lingers on 0: the path aligns 0,0 -> 0, 1 -> 1, 2 -> 2 at no cost... except the step it cannot skip
    b = np.array([[0.0], [0.0], [2.0]])
    assert dtw(a, b, band=2) == pytest.approx(1.0 / 3)  # one frame costs 1 (1 vs 0 or 2), over 3 frames
    shifted = np.array([[1.0], [2.0], [3.0]])
    assert dtw(a, shifted, band=0) == pytest.approx(1.0)  # no warping: every frame 1 apart


def _dtw_reference(a, b, band):
    """The textbook recurrence, cell by cell."""
    n, m = len(a), len(b)
    d = np.full((n + 1, m + 1), np.inf)
    d[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - band), min(m, i + band) + 1):
            d[i, j] = np.linalg.norm(a[i - 1] - b[j - 1]) + min(d[i - 1, j - 1], d[i - 1, j], d[i, j - 1])
    return d[n, m] / n


def test_the_row_at_once_dtw_equals_the_textbook_recurrence():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(N, 8))
    bs = rng.normal(size=(6, N, 8)).cumsum(axis=1) * 0.3
    got = dtw_many(a, bs, band=4)
    assert got == pytest.approx([_dtw_reference(a, b, 4) for b in bs], rel=1e-9)
    assert dtw(a, bs[2], band=30) == pytest.approx(_dtw_reference(a, bs[2], 30), rel=1e-9)


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
    assert len(again.examples) == 5 * 5 and len(again.counter) == len(model.counter)  # each example and 4 variants
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


def _long_armed(stream, k=1.3):
    """The same performance by someone whose arms are `k` times as long (elbows and wrists pushed out
    from their shoulders in the image)."""
    arm = {
        CocoJoint.LEFT_ELBOW: CocoJoint.LEFT_SHOULDER,
        CocoJoint.LEFT_WRIST: CocoJoint.LEFT_SHOULDER,
        CocoJoint.RIGHT_ELBOW: CocoJoint.RIGHT_SHOULDER,
        CocoJoint.RIGHT_WRIST: CocoJoint.RIGHT_SHOULDER,
    }
    for t, p in stream:
        coco = p.to_coco()
        kp = coco.keypoints.astype(np.float64).copy()
        for j, s in arm.items():
            kp[j] = kp[s] + k * (kp[j] - kp[s])
        yield t, Pose(kp.astype(np.float32), coco.scores, "coco17", coco.image_size, coco.presence, coco.t)


def test_arm_length_is_read_from_the_frames():
    t, f = _feats(FLAG * 2)
    longer = f.reshape(len(f), 4, 2).copy()
    shoulders = np.array([0.5, -0.5, 0.5, -0.5])
    longer[:, :, 0] = shoulders + 1.3 * (longer[:, :, 0] - shoulders)
    longer[:, :, 1] *= 1.3
    assert arm_length(longer.reshape(len(f), 8)) == pytest.approx(1.3 * arm_length(f), rel=1e-6)


def test_a_longer_armed_person_fires_the_gesture_taught_by_a_shorter_one():
    t, f = _feats(FLAG * 5)
    model, _ = learn("flag", [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)])
    defs = {"flag": GestureSpec(template="flag", engage=False)}
    spec = SPEC.model_copy(update={"definitions": defs})
    script = [M("rest", 3.0), *FLAG * 3]
    rec = Recognizer(spec, {"flag": model})
    got = [e.gesture for _, p in _long_armed(perform(script, seed=4, noise_px=1.0)) for e in rec.update(p)]
    assert got == ["flag"] * 3
    # The same rule on the shoulder-width coordinates of version 1 misses them.
    raw, _ = learn("flag", [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)], opts=LearnOptions(encoding="raw"))
    rec = Recognizer(spec, {"flag": raw})
    assert [e for _, p in _long_armed(perform(script, seed=4, noise_px=1.0)) for e in rec.update(p)] == []


def test_a_window_nearer_a_counter_example_than_the_examples_is_rejected():
    t, f = _feats(FLAG * 5)
    model, _ = learn("flag", [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)], opts=LearnOptions(counter_examples=0))
    a, b = segment_motion(t, f)[0]
    window = resample(t[a:b], f[a:b])
    arm = arm_length(f)
    assert model.distance(window, arm) < model.threshold
    near = replace(model, counter=(model.encode(window, arm),))  # that very movement, taught as other motion
    assert near.distance(window, arm) == np.inf


def test_a_version_1_model_still_loads_and_matches_as_before():
    t, f = _feats(FLAG * 5)
    segs = segment_motion(t, f)
    ex = [resample(t[a:b], f[a:b]) for a, b in segs]
    v1 = {
        "format": "gesturectl-template",
        "version": 1,
        "name": "flag",
        "features": ["left_wrist", "right_wrist", "left_elbow", "right_elbow"],
        "duration_s": 0.8,
        "threshold": 0.3,
        "min_range": 1.0,
        "examples": [e.round(4).tolist() for e in ex],
    }
    model = TemplateModel.from_json(json.dumps(v1))
    assert model.encoding == "raw" and model.counter == ()
    assert model.distance(ex[0]) == pytest.approx(min(dtw(ex[0], e) for e in model.examples))
    newer = json.dumps({**v1, "version": 9})
    with pytest.raises(ValueError, match="newer than this gesturectl reads"):
        TemplateModel.from_json(newer)


def test_a_version_1_model_in_the_data_folder_still_fires_in_the_recognizer(tmp_path, monkeypatch):
    t, f = _feats(FLAG * 5)
    v1_rule = LearnOptions(
        encoding="raw", reach_scales=(), rotations_deg=(), counter_examples=0, floor_share=0.0, negative_margin=0.9
    )
    model, _ = learn("flag", [(t[a:b], f[a:b]) for a, b in segment_motion(t, f)], opts=v1_rule)
    stored = json.loads(model.to_json())
    v1 = {k: stored[k] for k in ("format", "name", "features", "duration_s", "threshold", "min_range", "examples")}
    monkeypatch.setenv("GESTURECTL_DATA_DIR", str(tmp_path))
    (tmp_path / "gestures").mkdir()
    (tmp_path / "gestures" / "flag.json").write_text(json.dumps({**v1, "version": 1}))
    spec = SPEC.model_copy(update={"definitions": {"flag": GestureSpec(template="flag", engage=False)}})
    script = [M("rest", 1.0), *FLAG * 3]
    from_disk = Recognizer(spec)  # reads the data folder
    got = [round(e.t, 2) for _, p in perform(script, seed=4, noise_px=1.0) for e in from_disk.update(p)]
    # As the previous code did: its tight threshold takes 2 of these 3 movements (at 3.2 s and 5.4 s).
    assert got == [3.2, 5.4]
    (tmp_path / "gestures" / "flag.json").write_text(json.dumps({**v1, "version": 7}))
    with pytest.raises(ConfigError, match="gesturectl teach flag"):
        Recognizer(spec)


def test_augmented_variants_keep_a_symmetric_movement_symmetric_and_scale_the_reach():
    from gesturectl.gestures.teaching import augment

    t, f = _feats([M("rest", 0.5), M("both_up", 0.8), M("rest", 0.6)])
    w = resample(t, f)
    # Columns: left wrist x y, right wrist x y, left elbow x y, right elbow x y. Make the right arm the
    # left one's mirror image.
    w[:, [2, 6]] = -w[:, [0, 4]]
    w[:, [3, 7]] = w[:, [1, 5]]
    scaled_down, scaled_up, turned_a, turned_b = augment(w, LearnOptions())
    for v in (scaled_down, scaled_up, turned_a, turned_b):
        assert v[:, [2, 6]] == pytest.approx(-v[:, [0, 4]]) and v[:, [3, 7]] == pytest.approx(v[:, [1, 5]])
    shoulder = np.array([0.5, 0.0])
    assert np.linalg.norm(scaled_up[:, 0:2] - shoulder, axis=1) == pytest.approx(
        1.15 * np.linalg.norm(w[:, 0:2] - shoulder, axis=1)
    )
    assert np.linalg.norm(turned_a[:, 0:2] - shoulder, axis=1) == pytest.approx(
        np.linalg.norm(w[:, 0:2] - shoulder, axis=1)
    )
    assert not np.allclose(turned_a, w)
