"""`build_daemon(config, ...)`: assemble the daemon from its parts, once, with the OS edges passed in.

The CLI passes the real edges (a keyboard, the window system, cameras, the ONNX models); tests pass
fakes and a virtual clock and drive the daemon in-process. Reloading the config rebuilds the same
parts through `rebuild()`, so start-up and reload cannot drift apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from gesturectl.actions.dispatch import Dispatcher, ForegroundApp
from gesturectl.actions.sink import ActionSink
from gesturectl.actions.spec import AppSpec
from gesturectl.config import Config, config_warnings
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.runtime.background import BackgroundActions
from gesturectl.runtime.daemon import Daemon, DaemonOptions, Rebuilt
from gesturectl.runtime.engine import Engine, EstimatorFactory, Outcome
from gesturectl.runtime.selection import people_stage
from gesturectl.runtime.status import Status
from gesturectl.sources.base import FrameSource
from gesturectl.timing import StageTimer


def _no_foreground(apps: Mapping[str, AppSpec]) -> ForegroundApp | None:
    return None


def _no_warnings(apps: Mapping[str, AppSpec]) -> list[str]:
    return []


@dataclass(frozen=True)
class Edges:
    """Everything the daemon does to or reads from the outside world.

    Attributes:
        sink: performs actions (the OS, or a dry run).
        open_source: opens the source named on the command line or in the config.
        make_estimator: builds the pose model from the `pose:` settings.
        foreground_for: for the configured apps, a reader of the app in front (None: unknown).
        check_apps: warnings about the configured apps (e.g. an executable not on PATH).
        busy: whether the user is typing or using the mouse right now (auto-pause).
        clock: monotonic seconds.
    """

    sink: ActionSink
    open_source: Callable[[str], FrameSource]
    make_estimator: EstimatorFactory
    foreground_for: Callable[[Mapping[str, AppSpec]], ForegroundApp | None] = _no_foreground
    check_apps: Callable[[Mapping[str, AppSpec]], list[str]] = _no_warnings
    busy: Callable[[], bool] = lambda: False
    clock: Callable[[], float] = time.monotonic
    timer: StageTimer = field(default_factory=StageTimer)

    def with_busy(self, busy: Callable[[], bool]) -> Edges:
        return replace(self, busy=busy)


def rebuild(cfg: Config, edges: Edges) -> Rebuilt:
    """The config-dependent parts: the gesture pipeline, the dispatcher and the people stage (and warnings)."""
    dispatcher = Dispatcher(cfg.bindings, cfg.actions, cfg.apps, edges.foreground_for(cfg.apps))
    warnings = (*edges.check_apps(cfg.apps), *config_warnings(cfg))
    return Rebuilt(cfg, GesturePipeline(cfg.gestures), dispatcher, warnings, people_stage(cfg.user, cfg.gestures))


def build_daemon(
    cfg: Config,
    opts: DaemonOptions,
    edges: Edges,
    load_config: Callable[[], Config],
    on_outcome: Callable[[Outcome], None] = lambda o: None,
    on_state: Callable[[Status], None] = lambda s: None,
) -> tuple[Daemon, Rebuilt]:
    """The daemon for `cfg`, and the first build of its parts (whose warnings the caller shows)."""
    first = rebuild(cfg, edges)
    engine = Engine(
        edges.make_estimator,
        cfg.pose,
        first.gestures,
        first.dispatcher,
        edges.sink,
        edges.timer,
        clock=edges.clock,
        busy=edges.busy,
        max_actions_per_s=cfg.daemon.max_actions_per_s,
        people=first.people,
        background=BackgroundActions(),  # launching and closing apps never stall the frames
    )
    daemon = Daemon(
        opts,
        cfg,
        engine,
        lambda: edges.open_source(opts.source),
        lambda: rebuild(load_config(), edges),
        on_outcome,
        on_state,
    )
    return daemon, first
