"""Dispatcher: GestureEvent -> the actions its bindings call, applying pause and per-app rules.

Pure: it decides, it never acts. The foreground application comes from a callable passed in
(the OS edge); `None` for that callable means "unknown" (dry runs and replays), where an
app-specific binding is reported as such instead of being silently dropped or fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.actions.spec import ActionSpec, AppSpec
from gesturectl.config import Config
from gesturectl.types import GestureEvent

ForegroundApp = Callable[[], "str | None"]


@dataclass(frozen=True)
class Action:
    """One action to perform, and why."""

    name: str
    spec: ActionSpec
    app: AppSpec | None
    event: GestureEvent


@dataclass(frozen=True)
class Decision:
    """What a binding did with an event: an action to run, or the reason it did not run."""

    event: GestureEvent
    action_name: str
    action: Action | None
    skipped: str | None = None
    when_app: str | None = None


class Dispatcher:
    """Maps events to actions through the config's bindings; owns the paused state."""

    def __init__(self, cfg: Config, foreground: ForegroundApp | None = None, paused: bool = False) -> None:
        self._cfg = cfg
        self._foreground = foreground
        self.paused = paused

    def dispatch(self, event: GestureEvent, busy: bool = False) -> list[Decision]:
        """Decisions for every binding of the event's gesture. `busy`: the user is typing or using
        the mouse (auto-pause); only pause/resume controls pass then."""
        out = []
        for b in self._cfg.bindings:
            if b.gesture != event.gesture:
                continue
            spec = self._cfg.actions[b.action]
            when_app = b.when.app if b.when else None
            if spec.control is not None:
                self._control(spec.control)
                out.append(Decision(event, b.action, Action(b.action, spec, None, event), when_app=when_app))
                continue
            skipped = "you are using the keyboard or mouse" if busy and not self.paused else self._skip_reason(when_app)
            app_name = spec.launch or spec.close
            app = self._cfg.apps[app_name] if app_name else None
            action = None if skipped else Action(b.action, spec, app, event)
            out.append(Decision(event, b.action, action, skipped, when_app))
        return out

    def _skip_reason(self, when_app: str | None) -> str | None:
        if self.paused:
            return "paused"
        if when_app is None or self._foreground is None:
            return None
        front = self._foreground()
        if front != when_app:
            return f"{when_app} is not in front ({front or 'another window'} is)"
        return None

    def _control(self, command: str) -> None:
        self.paused = {"pause": True, "resume": False, "toggle_pause": not self.paused}[command]
