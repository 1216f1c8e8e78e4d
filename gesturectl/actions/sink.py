"""Action sinks: perform an `Action` on the OS, or describe it in a dry run.

A failing action raises `ActionError` with a message naming the action and the fix; the engine
logs it and goes on with the next frame. Control actions (pause/resume) belong to the daemon and
never reach a sink.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol, TypeVar

from gesturectl.actions.action import Action, Close, Control, Hotkey, Launch, Pending, pressed_keys
from gesturectl.actions.apps import AppController
from gesturectl.actions.keyboard import KeyboardBackend
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Input listeners ignore keyboard and mouse events this long after our own keystrokes.
OWN_INPUT_S = 0.3


class ActionSink(Protocol):
    """Where decided actions go: the OS, or a dry-run log."""

    def perform(self, action: Action) -> str:
        """Do the action; a short description of what happened, or ActionError."""
        ...

    def start(self, action: Action) -> str | Pending:
        """Do the action's quick part: what happened, or (launch, close) a Pending with the slow rest."""
        ...

    def release_all(self) -> None:
        """Release every key still held (pause, reload and every exit call this)."""
        ...

    def own_input_until(self) -> float:
        """Monotonic time until which keyboard/mouse events are our own keystrokes' echoes."""
        ...


class OsActionSink:
    """Keystrokes through a keyboard backend; apps through an AppController."""

    def __init__(self, keyboard: KeyboardBackend | None, apps: AppController) -> None:
        self._keyboard = keyboard
        self._apps = apps
        self._own_until = 0.0

    def own_input_until(self) -> float:
        return self._own_until

    def perform(self, action: Action) -> str:
        started = self.start(action)
        return started if isinstance(started, str) else started.finish()

    def start(self, action: Action) -> str | Pending:
        """Do the quick part of the action; a launch or close returns the slow rest as a Pending (its
        `finish()` raises ActionError as `perform` does), for the daemon to run off the frame loop."""
        started = _said(action, lambda: self._start(action))
        if isinstance(started, Pending):
            return Pending(partial(_said, action, started.finish))
        return started

    def _start(self, action: Action) -> str | Pending:
        match action:
            case Hotkey():
                if self._keyboard is None:
                    raise ActionError("no keyboard backend is available (see the message at start-up)")
                self._own_until = time.monotonic() + OWN_INPUT_S
                self._keyboard.send(action.keys)
                self._own_until = time.monotonic() + OWN_INPUT_S
                return f"sent {pressed_keys(action)}"
            case Launch():
                return self._apps.start_launch(action.name, action.app)
            case Close():
                return self._apps.start_close(action.name, action.app)
            case Control():
                raise ActionError("control actions are the daemon's, not the OS sink's")
        raise ActionError(f"unknown action {action!r}")

    def release_all(self) -> None:
        if self._keyboard is not None:
            self._keyboard.release_all()


def _said(action: Action, fn: Callable[[], T]) -> T:
    """`fn()`, its failures said as the action's: "action 'launch terminal' failed: ..." (ActionError)."""
    try:
        return fn()
    except ActionError as e:
        raise ActionError(f"action {action.describe()!r} failed: {e}") from e
    except Exception as e:  # backends raise their own types (Xlib errors, OSError, ...)
        raise ActionError(f"action {action.describe()!r} failed: {type(e).__name__}: {e}") from e


class DryRunSink:
    """Describes each action instead of performing it."""

    def __init__(self) -> None:
        self.performed: list[Action] = []

    def perform(self, action: Action) -> str:
        self.performed.append(action)
        return f"dry run: would {action.describe()}"

    def start(self, action: Action) -> str:
        return self.perform(action)

    def release_all(self) -> None:
        pass

    def own_input_until(self) -> float:
        return 0.0
