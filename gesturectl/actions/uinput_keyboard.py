"""Keystrokes through the kernel: a virtual keyboard made with /dev/uinput (pure Python: ioctl + struct).

Works under any display server (GNOME and KDE on Wayland included), since the compositor reads it like
a plugged-in keyboard and applies the user's own layout to it. Keys are sent as evdev keycodes found
in that layout (libxkbcommon, `actions/xkb.py`). The device is created once and lives as long as the
daemon; each press is held `hold_s`.

/dev/uinput is usually root's. `UDEV_RULE` lets the user logged in at the seat use it (`uaccess`);
`doctor` prints `INSTALL_RULE`, the commands that install it.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from pathlib import Path

from gesturectl.actions.keyboard_base import KeycodeKeyboard
from gesturectl.actions.keys import KEYSYMS
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)

DEVICE = Path("/dev/uinput")
DEVICE_NAME = b"gesturectl virtual keyboard"
UDEV_RULE = 'KERNEL=="uinput", SUBSYSTEM=="misc", TAG+="uaccess", OPTIONS+="static_node=uinput"'
INSTALL_RULE = (
    f"echo '{UDEV_RULE}' | sudo tee /etc/udev/rules.d/60-gesturectl-uinput.rules && sudo modprobe uinput && "
    "sudo udevadm control --reload && sudo udevadm trigger --name-match=uinput"
)

EV_SYN, EV_KEY, SYN_REPORT = 0, 1, 0
BUS_VIRTUAL = 0x06
_EVENT = struct.Struct("@llHHi")  # struct input_event: timeval (native longs), type, code, value
_SETUP = struct.Struct("=HHHH80sI")  # struct uinput_setup: input_id, name, ff_effects_max


def _ioc(direction: int, nr: int, size: int) -> int:
    return (direction << 30) | (size << 16) | (ord("U") << 8) | nr


UI_DEV_CREATE = _ioc(0, 1, 0)
UI_DEV_DESTROY = _ioc(0, 2, 0)
UI_DEV_SETUP = _ioc(1, 3, _SETUP.size)
UI_SET_EVBIT = _ioc(1, 100, 4)
UI_SET_KEYBIT = _ioc(1, 101, 4)


def ui_get_sysname(length: int = 64) -> int:
    return _ioc(2, 44, length)


def key_events(code: int, down: bool) -> bytes:
    """The bytes of one key change and the report that ends it."""
    return _EVENT.pack(0, 0, EV_KEY, code, 1 if down else 0) + _EVENT.pack(0, 0, EV_SYN, SYN_REPORT, 0)


def setup_bytes() -> bytes:
    return _SETUP.pack(BUS_VIRTUAL, 0x1209, 0x6763, 1, DEVICE_NAME, 0)


class UinputKeyboard(KeycodeKeyboard):
    """A kernel virtual keyboard; keys in the user's layout."""

    name = "uinput"

    def __init__(self, device: Path = DEVICE, hold_s: float = 0.015, settle_s: float = 0.3) -> None:
        super().__init__()
        import fcntl

        from gesturectl.actions.xkb import XkbKeymap

        if not device.exists():
            raise ActionError(f"{device} does not exist (this kernel has no uinput; try `sudo modprobe uinput`)")
        try:
            self._fd = os.open(device, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except PermissionError:
            raise ActionError(f"no permission to open {device}; install the udev rule: {INSTALL_RULE}") from None
        try:
            fcntl.ioctl(self._fd, UI_SET_EVBIT, EV_KEY)
            for code in range(1, 256):
                fcntl.ioctl(self._fd, UI_SET_KEYBIT, code)
            fcntl.ioctl(self._fd, UI_DEV_SETUP, setup_bytes())
            fcntl.ioctl(self._fd, UI_DEV_CREATE)
            self._xkb = XkbKeymap()
        except Exception:
            os.close(self._fd)
            raise
        self.hold_s = hold_s
        time.sleep(settle_s)  # the compositor (libinput) adds the new keyboard before the first key

    def sysname(self) -> str:
        """The device's name under /sys/devices/virtual/input (e.g. `input12`)."""
        import fcntl

        buf = fcntl.ioctl(self._fd, ui_get_sysname(), b"\0" * 64)
        return buf.split(b"\0", 1)[0].decode()

    def _key(self, code: int, down: bool) -> None:
        os.write(self._fd, key_events(code, down))
        time.sleep(self.hold_s)

    def _code(self, key: str) -> tuple[int, bool]:
        return self._xkb.keycode(KEYSYMS.get(key, key))

    def close(self) -> None:
        """Release every key and remove the device."""
        import fcntl

        try:
            self.release_all()
        finally:
            try:
                fcntl.ioctl(self._fd, UI_DEV_DESTROY)
            finally:
                os.close(self._fd)
                self._xkb.close()
