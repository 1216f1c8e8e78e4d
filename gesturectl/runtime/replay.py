"""Replaying a trace through the daemon's own engine, with a dry-run sink (for replay and explain)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gesturectl.actions.dispatch import Dispatcher
from gesturectl.actions.sink import DryRunSink
from gesturectl.config import Config
from gesturectl.errors import ModelError
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.runtime.capture import Captured
from gesturectl.runtime.engine import Engine, Outcome
from gesturectl.runtime.selection import people_stage
from gesturectl.sources.traces import TraceSource


def _no_model(settings, timer):
    raise ModelError("a trace carries poses: no pose model is needed")


def replay_engine(cfg: Config) -> Engine:
    """An engine for recorded poses: no model, no foreground app (app rules are reported), dry-run actions."""
    dispatcher = Dispatcher(cfg.bindings, cfg.actions, cfg.apps, foreground=None)
    people = people_stage(cfg.user, cfg.gestures)
    return Engine(_no_model, cfg.pose, GesturePipeline(cfg.gestures), dispatcher, DryRunSink(), people=people)


def replay_trace(cfg: Config, path: Path) -> Iterator[Outcome]:
    """Every outcome the daemon would produce on this trace (an event without a binding included)."""
    engine = replay_engine(cfg)
    source = TraceSource(path)
    try:
        for sample in source:
            yield from engine.process(Captured(sample, sample.t))
    finally:
        source.close()
