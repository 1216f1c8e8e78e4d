"""The global pause hotkey and auto-pause while the user types or uses the mouse.

Both are comforts: when they cannot run here (Wayland, no permission), the daemon says why and runs
without them. gesturectl's own keystrokes never count as the user's input.

- X11 (python-xlib): the hotkey is an `XGrabKey` on the root window (with and without Caps Lock /
  Num Lock), served by a small thread; "busy" is read on demand from the MIT-SCREEN-SAVER idle
  counter, so auto-pause costs nothing between gestures.
- Windows and macOS (pynput): `GlobalHotKeys` and keyboard/mouse listeners.
"""

from __future__ import annotations

import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol

from gesturectl.actions.keys import MODIFIERS, resolve_mod
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)


class InputWatch(Protocol):
    """The pause hotkey and the user's recent input."""

    def busy(self) -> bool:
        """The user typed or used the mouse within the auto-pause time (own keystrokes excluded)."""
        ...

    def start(self, on_hotkey: Callable[[], object]) -> None: ...

    def stop(self) -> None: ...


def split_hotkey(keys: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """(modifiers, the one other key) of a hotkey, or ActionError."""
    keys = resolve_mod(keys)
    mods = tuple(k for k in keys if k in MODIFIERS)
    rest = [k for k in keys if k not in MODIFIERS]
    if len(rest) != 1:
        raise ActionError(f"daemon.pause_hotkey needs exactly one key besides the modifiers, got {list(keys)}")
    return mods, rest[0]


class X11InputWatch:
    """XGrabKey for the hotkey, the X server's idle counter for auto-pause."""

    def __init__(self, hotkey: tuple[str, ...], auto_pause_s: float, own_input_until: Callable[[], float]) -> None:
        if not os.environ.get("DISPLAY"):
            raise ActionError("DISPLAY is not set (no X11 session)")
        from Xlib import display

        self._auto_pause_s = auto_pause_s
        self._own_until = own_input_until
        self._idle_display = None
        if auto_pause_s > 0:
            self._idle_display = display.Display()
            if not self._idle_display.has_extension("MIT-SCREEN-SAVER"):
                raise ActionError("the X server has no MIT-SCREEN-SAVER extension (needed for auto-pause)")
        self._hotkey = split_hotkey(hotkey) if hotkey else None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._grab = self._grab_hotkey() if self._hotkey else None

    def _grab_hotkey(self):
        from Xlib import XK, X, display, error

        from gesturectl.actions.keyboard import X_KEYSYMS

        mods, key = self._hotkey  # type: ignore[misc]
        masks = {"ctrl": X.ControlMask, "shift": X.ShiftMask, "alt": X.Mod1Mask, "super": X.Mod4Mask, "cmd": X.Mod4Mask}
        d = display.Display()
        root = d.screen().root
        code = d.keysym_to_keycode(XK.string_to_keysym(X_KEYSYMS.get(key, key)))
        if not code:
            raise ActionError(f"pause hotkey: key {key!r} is not on this keyboard layout")
        mask = 0
        for m in mods:
            mask |= masks[m]
        failed: list[error.XError] = []
        for extra in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):  # Caps Lock, Num Lock on or off
            root.grab_key(
                code, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=lambda err, *_: failed.append(err)
            )
        d.sync()
        if failed:
            d.close()
            raise ActionError(
                f"pause hotkey {'+'.join(mods + (key,))} is taken by another program; "
                "choose another in daemon.pause_hotkey"
            )
        return d, code

    def busy(self) -> bool:
        if self._idle_display is None:
            return False
        from Xlib.ext import screensaver

        idle_s = screensaver.query_info(self._idle_display.screen().root).idle / 1000.0
        last_input = time.monotonic() - idle_s
        return idle_s < self._auto_pause_s and last_input > self._own_until()

    def start(self, on_hotkey: Callable[[], object]) -> None:
        if self._grab is None:
            return
        self._thread = threading.Thread(target=self._serve, args=(on_hotkey,), name="gesturectl-hotkey", daemon=True)
        self._thread.start()

    def _serve(self, on_hotkey: Callable[[], object]) -> None:
        from Xlib import X

        d, code = self._grab
        while not self._stop.is_set():
            readable, _, _ = select.select([d.fileno()], [], [], 0.2)
            if not readable and not d.pending_events():
                continue
            while d.pending_events():
                ev = d.next_event()
                if ev.type == X.KeyPress and ev.detail == code:
                    try:
                        on_hotkey()
                    except Exception:  # the hotkey must keep working after one failure
                        log.exception("pause hotkey")
        d.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        elif self._grab is not None:
            self._grab[0].close()
        if self._idle_display is not None:
            self._idle_display.close()


_PYNPUT_MOD = {"ctrl": "<ctrl>", "alt": "<alt>", "shift": "<shift>", "cmd": "<cmd>", "super": "<cmd>"}


def hotkey_string(keys: tuple[str, ...]) -> str:
    """pynput's GlobalHotKeys notation for a key list: [ctrl, alt, g] -> '<ctrl>+<alt>+g'."""
    return "+".join(_PYNPUT_MOD.get(k, k if len(k) == 1 else f"<{k}>") for k in resolve_mod(keys))


class PynputInputWatch:
    """pynput's listeners (Windows, macOS)."""

    def __init__(self, hotkey: tuple[str, ...], auto_pause_s: float, own_input_until: Callable[[], float]) -> None:
        try:
            from pynput import keyboard, mouse
        except ImportError:
            raise ActionError("pynput is not installed (pip install 'gesturectl[pynput]')") from None
        self._kb, self._mouse = keyboard, mouse
        self._hotkey = hotkey
        self._auto_pause_s = auto_pause_s
        self._own_until = own_input_until
        self._busy_until = 0.0
        self._listeners: list = []

    def _touched(self, *args) -> None:
        now = time.monotonic()
        if now > self._own_until():
            self._busy_until = now + self._auto_pause_s

    def busy(self) -> bool:
        return time.monotonic() < self._busy_until

    def start(self, on_hotkey: Callable[[], object]) -> None:
        if self._hotkey:
            self._listeners.append(self._kb.GlobalHotKeys({hotkey_string(self._hotkey): on_hotkey}))
        if self._auto_pause_s > 0:
            self._listeners.append(self._kb.Listener(on_press=self._touched))
            self._listeners.append(
                self._mouse.Listener(on_move=self._touched, on_click=self._touched, on_scroll=self._touched)
            )
        for lst in self._listeners:
            lst.daemon = True
            lst.start()

    def stop(self) -> None:
        for lst in self._listeners:
            lst.stop()


def select_input_watch(
    hotkey: tuple[str, ...], auto_pause_s: float, own_input_until: Callable[[], float]
) -> InputWatch:
    """The listener for this desktop: X11 through python-xlib on Linux, pynput elsewhere."""
    if sys.platform.startswith("linux"):
        if not os.environ.get("DISPLAY"):
            raise ActionError(
                "no X11 display (on Wayland, bind the pause hotkey in your compositor to `gesturectl pause`/`resume`)"
            )
        return X11InputWatch(hotkey, auto_pause_s, own_input_until)
    return PynputInputWatch(hotkey, auto_pause_s, own_input_until)
