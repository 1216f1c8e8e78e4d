"""Keyboard backends: send a hotkey, every press released in a `finally`.

Shared logic lives in `KeyboardBackend.send`; each backend implements only `_press`/`_release`
(the one place that touches the OS). `select_keyboard` tries the backends in order and, when
none works, raises an error listing what was tried, why each failed and what to do.

- `wayland`: a virtual keyboard with the user's keymap on wlroots compositors (sway, Hyprland, river);
  see `actions/wayland_keyboard.py`.
- `portal`: the RemoteDesktop portal on GNOME and KDE under Wayland (asks the user once, keeps the grant);
  see `actions/portal_keyboard.py`.
- `uinput`: a kernel virtual keyboard (/dev/uinput), any display server incl. GNOME/KDE Wayland; needs a
  udev rule (see `actions/uinput_keyboard.py`).
- `xtest`: X11's XTEST extension through python-xlib (the default on Linux/X11; no extra package).
- `pynput`: pynput's Controller (the default on Windows and macOS).
- `pyautogui`: pyautogui (optional: `pip install 'gesturectl[pyautogui]'`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from gesturectl.actions.keyboard_base import KeyboardBackend, KeycodeKeyboard
from gesturectl.actions.keys import KEYSYMS
from gesturectl.actions.portal_keyboard import PortalKeyboard
from gesturectl.actions.uinput_keyboard import UinputKeyboard
from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard
from gesturectl.errors import ActionError, first_line

log = logging.getLogger(__name__)


#: X keysym names of our key names (the table lives in keys.py; XKB uses the same names).
X_KEYSYMS = KEYSYMS


class XTestKeyboard(KeycodeKeyboard):
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

    def _code(self, key: str) -> tuple[int, bool]:
        sym = self._XK.string_to_keysym(X_KEYSYMS.get(key, key))
        for code, index in self._d.keysym_to_keycodes(sym):
            if index in (0, 1):
                return code, index == 1
        raise ActionError(f"key {key!r} is not on this keyboard layout")

    def _key(self, code: int, down: bool) -> None:
        from Xlib.ext import xtest

        xtest.fake_input(self._d, self._X.KeyPress if down else self._X.KeyRelease, code)
        self._d.sync()


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
    "wayland": WaylandVirtualKeyboard,
    "portal": PortalKeyboard,
    "uinput": UinputKeyboard,
    "xtest": XTestKeyboard,
    "pynput": PynputKeyboard,
    "pyautogui": PyAutoGuiKeyboard,
}


def session_type(env: Mapping[str, str] | None = None) -> str:
    """`wayland`, `x11` or `none`: which display server this process talks to."""
    env = os.environ if env is None else env
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "x11" if env.get("DISPLAY") else "none"


#: XDG_CURRENT_DESKTOP names whose compositor sends keys through the RemoteDesktop portal.
PORTAL_DESKTOPS = {"gnome": "GNOME", "kde": "KDE"}


def portal_desktop(env: Mapping[str, str] | None = None) -> str:
    """`GNOME` or `KDE` when XDG_CURRENT_DESKTOP names one (a colon-separated list), else ''."""
    env = os.environ if env is None else env
    names = [n.strip().lower() for n in env.get("XDG_CURRENT_DESKTOP", "").split(":")]
    return next((PORTAL_DESKTOPS[n] for n in names if n in PORTAL_DESKTOPS), "")


def auto_order(platform: str = sys.platform, env: Mapping[str, str] | None = None) -> tuple[list[str], str]:
    """The backends `auto` tries, in order, on this platform, and why that order."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return ["pynput", "pyautogui"], f"{platform}: pynput first"
    if session_type(env) == "wayland":
        desktop = portal_desktop(env)
        if desktop:
            why = (
                f"a {desktop} Wayland session (XDG_CURRENT_DESKTOP={env.get('XDG_CURRENT_DESKTOP')}): "
                "the RemoteDesktop portal first; it offers no virtual keyboard, and XTEST would reach only XWayland"
            )
            return ["portal", "uinput", "wayland", "xtest", "pynput", "pyautogui"], why
        why = "a Wayland session (WAYLAND_DISPLAY is set): the virtual keyboard first; XTEST would reach only XWayland"
        return ["wayland", "uinput", "portal", "xtest", "pynput", "pyautogui"], why
    why = "an X11 session (DISPLAY set, no WAYLAND_DISPLAY): XTEST first"
    return ["xtest", "pynput", "pyautogui", "wayland", "uinput"], why


def select_keyboard(preference: str = "auto") -> KeyboardBackend:
    """The first keyboard backend that starts, or an error explaining each failure and the fix.

    The choice is logged with the reason (session type, and why earlier candidates failed)."""
    env = os.environ.get("GESTURECTL_KEYBOARD")
    choice = env or preference
    if choice != "auto" and choice not in BACKENDS:
        raise ActionError(f"unknown keyboard backend {choice!r}; valid: auto, {', '.join(BACKENDS)}")
    if choice == "auto":
        names, why = auto_order()
    else:
        names, why = [choice], ("GESTURECTL_KEYBOARD" if env else "daemon.keyboard") + f" is {choice!r}"
    tried = []
    for name in names:
        try:
            kb = BACKENDS[name]()
        except Exception as e:  # each backend fails in its own way (ImportError, Xlib errors, ...)
            tried.append(f"  {name}: {first_line(e)}")
            continue
        failed = f"; not {', '.join(t.strip() for t in tried)}" if tried else ""
        log.info("keyboard backend: %s (%s%s)", name, why, failed)
        kb.chosen_because = why + failed
        if name == "xtest" and session_type() == "wayland":
            log.warning("keystrokes go through XWayland: only X11 (XWayland) windows will receive them")
        return kb
    raise ActionError("no keyboard backend works; tried:\n" + "\n".join(tried) + "\nfix: " + keyboard_fix())


def keyboard_fix(env: Mapping[str, str] | None = None) -> str:
    """What to do when no keyboard backend works, for this desktop (`doctor` shows it as the fix)."""
    desktop = portal_desktop(env)
    rest = f"or set GESTURECTL_KEYBOARD to one of {', '.join(BACKENDS)}; use --dry-run to run without one"
    if desktop and session_type(env) == "wayland":
        backend = "xdg-desktop-portal-gnome" if desktop == "GNOME" else "xdg-desktop-portal-kde"
        return (
            f"on {desktop} Wayland, start gesturectl again and allow it when the desktop asks (GNOME: switch "
            f"'Allow remote interaction' on, then Share); if the portal line says there is no portal, "
            f"install xdg-desktop-portal and {backend}; or allow /dev/uinput (the uinput line says how; "
            f"docs/desktops.md); {rest}"
        )
    return (
        "on X11 set DISPLAY; on sway/Hyprland/river check WAYLAND_DISPLAY and XDG_RUNTIME_DIR; on GNOME and KDE "
        f"Wayland allow gesturectl in the remote-desktop dialog, or allow /dev/uinput (docs/desktops.md); {rest}"
    )
