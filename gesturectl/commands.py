"""Control commands and the pause state: one vocabulary for the CLI, the control socket, the tray,
the global hotkey and the pause gesture.

`PauseState` is a frozen value: `apply(command, by)` returns the next state, so whoever owns it (the
daemon) changes it in one place, and every reader sees who paused (the gesture, the user through the
CLI/tray/hotkey) — a pause by the user may release the camera, a pause by gesture keeps watching.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Command(str, Enum):
    """What a running daemon can be asked to do."""

    STATUS = "status"
    GESTURES = "gestures"  # the status and each gesture's progress on the last frame
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE_PAUSE = "toggle_pause"
    RELOAD = "reload"
    STOP = "stop"

    @classmethod
    def parse(cls, text: object) -> Command:
        """The command named `text`, or ValueError listing the valid names."""
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown command {text!r}; valid: {', '.join(c.value for c in cls)}") from None


PAUSE_COMMANDS = (Command.PAUSE, Command.RESUME, Command.TOGGLE_PAUSE)


class PausedBy(str, Enum):
    """Who asked for the pause (or resume)."""

    GESTURE = "gesture"
    USER = "user"  # the CLI, the tray or the hotkey: an explicit, out-of-band request


@dataclass(frozen=True)
class PauseState:
    """Whether gestures are paused, and by whom (None while running)."""

    paused: bool = False
    by: PausedBy | None = None

    def apply(self, command: Command, by: PausedBy) -> PauseState:
        """The state after a pause command (other commands leave it as it is)."""
        if command is Command.TOGGLE_PAUSE:
            command = Command.RESUME if self.paused else Command.PAUSE
        if command is Command.PAUSE:
            return PauseState(True, by)
        if command is Command.RESUME:
            return PauseState(False, None)
        return self
