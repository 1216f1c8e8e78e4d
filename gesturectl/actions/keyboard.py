"""Keyboard backends: send a hotkey, every press released in a `finally`.

Shared logic lives in `KeyboardBackend.send`; each backend implements only `_press`/`_release`
(the one place that touches the OS). `select_keyboard` tries the backends in order and, when
none works, raises an error listing what was tried, why each failed and what to do.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from abc import ABC, abstractmethod

from gesturectl.actions.keys import resolve_mod
from gesturectl.errors import ActionError, first_line

log = logging.getLogger(__name__)


class KeyboardBackend(ABC):
    """Presses and releases keys by name (names from `actions/keys.py`, `mod` already resolved)."""

    name = "abstract"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: list[str] = []

    def send(self, keys: tuple[str, ...]) -> None:
        """Press the keys in order, then release them in reverse order, whatever happens."""
        keys = resolve_mod(keys)
        with self._lock:
            try:
                for k in keys:
                    self._press(k)
                    self._down.append(k)
            finally:
                self._release_down()

    def release_all(self) -> None:
        """Release anything still held (pause and shutdown call this)."""
        with self._lock:
            self._release_down()

    def _release_down(self) -> None:
        errors = []
        while self._down:
            k = self._down.pop()
            try:
                self._release(k)
            except Exception as e:  # keep releasing the others
                errors.append(f"{k}: {e}")
        if errors:
            raise ActionError(f"{self.name}: could not release {', '.join(errors)}")

    @abstractmethod
    def _press(self, key: str) -> None: ...

    @abstractmethod
    def _release(self, key: str) -> None: ...


_PYAUTOGUI_NAMES = {"cmd": "command", "super": "win", "prevtrack": "prevtrack"}


class PyAutoGuiKeyboard(KeyboardBackend):
    """pyautogui (XTEST on X11, SendInput on Windows, Quartz on macOS)."""

    name = "pyautogui"

    def __init__(self) -> None:
        super().__init__()
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            raise ActionError("DISPLAY is not set: pyautogui needs an X11 session (Wayland-only sessions lack XTEST)")
        import pyautogui  # imported here: it opens the display on import

        self._gui = pyautogui

    def _press(self, key: str) -> None:
        self._gui.keyDown(_PYAUTOGUI_NAMES.get(key, key), _pause=False)

    def _release(self, key: str) -> None:
        self._gui.keyUp(_PYAUTOGUI_NAMES.get(key, key), _pause=False)


class PynputKeyboard(KeyboardBackend):
    """pynput's keyboard Controller (X11, Windows, macOS; uinput on Linux as root)."""

    name = "pynput"

    def __init__(self) -> None:
        super().__init__()
        from pynput.keyboard import Controller, Key

        self._kb = Controller()
        self._special = {
            "ctrl": Key.ctrl, "shift": Key.shift, "alt": Key.alt, "super": Key.cmd, "cmd": Key.cmd,
            "enter": Key.enter, "esc": Key.esc, "tab": Key.tab, "space": Key.space, "backspace": Key.backspace,
            "delete": Key.delete, "home": Key.home, "end": Key.end, "pageup": Key.page_up, "pagedown": Key.page_down,
            "up": Key.up, "down": Key.down, "left": Key.left, "right": Key.right, "capslock": Key.caps_lock,
            "volumeup": Key.media_volume_up, "volumedown": Key.media_volume_down, "volumemute": Key.media_volume_mute,
            "playpause": Key.media_play_pause, "nexttrack": Key.media_next, "prevtrack": Key.media_previous,
            **{f"f{i}": getattr(Key, f"f{i}") for i in range(1, 21)},
        }

    def _key(self, key: str):
        return self._special.get(key, key)

    def _press(self, key: str) -> None:
        self._kb.press(self._key(key))

    def _release(self, key: str) -> None:
        self._kb.release(self._key(key))


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


BACKENDS: dict[str, type[KeyboardBackend]] = {"pyautogui": PyAutoGuiKeyboard, "pynput": PynputKeyboard}


def select_keyboard(preference: str = "auto") -> KeyboardBackend:
    """The first keyboard backend that starts, or an error explaining each failure and the fix."""
    env = os.environ.get("GESTURECTL_KEYBOARD")
    choice = env or preference
    if choice != "auto" and choice not in BACKENDS:
        raise ActionError(f"unknown keyboard backend {choice!r}; valid: auto, {', '.join(BACKENDS)}")
    names = list(BACKENDS) if choice == "auto" else [choice]
    tried = []
    for name in names:
        try:
            kb = BACKENDS[name]()
            log.info("keyboard backend: %s", name)
            return kb
        except Exception as e:  # each backend fails in its own way (ImportError, Xlib errors, ...)
            tried.append(f"  {name}: {first_line(e)}")
    raise ActionError(
        "no keyboard backend works; tried:\n" + "\n".join(tried) +
        "\nfix: run inside an X11 session (or set DISPLAY), install pyautogui/pynput, "
        "or set GESTURECTL_KEYBOARD=pynput|pyautogui to pick one; use --dry-run to run without one"
    )
