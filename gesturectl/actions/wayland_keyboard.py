"""Keystrokes on wlroots compositors (sway, Hyprland, river, labwc, Wayfire) through the
virtual-keyboard protocol (`zwp_virtual_keyboard_manager_v1`), spoken directly over the Wayland socket.

One virtual keyboard is created when the backend starts and lives as long as the daemon: a keyboard
that appears for each key and vanishes again reaches nothing (the seat has no keyboard when the app
looks). It carries the user's real keymap (compiled by libxkbcommon, see `actions/xkb.py`), so evdev
keycodes mean what they mean on the physical keyboard and shortcuts such as Ctrl+= reach apps as
Ctrl+=. After each key the `modifiers` event carries the resulting modifier state, and every press is
held `hold_s` before the next event: some compositors drop a press and release sent back to back.

GNOME (Mutter) and KDE (KWin) do not offer this protocol to ordinary clients; `select_keyboard` then
falls through to the next backend and says why.
"""

from __future__ import annotations

import logging
import os
import struct
import time

from gesturectl.actions.keyboard_base import KeycodeKeyboard
from gesturectl.actions.keys import KEYSYMS
from gesturectl.actions.wayland import WaylandConnection, encode_uint
from gesturectl.actions.xkb import Modifiers, XkbKeymap
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)

MANAGER = "zwp_virtual_keyboard_manager_v1"
_KEYMAP, _KEY, _MODIFIERS, _DESTROY = 0, 1, 2, 3  # zwp_virtual_keyboard_v1 requests
_XKB_V1 = 1  # wl_keyboard.keymap_format.xkb_v1
_PRESSED, _RELEASED = 1, 0


class WaylandVirtualKeyboard(KeycodeKeyboard):
    """A long-lived `zwp_virtual_keyboard_v1` with the user's keymap."""

    name = "wayland"

    def __init__(self, hold_s: float = 0.015, settle_s: float = 0.2) -> None:
        super().__init__()
        if not os.environ.get("WAYLAND_DISPLAY"):
            raise ActionError("WAYLAND_DISPLAY is not set (no Wayland session)")
        self.hold_s = hold_s
        self._conn = WaylandConnection()
        try:
            if self._conn.find(MANAGER) is None:
                raise ActionError(
                    f"this compositor does not offer {MANAGER} (wlroots compositors such as sway, Hyprland and "
                    "river do; GNOME and KDE do not)"
                )
            if self._conn.find("wl_seat") is None:
                raise ActionError("this compositor has no wl_seat")
            self._xkb = XkbKeymap()
            seat = self._conn.bind("wl_seat", 1)
            manager = self._conn.bind(MANAGER, 1)
            self._kb = self._conn.new_id()
            self._conn.request(manager, 0, encode_uint(seat) + encode_uint(self._kb))  # create_virtual_keyboard
            self._send_keymap(self._xkb.text)
            self._conn.roundtrip()  # a refused keyboard (unauthorized) or a bad keymap fails here, not later
        except Exception:
            self._conn.close()
            raise
        self._t0 = time.monotonic()
        # apps learn that the seat now has a keyboard and ask for it; a key sent before that is lost
        time.sleep(settle_s)

    def _send_keymap(self, text: str) -> None:
        data = text.encode() + b"\0"
        fd = os.memfd_create("gesturectl-keymap", os.MFD_CLOEXEC)
        try:
            os.write(fd, data)
            self._conn.request(self._kb, _KEYMAP, struct.pack("=II", _XKB_V1, len(data)), fds=(fd,))
        finally:
            os.close(fd)

    def _time_ms(self) -> int:
        return int((time.monotonic() - self._t0) * 1000) & 0xFFFFFFFF

    def _key(self, code: int, down: bool) -> None:
        self._conn.request(self._kb, _KEY, struct.pack("=III", self._time_ms(), code, _PRESSED if down else _RELEASED))
        m: Modifiers = self._xkb.update(code, down)
        self._conn.request(self._kb, _MODIFIERS, struct.pack("=IIII", m.depressed, m.latched, m.locked, m.group))
        self._conn.drain()  # keep the socket clear of events (and notice a dead compositor)
        time.sleep(self.hold_s)

    def _code(self, key: str) -> tuple[int, bool]:
        return self._xkb.keycode(KEYSYMS.get(key, key))

    def close(self) -> None:
        """Release every key, destroy the virtual keyboard and disconnect."""
        try:
            self.release_all()
        finally:
            self._disconnect()

    def _disconnect(self) -> None:
        try:
            self._conn.request(self._kb, _DESTROY)
        except ActionError:
            pass
        self._conn.close()
        self._xkb.close()
