"""Fakes the tests pass in where the product would touch the OS."""

from __future__ import annotations

from gesturectl.actions.keyboard import KeyboardBackend
from gesturectl.errors import ActionError


class RecordingKeyboard(KeyboardBackend):
    """Records presses and releases instead of sending them (tests and dry runs)."""

    name = "recording"

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []
        self._fail_on = fail_on

    def _press(self, key: str) -> None:
        if key == self._fail_on:
            raise ActionError(f"cannot press {key}")
        self.log.append(("down", key))

    def _release(self, key: str) -> None:
        self.log.append(("up", key))
