"""What the dispatcher asks an action sink to do: a tagged union of small frozen records.

    Action = Hotkey | Launch | Close | Control

Sinks `match` on the type; a new kind of action is a new record here and a new case in each sink
(mypy and the sinks' fall-through errors make a forgotten case loud).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from gesturectl.actions.keys import resolve_mod
from gesturectl.actions.spec import AppSpec
from gesturectl.commands import Command


@dataclass(frozen=True)
class Hotkey:
    """Press `keys` together (in order), release them in reverse order. `mod` is Ctrl, or Cmd on macOS."""

    keys: tuple[str, ...]

    def describe(self) -> str:
        return f"hotkey {'+'.join(self.keys)}"


@dataclass(frozen=True)
class Launch:
    """Start the configured app `name` (argv, never a shell)."""

    name: str
    app: AppSpec

    def describe(self) -> str:
        return f"launch {self.name}"


@dataclass(frozen=True)
class Close:
    """Close the user's own processes of the configured app `name`."""

    name: str
    app: AppSpec

    def describe(self) -> str:
        return f"close {self.name}"


@dataclass(frozen=True)
class Control:
    """A command for the daemon itself (pause, resume, toggle_pause)."""

    command: Command

    def describe(self) -> str:
        return f"control {self.command.value}"


Action = Union[Hotkey, Launch, Close, Control]


def pressed_keys(action: Hotkey) -> str:
    """The keys as they will be pressed on this platform, e.g. 'ctrl+='."""
    return "+".join(resolve_mod(action.keys))


@dataclass(frozen=True)
class Pending:
    """The slow rest of an action a sink has begun (watching a program start, waiting for one to go):
    `finish()` says what happened or raises ActionError. It uses no window system, so it may run on another
    thread than the one that began it (the daemon runs it off the frame loop: runtime/background.py)."""

    finish: Callable[[], str]
