"""Keyboard backends: send a hotkey, every press released in a `finally`.

Shared logic lives in `KeyboardBackend.send`; each backend implements only `_press`/`_release`
(the one place that touches the OS). `select_keyboard` tries the backends in order and, when
none works, raises an error listing what was tried, why each failed and what to do.

- `xtest`: X11's XTEST extension through python-xlib (the default on Linux/X11; no extra package).
- `pynput`: pynput's Controller (the default on Windows and macOS).
- `pyautogui`: pyautogui (optional: `pip install 'gesturectl[pyautogui]'`).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable

from gesturectl.actions.keys import resolve_mod
from gesturectl.errors import ActionError, first_line

log = logging.getLogger(__name__)


class KeyboardBackend(ABC):
    """Presses and releases keys by name (names from `actions/keys.py`, `mod` already resolved).

    The one owner of "which keys are down": a key is recorded *before* it is pressed (an interruption
    between the press and the bookkeeping cannot hide it), every `send` releases what it pressed in a
    `finally`, and `release_all` (pause, reload, stop, every exit path) releases anything left. A key
    whose release failed stays recorded, so the next `release_all` tries it again.
    """

    name = "abstract"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._down: list[str] = []

    def send(self, keys: tuple[str, ...]) -> None:
        """Press the keys in order, then release them in reverse order, whatever happens."""
        keys = resolve_mod(keys)
        with self._lock:
            try:
                for k in keys:
                    self._down.append(k)
                    try:
                        self._press(k)
                    except Exception:  # the backend refused the key: it pressed nothing of it (see _press)
                        self._down.pop()
                        raise
            finally:
                self._release_down()

    def release_all(self) -> None:
        """Release anything still held (pause, reload and every exit path call this)."""
        with self._lock:
            self._release_down()

    def held(self) -> tuple[str, ...]:
        """The keys pressed and not yet released (empty between hotkeys)."""
        return tuple(self._down)

    def _release_down(self) -> None:
        errors, failed = [], []
        while self._down:
            k = self._down.pop()
            try:
                self._release(k)
            except Exception as e:  # keep releasing the others; try this one again next time
                failed.append(k)
                errors.append(f"{k}: {first_line(e)}")
        self._down[:0] = reversed(failed)
        if errors:
            raise ActionError(f"{self.name}: could not release {', '.join(errors)}")

    @abstractmethod
    def _press(self, key: str) -> None:
        """Press one key; when this raises an Exception, nothing of the key may be left pressed."""

    @abstractmethod
    def _release(self, key: str) -> None: ...


#: X keysym names of our key names (single printable characters not listed are their own keysym).
X_KEYSYMS: dict[str, str] = {
    "ctrl": "Control_L",
    "shift": "Shift_L",
    "alt": "Alt_L",
    "super": "Super_L",
    "cmd": "Super_L",
    "enter": "Return",
    "esc": "Escape",
    "tab": "Tab",
    "space": "space",
    "backspace": "BackSpace",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "Prior",
    "pagedown": "Next",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "printscreen": "Print",
    "capslock": "Caps_Lock",
    "volumeup": "XF86AudioRaiseVolume",
    "volumedown": "XF86AudioLowerVolume",
    "volumemute": "XF86AudioMute",
    "playpause": "XF86AudioPlay",
    "nexttrack": "XF86AudioNext",
    "prevtrack": "XF86AudioPrev",
    "`": "grave",
    "-": "minus",
    "=": "equal",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    ";": "semicolon",
    "'": "apostrophe",
    ",": "comma",
    ".": "period",
    "/": "slash",
    "+": "plus",
    **{f"f{i}": f"F{i}" for i in range(1, 25)},
}


class XTestKeyboard(KeyboardBackend):
    """X11 XTEST through python-xlib: the key's keycode in the user's own layout, Shift added when the
    symbol sits on the shifted level (e.g. `+`)."""

    name = "xtest"

    def __init__(self) -> None:
        super().__init__()
        if not os.environ.get("DISPLAY"):
            raise ActionError("DISPLAY is not set (no X11 session)")
        from Xlib import XK, X, display

        XK.load_keysym_group("xf86")
        self._X, self._XK = X, XK
        self._d = display.Display()
        if not self._d.has_extension("XTEST"):
            self._d.close()
            raise ActionError("the X server has no XTEST extension")
        self._shifted: set[str] = set()

    def _code(self, key: str) -> tuple[int, bool]:
        sym = self._XK.string_to_keysym(X_KEYSYMS.get(key, key))
        for code, index in self._d.keysym_to_keycodes(sym):
            if index in (0, 1):
                return code, index == 1
        raise ActionError(f"key {key!r} is not on this keyboard layout")

    def _fake(self, event: int, code: int) -> None:
        from Xlib.ext import xtest

        xtest.fake_input(self._d, event, code)
        self._d.sync()

    def _press(self, key: str) -> None:
        code, shift = self._code(key)
        shift_code = self._code("shift")[0] if shift else None
        if shift_code is not None:
            self._fake(self._X.KeyPress, shift_code)
            self._shifted.add(key)
        try:
            self._fake(self._X.KeyPress, code)
        except Exception:
            if shift_code is not None:
                self._shifted.discard(key)
                self._fake(self._X.KeyRelease, shift_code)
            raise

    def _release(self, key: str) -> None:
        code, _ = self._code(key)
        self._fake(self._X.KeyRelease, code)
        if key in self._shifted:
            self._shifted.discard(key)
            self._fake(self._X.KeyRelease, self._code("shift")[0])


_PYAUTOGUI_NAMES = {"cmd": "command", "super": "win", "prevtrack": "prevtrack"}


class PyAutoGuiKeyboard(KeyboardBackend):
    """pyautogui (XTEST on X11, SendInput on Windows, Quartz on macOS); its mouse-corner fail-safe is off,
    since gesturectl never moves the mouse and the fail-safe would leave modifiers pressed."""

    name = "pyautogui"

    def __init__(self) -> None:
        super().__init__()
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            raise ActionError("DISPLAY is not set: pyautogui needs an X11 session (Wayland-only sessions lack XTEST)")
        try:
            import pyautogui  # imported here: it opens the display on import
        except ImportError:
            raise ActionError("pyautogui is not installed (pip install 'gesturectl[pyautogui]')") from None

        # The mouse-corner fail-safe raises inside keyDown/keyUp: with a modifier already down, the
        # keyUp that should release it raises too and the modifier stays pressed. gesturectl never moves
        # the mouse, so the fail-safe protects nothing here; it is off while this backend exists.
        pyautogui.FAILSAFE = False
        self._gui = pyautogui

    def _press(self, key: str) -> None:
        self._gui.keyDown(_PYAUTOGUI_NAMES.get(key, key), _pause=False)

    def _release(self, key: str) -> None:
        self._gui.keyUp(_PYAUTOGUI_NAMES.get(key, key), _pause=False)


class PynputKeyboard(KeyboardBackend):
    """pynput's keyboard Controller (Windows, macOS; X11 on Linux with `pip install 'gesturectl[pynput]'`)."""

    name = "pynput"

    def __init__(self) -> None:
        super().__init__()
        try:
            from pynput.keyboard import Controller, Key
        except ImportError:
            raise ActionError("pynput is not installed (pip install 'gesturectl[pynput]')") from None

        self._kb = Controller()
        self._special = {
            "ctrl": Key.ctrl,
            "shift": Key.shift,
            "alt": Key.alt,
            "super": Key.cmd,
            "cmd": Key.cmd,
            "enter": Key.enter,
            "esc": Key.esc,
            "tab": Key.tab,
            "space": Key.space,
            "backspace": Key.backspace,
            "delete": Key.delete,
            "home": Key.home,
            "end": Key.end,
            "pageup": Key.page_up,
            "pagedown": Key.page_down,
            "up": Key.up,
            "down": Key.down,
            "left": Key.left,
            "right": Key.right,
            "capslock": Key.caps_lock,
            "volumeup": Key.media_volume_up,
            "volumedown": Key.media_volume_down,
            "volumemute": Key.media_volume_mute,
            "playpause": Key.media_play_pause,
            "nexttrack": Key.media_next,
            "prevtrack": Key.media_previous,
            **{f"f{i}": getattr(Key, f"f{i}") for i in range(1, 21)},
        }

    def _key(self, key: str):
        return self._special.get(key, key)

    def _press(self, key: str) -> None:
        self._kb.press(self._key(key))

    def _release(self, key: str) -> None:
        self._kb.release(self._key(key))


#: Every keyboard backend by its config name (`daemon.keyboard`).
BACKENDS: dict[str, Callable[[], KeyboardBackend]] = {
    "xtest": XTestKeyboard,
    "pynput": PynputKeyboard,
    "pyautogui": PyAutoGuiKeyboard,
}


def auto_order(platform: str = sys.platform) -> list[str]:
    """The backends `auto` tries, in order, on this platform."""
    return ["xtest", "pynput", "pyautogui"] if platform.startswith("linux") else ["pynput", "pyautogui"]


def select_keyboard(preference: str = "auto") -> KeyboardBackend:
    """The first keyboard backend that starts, or an error explaining each failure and the fix."""
    env = os.environ.get("GESTURECTL_KEYBOARD")
    choice = env or preference
    if choice != "auto" and choice not in BACKENDS:
        raise ActionError(f"unknown keyboard backend {choice!r}; valid: auto, {', '.join(BACKENDS)}")
    names = auto_order() if choice == "auto" else [choice]
    tried = []
    for name in names:
        try:
            kb = BACKENDS[name]()
            log.info("keyboard backend: %s", name)
            return kb
        except Exception as e:  # each backend fails in its own way (ImportError, Xlib errors, ...)
            tried.append(f"  {name}: {first_line(e)}")
    raise ActionError(
        "no keyboard backend works; tried:\n"
        + "\n".join(tried)
        + "\nfix: run inside an X11 session (or set DISPLAY), or set GESTURECTL_KEYBOARD to one of "
        f"{', '.join(BACKENDS)}; use --dry-run to run without one"
    )
