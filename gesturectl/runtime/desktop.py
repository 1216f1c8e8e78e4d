"""The real desktop edges of `gesturectl run`: keyboard, windows, apps, input listeners, tray, and the
messages that tell the user what works here and what to do about what does not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from gesturectl.actions.spec import AppSpec
from gesturectl.commands import Command
from gesturectl.config import Config, DaemonConfig
from gesturectl.errors import ActionError, first_line
from gesturectl.runtime.assembly import Edges
from gesturectl.runtime.status import Status

log = logging.getLogger(__name__)

Say = Callable[[str], None]


def desktop_edges(cfg: Config, dry_run: bool) -> tuple[Edges, list[str]]:
    """The OS edges for this machine, and notes for the user about what is unavailable."""
    from gesturectl.actions.apps import AppController, missing_executables
    from gesturectl.actions.keyboard import select_keyboard
    from gesturectl.actions.sink import DryRunSink, OsActionSink
    from gesturectl.actions.windows import foreground_reader, select_window_system
    from gesturectl.pose.factory import build_estimator
    from gesturectl.sources import open_source

    notes: list[str] = []
    windows, why = select_window_system(retry=True)
    if why:
        notes.append(
            why if not dry_run else f"{why.split(';')[0]}; dry run: app rules are shown with each action, not checked"
        )
    keyboard = None
    if not dry_run:
        try:
            keyboard = select_keyboard(cfg.daemon.keyboard)
        except ActionError as e:
            notes.append(f"{e}\nhotkey actions will fail until this is fixed; launching and closing apps still work")
    sink = DryRunSink() if dry_run else OsActionSink(keyboard, AppController(windows))

    def foreground_for(apps: Mapping[str, AppSpec]):
        if windows.name == "none" and not windows.retrying:
            return None if dry_run else (lambda: None)  # dry run: unknown; live: "no app is in front"
        return foreground_reader(apps, windows)

    def check_apps(apps: Mapping[str, AppSpec]) -> list[str]:
        return [
            f"apps.{n}: {exe!r} is not installed or not on PATH; actions that launch it will fail"
            for n, exe in missing_executables(apps).items()
        ]

    return Edges(
        sink=sink,
        open_source=open_source,
        make_estimator=build_estimator,
        foreground_for=foreground_for,
        check_apps=check_apps,
    ), notes


class StateReporter:
    """Tells the user once about a lost camera or a failing model, and keeps the tray's state current."""

    def __init__(self, say: Say, notifier=None) -> None:
        self._say = say
        self._told: str | None = None
        self._state: str | None = None
        self.tray = None
        self.notifier = notifier

    def __call__(self, st: Status) -> None:
        if self.notifier is not None:
            from gesturectl.runtime.notify import state_notice

            notice = state_notice(self._state, st)
            if notice is not None:
                self.notifier.send(*notice)
        self._state = st.state
        if st.state != self._told:
            if st.state == "no camera":
                self._say(
                    f"no camera/source: {st.source_message}\n  try `gesturectl run --source demo` (a bundled "
                    "recording of every gesture), `--source VIDEO` or `--source TRACE.jsonl`; "
                    "`gesturectl cameras` lists cameras"
                )
            elif st.state == "pose model error":
                self._say(
                    f"the pose model cannot run: {st.pose_error}\n  the daemon keeps running "
                    "(status, pause, reload work); fix pose.model and `gesturectl reload`"
                )
            self._told = st.state if st.state in ("no camera", "pose model error") else None
        if self.tray is not None:
            self.tray.set_state(st)


def start_input_watch(d: DaemonConfig, sink, say: Say):
    """The pause hotkey and auto-pause listeners, or None (with a note) when they cannot run here."""
    if not d.pause_hotkey and d.auto_pause_on_input_s <= 0:
        return None
    from gesturectl.actions.listeners import select_input_watch

    try:
        return select_input_watch(d.pause_hotkey, d.auto_pause_on_input_s, sink.own_input_until)
    except Exception as e:
        say(f"pause hotkey and auto-pause are off: cannot listen to the keyboard here ({first_line(e)})")
        return None


def start_tray(
    d: DaemonConfig, command: Callable[[Command], dict], say: Say, show_camera: Callable[[], None] | None = None
):
    """The tray icon, or None when the desktop has none (logged) or it fails (said)."""
    if d.tray == "off":
        return None
    from gesturectl.config import ensure_user_config
    from gesturectl.runtime.tray import Tray, tray_available

    ok, why = tray_available()
    if not ok:
        log.info("no tray icon: %s; control with gesturectl pause|resume|reload|stop", why)
        return None
    try:
        tray = Tray(command, ensure_user_config, show_camera)
        tray.start()
        return tray
    except Exception as e:
        say(f"no tray icon ({first_line(e)}); control with gesturectl pause|resume|reload|stop")
        return None
