"""Action sinks: perform a dispatcher `Action` on the OS, or describe it in a dry run.

A failing action raises `ActionError` with a message naming the action and the fix; the loop
logs it and goes on with the next frame.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from gesturectl.actions.apps import AppController
from gesturectl.actions.keyboard import KeyboardBackend
from gesturectl.actions.keys import resolve_mod
from gesturectl.dispatch import Action
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)


class ActionSink(Protocol):
    def perform(self, action: Action) -> str: ...

    def release_all(self) -> None: ...


class OsActionSink:
    """Keystrokes through a keyboard backend; apps through an AppController."""

    def __init__(self, keyboard: KeyboardBackend | None, apps: AppController) -> None:
        self._keyboard = keyboard
        self._apps = apps
        self.own_input_until = 0.0  # input listeners ignore events before this (our own keystrokes)

    def perform(self, action: Action) -> str:
        spec = action.spec
        try:
            if spec.hotkey is not None:
                if self._keyboard is None:
                    raise ActionError("no keyboard backend is available (see the message at start-up)")
                self.own_input_until = time.monotonic() + 0.3
                self._keyboard.send(spec.hotkey)
                self.own_input_until = time.monotonic() + 0.3
                return f"sent {'+'.join(resolve_mod(spec.hotkey))}"
            if spec.launch is not None:
                return self._apps.launch(spec.launch, action.app)
            if spec.close is not None:
                return self._apps.close(spec.close, action.app)
            return f"control {spec.control}"
        except ActionError as e:
            raise ActionError(f"action {action.name!r} failed: {e}") from e
        except Exception as e:  # backends raise their own types (pyautogui's fail-safe, Xlib errors, OSError)
            hint = ""
            if type(e).__name__ == "FailSafeException":
                hint = " (pyautogui's fail-safe: the mouse is in a screen corner; move it, or set GESTURECTL_KEYBOARD=pynput)"
            raise ActionError(f"action {action.name!r} failed: {type(e).__name__}: {e}{hint}") from e

    def release_all(self) -> None:
        if self._keyboard is not None:
            self._keyboard.release_all()


class DryRunSink:
    """Describes each action instead of performing it."""

    def __init__(self) -> None:
        self.performed: list[Action] = []

    def perform(self, action: Action) -> str:
        self.performed.append(action)
        return f"dry run: would {action.spec.describe()}"

    def release_all(self) -> None:
        pass
