"""Replaying a recording through the daemon's own engine, with a dry-run sink (for replay and explain)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gesturectl.actions.dispatch import Dispatcher
from gesturectl.actions.sink import DryRunSink
from gesturectl.config import Config
from gesturectl.errors import ModelError
from gesturectl.gestures.explain import Explainer, GestureSummary
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.runtime.capture import Captured
from gesturectl.runtime.engine import Engine, EstimatorFactory, Outcome
from gesturectl.sources.traces import TraceSource


def _no_model(settings, timer):
    raise ModelError("a trace carries poses: no pose model is needed")


def replay_engine(cfg: Config, make_estimator: EstimatorFactory = _no_model) -> Engine:
    """An engine for recordings: no foreground app (app rules are reported), dry-run actions.

    `make_estimator` builds the pose model for a video; a trace carries poses and needs none.
    """
    dispatcher = Dispatcher(cfg.bindings, cfg.actions, cfg.apps, foreground=None)
    return Engine(make_estimator, cfg.pose, GesturePipeline(cfg.gestures), dispatcher, DryRunSink())


def replay_trace(cfg: Config, path: Path) -> Iterator[Outcome]:
    """Every outcome the daemon would produce on this trace (an event without a binding included)."""
    engine = replay_engine(cfg)
    source = TraceSource(path)
    try:
        for sample in source:
            yield from engine.process(Captured(sample, sample.t))
    finally:
        source.close()


def explain_source(
    cfg: Config, source_spec: str, gesture: str | None = None, max_misses: int = 3
) -> tuple[list[GestureSummary], list[Outcome]]:
    """What fired and the nearest misses on a trace or video (read from the recognizer's progress records)."""
    from gesturectl.pose.factory import build_estimator
    from gesturectl.sources import open_source

    engine = replay_engine(cfg, build_estimator)
    explainer = Explainer(max_misses)
    outcomes: list[Outcome] = []
    source = open_source(source_spec)
    try:
        for item in source:
            outcomes += engine.process(Captured(item, item.t))
            records = engine.gestures.progress()
            explainer.add(r for r in records if gesture is None or r.gesture == gesture)
    finally:
        source.close()
    return explainer.summaries(), outcomes
