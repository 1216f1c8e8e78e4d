"""The /dev/uinput keyboard: the bytes it writes, and (where the kernel has uinput and we may use it) a real
round trip: the key is read back from the new /dev/input/event device."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest

from gesturectl.actions.uinput_keyboard import (
    DEVICE,
    EV_KEY,
    EV_SYN,
    UI_DEV_SETUP,
    UI_SET_EVBIT,
    key_events,
    setup_bytes,
    ui_get_sysname,
)
from gesturectl.errors import ActionError

EVENT = struct.Struct("@llHHi")


def test_ioctl_numbers_match_linux_uinput_h():
    assert UI_SET_EVBIT == 0x40045564
    assert UI_DEV_SETUP == 0x405C5503
    assert ui_get_sysname(64) == 0x8040552C


def test_a_key_change_is_an_ev_key_then_a_syn_report():
    data = key_events(34, True) + key_events(34, False)
    events = [EVENT.unpack_from(data, i) for i in range(0, len(data), EVENT.size)]
    assert [(e[2], e[3], e[4]) for e in events] == [(EV_KEY, 34, 1), (EV_SYN, 0, 0), (EV_KEY, 34, 0), (EV_SYN, 0, 0)]
    assert len(setup_bytes()) == 92 and b"gesturectl virtual keyboard" in setup_bytes()


def test_a_missing_device_is_named_with_the_fix(tmp_path):
    from gesturectl.actions.uinput_keyboard import UinputKeyboard

    with pytest.raises(ActionError, match="does not exist .*modprobe uinput"):
        UinputKeyboard(tmp_path / "uinput")


def test_a_real_key_reaches_the_kernel_as_the_layouts_keycode():
    from gesturectl.actions.uinput_keyboard import UinputKeyboard

    if not DEVICE.exists():
        pytest.skip("this kernel has no /dev/uinput (CI's does not): the uinput round trip cannot run here")
    if not os.access(DEVICE, os.W_OK):
        pytest.skip("no permission to use /dev/uinput (install the udev rule from docs/desktops.md)")
    kb = UinputKeyboard(settle_s=0.5)
    try:
        events = sorted(Path("/sys/devices/virtual/input", kb.sysname()).glob("event*"))
        if not events or not os.access(f"/dev/input/{events[0].name}", os.R_OK):
            pytest.skip("cannot read the new /dev/input/event device (needs the input group)")
        fd = os.open(f"/dev/input/{events[0].name}", os.O_RDONLY | os.O_NONBLOCK)
        try:
            kb.send(("g",))
            time.sleep(0.1)
            data = os.read(fd, EVENT.size * 64)
        finally:
            os.close(fd)
        keys = [EVENT.unpack_from(data, i)[2:] for i in range(0, len(data), EVENT.size)]
        assert (EV_KEY, 34, 1) in keys and (EV_KEY, 34, 0) in keys  # KEY_G on the us layout
    finally:
        kb.close()
