"""Dispatcher: GestureEvent -> the actions its bindings call, applying pause and per-app rules.

Pure: it decides, it never acts and holds no state. The pause state and "the user is busy typing"
are passed in per call; the foreground application comes from a callable (the OS edge), where
`None` means "unknown" (dry runs and replays): an app-specific binding is then reported as such
instead of being silently dropped or fired. A control action (pause/resume) always passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gesturectl.actions.action import Action, Close, Control, Hotkey, Launch
from gesturectl.actions.spec import ActionSpec, AppSpec, BindingSpec
from gesturectl.commands import Command
from gesturectl.types import GestureEvent

ForegroundApp = Callable[[], "str | None"]
NO_BINDING = "no binding"


@dataclass(frozen=True)
class Decision:
    """What one binding did with an event: an action to run, or the reason it did not run."""

    event: GestureEvent
    action_name: str
    action: Action | None
    skipped: str | None = None
    when_app: str | None = None


def build_action(spec: ActionSpec, apps: Mapping[str, AppSpec]) -> Action:
    """The action record for a validated action spec (its app names were checked at load time)."""
    if spec.hotkey is not None:
        return Hotkey(spec.hotkey)
    if spec.launch is not None:
        return Launch(spec.launch, apps[spec.launch])
    if spec.close is not None:
        return Close(spec.close, apps[spec.close])
    if spec.control is not None:
        return Control(Command(spec.control))
    raise ValueError(f"action spec without a kind: {spec!r}")


class Dispatcher:
    """Maps events to actions through the config's bindings."""

    def __init__(
        self,
        bindings: Sequence[BindingSpec],
        actions: Mapping[str, ActionSpec],
        apps: Mapping[str, AppSpec],
        foreground: ForegroundApp | None = None,
    ) -> None:
        self._bindings = tuple(bindings)
        self._actions = {name: build_action(spec, apps) for name, spec in actions.items()}
        self._foreground = foreground

    def dispatch(self, event: GestureEvent, paused: bool = False, busy: bool = False) -> list[Decision]:
        """Decisions for every binding of the event's gesture (one "no binding" decision when it has none).

        `busy`: the user is typing or using the mouse (auto-pause); only pause/resume controls pass then,
        and while paused."""
        out = []
        for b in self._bindings:
            if b.gesture != event.gesture:
                continue
            action = self._actions[b.action]
            when_app = b.when.app if b.when else None
            skipped = None if isinstance(action, Control) else self._skip_reason(when_app, paused, busy)
            out.append(Decision(event, b.action, None if skipped else action, skipped, when_app))
        return out or [Decision(event, "-", None, NO_BINDING)]

    def _skip_reason(self, when_app: str | None, paused: bool, busy: bool) -> str | None:
        if paused:
            return "paused"
        if busy:
            return "you are using the keyboard or mouse"
        if when_app is None or self._foreground is None:
            return None
        front = self._foreground()
        if front != when_app:
            return f"{when_app} is not in front ({front or 'another window'} is)"
        return None
