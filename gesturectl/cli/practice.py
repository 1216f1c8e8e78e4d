"""`gesturectl practice [GESTURE]`: try a gesture and be told, per attempt, whether it fired and what was missing.

    gesturectl practice zoom_in                      # the camera (daemon.source), until Ctrl+C
    gesturectl practice --source clip.mp4            # a video, an image folder, a trace or 'demo'
    gesturectl practice open_app --calibrate         # then fit thresholds to you; write after you confirm

Nothing acts (no keys, no apps). `--calibrate` proposes threshold changes measured on your own
attempts; they are written into your config (keeping its comments and other settings) only after
you answer yes, or with `--yes`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gesturectl.cli.common import add_config, user_config_or_none


def register(sub) -> None:
    p = sub.add_parser(
        "practice",
        help="practise a gesture: per attempt, whether it fired and if not what was missing",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("gesture", nargs="?", help="only this gesture (default: all enabled)")
    p.add_argument("--source", help="camera index, video, image folder, trace or 'demo' (default: daemon.source)")
    add_config(p, "~/.config/gesturectl/config.yaml if it exists, else built-in defaults")
    p.add_argument("--attempts", type=int, default=0, help="stop after this many real tries (fired or near)")
    p.add_argument("--seconds", type=float, default=0.0, help="stop after this many seconds of input")
    p.add_argument("--all", action="store_true", help="also report small movements, not only real tries")
    p.add_argument("--calibrate", action="store_true", help="propose thresholds fitted to you at the end")
    p.add_argument("--yes", action="store_true", help="write the calibration without asking")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config
    from gesturectl.errors import ConfigError
    from gesturectl.gestures.calibration import propose
    from gesturectl.gestures.practice import PracticeTracker

    cfg_path = user_config_or_none(args.config)
    cfg = load_config(cfg_path)
    enabled = [n for n, g in cfg.gestures.definitions.items() if g.enabled]
    if args.gesture is not None and args.gesture not in enabled:
        raise ConfigError(f"{args.gesture!r}: no such enabled gesture; valid: {', '.join(enabled)}")
    tracker = PracticeTracker([args.gesture] if args.gesture else None)
    source = args.source or cfg.daemon.source
    what = args.gesture or "any gesture"
    print(f"practising {what} on {source}; Ctrl+C to stop", file=sys.stderr)
    try:
        _session(cfg, source, tracker, args)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    for line in tracker.summary_lines():
        print(line)
    if not args.calibrate:
        return 0
    defs = {n: g for n, g in cfg.gestures.definitions.items() if args.gesture is None or n == args.gesture}
    proposal = propose(defs, tracker.results)
    for note in proposal.notes:
        print(f"calibration: {note}")
    if not proposal.changes:
        print("calibration: nothing to change")
        return 0
    for c in proposal.changes:
        print(f"calibration: {c.words()}")
    target = args.config or _user_config_path()
    if not (args.yes or _confirm(f"write these to {target}? [y/N] ")):
        print(f"not written (answer yes, or pass --yes, to write {target})")
        return 0
    write_overrides(target, proposal.overrides)
    load_config(target)  # the written file must still load
    print(f"wrote {len(proposal.changes)} change(s) to {target}")
    return 0


def _session(cfg, source_spec: str, tracker, args: argparse.Namespace) -> None:
    from gesturectl.gestures.features import body_points
    from gesturectl.pose.factory import build_estimator
    from gesturectl.runtime.capture import Captured
    from gesturectl.runtime.replay import replay_engine
    from gesturectl.sources import open_source

    engine = replay_engine(cfg, build_estimator)
    source = open_source(source_spec)
    t0: float | None = None
    try:
        for item in source:
            t0 = item.t if t0 is None else t0
            engine.process(Captured(item, item.t))
            pose = engine.last_pose
            got = body_points(pose, cfg.gestures.min_joint_score) if pose is not None else None
            for r in tracker.add(item.t, engine.gestures.progress(), None if got is None else got[0]):
                if r.fired or r.near or args.all:
                    print(f"{r.t - t0:7.1f}s  {r.words()}", flush=True)
            real = sum(c.fired + c.near for c in tracker.tally.values())
            if (args.attempts and real >= args.attempts) or (args.seconds and item.t - t0 >= args.seconds):
                break
    finally:
        source.close()


def _user_config_path() -> Path:
    from gesturectl.paths import user_config_path

    return user_config_path()


def _confirm(prompt: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(prompt).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def write_overrides(path: Path, overrides: dict[str, dict]) -> None:
    """Set gestures.definitions.<name>.<key> in a YAML file, keeping its comments, order and other settings.

    Args:
        path: the user's config (created with `version: 1` when missing).
        overrides: gesture name -> {field: value} (plain data, e.g. {"phases": [...]}).
    """
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.comments import CommentedMap
    except ImportError as e:
        from gesturectl.errors import ConfigError

        raise ConfigError(
            "writing the config keeps your comments with ruamel.yaml: pip install 'gesturectl[practice]'"
        ) from e
    yaml = YAML()  # round-trip: comments, key order and quoting are kept
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if data is None:
        data = CommentedMap(version=1)
    node = data
    for key in ("gestures", "definitions"):
        if node.get(key) is None:
            node[key] = CommentedMap()
        node = node[key]
    for name, fields in overrides.items():
        if node.get(name) is None:
            node[name] = CommentedMap()
        for k, v in fields.items():
            node[name][k] = v
        data["gestures"]["definitions"].yaml_add_eol_comment("calibrated by gesturectl practice", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        yaml.dump(data, f)
    tmp.replace(path)
