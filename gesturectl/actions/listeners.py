"""Keyboard and mouse listeners (pynput): the global pause hotkey and auto-pause while typing.

Both are optional comforts: when pynput cannot listen (no X11 RECORD extension, Wayland, no
permission) the daemon logs why and runs without them. Keystrokes gesturectl itself sends are
ignored (a short window after each one), so an action never auto-pauses the daemon.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from gesturectl.actions.keys import resolve_mod

log = logging.getLogger(__name__)

_PYNPUT_MOD = {"ctrl": "<ctrl>", "alt": "<alt>", "shift": "<shift>", "cmd": "<cmd>", "super": "<cmd>"}


def hotkey_string(keys: tuple[str, ...]) -> str:
    """pynput's GlobalHotKeys notation for a key list: [ctrl, alt, g] -> '<ctrl>+<alt>+g'."""
    return "+".join(_PYNPUT_MOD.get(k, k if len(k) == 1 else f"<{k}>") for k in resolve_mod(keys))


class InputWatch:
    """Starts the pynput listeners; `busy()` tells whether the user is typing or using the mouse."""

    def __init__(self, pause_hotkey: tuple[str, ...], on_toggle: Callable[[], None], auto_pause_s: float,
                 own_input_until: Callable[[], float]) -> None:
        self._auto_pause_s = auto_pause_s
        self._own_until = own_input_until
        self._busy_until = 0.0
        self._listeners: list = []
        from pynput import keyboard, mouse

        if pause_hotkey:
            hk = keyboard.GlobalHotKeys({hotkey_string(pause_hotkey): on_toggle})
            self._listeners.append(hk)
        if auto_pause_s > 0:
            self._listeners.append(keyboard.Listener(on_press=self._touched))
            self._listeners.append(mouse.Listener(on_move=self._touched, on_click=self._touched,
                                                  on_scroll=self._touched))

    def _touched(self, *args) -> None:
        now = time.monotonic()
        if now > self._own_until():
            self._busy_until = now + self._auto_pause_s

    def busy(self) -> bool:
        return time.monotonic() < self._busy_until

    def start(self) -> None:
        for lst in self._listeners:
            lst.daemon = True
            lst.start()

    def stop(self) -> None:
        for lst in self._listeners:
            lst.stop()
