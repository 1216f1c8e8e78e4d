"""`gesturectl teach NAME`: learn a gesture of your own from a few examples, to bind like a built-in one.

    gesturectl teach wave --source 0                 # the camera: repeat the movement 5 times, pausing between
    gesturectl teach wave --source wave.mp4          # a video, a trace or an image folder (several --source too)

The movements between still moments are the examples (the first `--examples` of them); everything
else you did is your own non-gesture motion. A template model (DTW on the wrists and elbows relative
to the shoulders, in arm lengths) with a rejection threshold learned from your
examples and variants of them, and counter-examples from your other motion, the bundled everyday
motion (the puppet's claps, waves, stretches, ...) and any `--negatives` recordings, is stored in
the user's data folder. Bind it in your config:

    gestures:
      definitions:
        wave: {template: wave, engage: false}
    bindings:
      - {gesture: wave, action: next_slide}
"""

from __future__ import annotations

import argparse
import sys

from gesturectl.cli.common import add_config, user_config_or_none


def register(sub) -> None:
    p = sub.add_parser(
        "teach",
        help="learn your own gesture from a few examples (then bind it in the config)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", help="the gesture's name (letters, digits, _)")
    p.add_argument("--source", action="append", help="camera, video, trace or image folder (repeatable)")
    p.add_argument("--examples", type=int, default=5, help="movements to learn from (default 5)")
    p.add_argument("--negatives", action="append", default=[], help="recordings of motion that must not fire")
    p.add_argument("--seconds", type=float, default=0.0, help="stop reading a live camera after this long")
    add_config(p, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    p.add_argument("--force", action="store_true", help="replace a gesture already taught under this name")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from gesturectl.config import load_config
    from gesturectl.errors import ConfigError
    from gesturectl.gestures.teaching import learn, segment_motion
    from gesturectl.paths import learned_dir

    if not args.name.replace("_", "").isalnum():
        raise ConfigError(f"{args.name!r}: use letters, digits and _ for a gesture's name")
    cfg = load_config(user_config_or_none(args.config))
    if args.name in cfg.gestures.definitions and cfg.gestures.definitions[args.name].template is None:
        raise ConfigError(f"{args.name!r} is a built-in or rule gesture in your config; pick another name")
    dst = learned_dir() / f"{args.name}.json"
    if dst.exists() and not args.force:
        raise ConfigError(f"{dst} exists: pass --force to teach {args.name!r} again")
    examples, negatives = [], []
    for spec in args.source or [cfg.daemon.source]:
        times, feats = _features(cfg, spec, args.seconds)
        segs = segment_motion(times, feats)
        print(f"{spec}: {len(times)} frames with arms in view, {len(segs)} movements", file=sys.stderr)
        take = segs[: max(0, args.examples - len(examples))]
        examples += [(times[a:b], feats[a:b]) for a, b in take]
        keep = np.ones(len(times), bool)
        for a, b in take:
            keep[a:b] = False
        negatives += _runs(times, feats, keep)
    if len(examples) < 2:
        raise ConfigError(
            f"found {len(examples)} movement(s); need at least 2: repeat the gesture, keeping still a moment between"
        )
    for spec in args.negatives:
        times, feats = _features(cfg, spec, 0.0)
        negatives.append((times, feats))
    negatives += _bundled_negatives(cfg)
    model, info = learn(args.name, examples, negatives)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(model.to_json() + "\n", encoding="utf-8")
    print(
        f"taught {args.name!r} from {len(examples)} examples ({model.duration_s:.2f} s each, arm length "
        f"{info['arm_length']:.2f} shoulder widths): threshold {model.threshold:.3f} (examples "
        f"{info['loo_max']:.3f} at most, nearest other motion {info['nearest_negative']:.3f}, "
        f"{int(info['counter'])} counter-examples kept); saved {dst}"
    )
    print(f"bind it:  gestures: {{definitions: {{{args.name}: {{template: {args.name}, engage: false}}}}}}")
    return 0


def _features(cfg, spec: str, seconds: float):
    """(times, F×8 features) of the frames where both arms were seen."""
    import numpy as np

    from gesturectl.gestures.features import FeatureTracker
    from gesturectl.gestures.smoothing import PoseSmoother
    from gesturectl.gestures.templates import features
    from gesturectl.pose.factory import build_estimator
    from gesturectl.runtime.capture import Captured
    from gesturectl.runtime.replay import replay_engine
    from gesturectl.sources import open_source

    g = cfg.gestures
    s = g.smoothing
    smoother = PoseSmoother(s.min_cutoff_hz, s.beta, s.d_cutoff_hz, g.min_joint_score, g.max_dropout_s)
    tracker = FeatureTracker(g.min_joint_score, g.speed_window_s, g.max_dropout_s)
    engine = replay_engine(cfg, build_estimator)
    source = open_source(spec)
    times, feats = [], []
    t0 = None
    try:
        for item in source:
            t0 = item.t if t0 is None else t0
            engine.process(Captured(item, item.t))
            frame = tracker.update(smoother.update(engine.last_pose))
            f = None if frame is None else features(frame.points)
            if f is not None:
                times.append(item.t)
                feats.append(f)
            if seconds and item.t - t0 >= seconds:
                break
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
    return np.array(times), (np.stack(feats) if feats else np.zeros((0, 8)))


def _runs(times, feats, keep):
    """The kept stretches of a recording, as (times, features) pieces of at least 1 s."""
    out, start = [], None
    for i, k in enumerate(list(keep) + [False]):
        if k and start is None:
            start = i
        elif not k and start is not None:
            if times[i - 1] - times[start] >= 1.0:
                out.append((times[start:i], feats[start:i]))
            start = None
    return out


def _bundled_negatives(cfg):
    """Everyday motion that must never fire a taught gesture: the puppet's claps, waves, stretches, ..."""
    import numpy as np

    from gesturectl.gestures.features import FeatureTracker
    from gesturectl.gestures.templates import features
    from gesturectl.synth.puppet import EVERYDAY_SCRIPTS, perform

    out = []
    for script in EVERYDAY_SCRIPTS.values():
        tracker = FeatureTracker(cfg.gestures.min_joint_score, cfg.gestures.speed_window_s)
        rows = [
            (t, f)
            for t, pose in perform(script, seed=1, noise_px=1.0)
            if (fr := tracker.update(pose)) is not None and (f := features(fr.points)) is not None
        ]
        out.append((np.array([r[0] for r in rows]), np.stack([r[1] for r in rows])))
    return out
