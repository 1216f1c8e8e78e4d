"""A real keystroke round trip for `gesturectl doctor`: open a small window of our own, give it the focus,
send a key through the keyboard backend the daemon would use, and see whether the window receives it.

While the probe window is in front, the window system is asked which window that is, which checks
focused-app detection too (it should name our own process).

- X11: a python-xlib window (WM_CLASS `gesturectl-doctor`, _NET_WM_PID ours), focused through EWMH.
- Wayland: an xdg-shell toplevel (app_id `gesturectl-doctor`) with a shared-memory buffer, spoken over
  the wire like the virtual keyboard (`actions/wayland.py`); the key must reach its `wl_keyboard`.
- Windows, macOS: a Tk window, when tkinter is there.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.actions.keyboard import session_type
from gesturectl.actions.keyboard_base import KeyboardBackend
from gesturectl.actions.wayland import WaylandConnection, encode_string, encode_uint
from gesturectl.actions.window_base import ActiveWindow, WindowSystem

log = logging.getLogger(__name__)

APP_ID = "gesturectl-doctor"
PROBE_KEY = "g"


@dataclass(frozen=True)
class ProbeResult:
    """Whether the key arrived, what happened, and what the window system saw in front meanwhile."""

    ok: bool
    detail: str
    focused: ActiveWindow | None = None


def probe_keys(keyboard: KeyboardBackend, windows: WindowSystem, timeout_s: float = 3.0) -> ProbeResult:
    """Open the probe window this session supports, send `g`, and report."""
    import sys

    try:
        if sys.platform.startswith("linux"):
            kind = session_type()
            if kind == "wayland":
                return _wayland_probe(keyboard, windows, timeout_s)
            if kind == "x11":
                return _x11_probe(keyboard, windows, timeout_s)
            return ProbeResult(False, "no display server (neither WAYLAND_DISPLAY nor DISPLAY is set)")
        return _tk_probe(keyboard, windows, timeout_s)
    except Exception as e:  # the probe must report, never crash doctor
        log.debug("key probe", exc_info=True)
        return ProbeResult(False, f"the probe window failed: {e}")


def _focused_while(windows: WindowSystem, settle_s: float = 1.5) -> ActiveWindow | None:
    """What the window system says is in front, given up to `settle_s` to catch up with the focus change."""
    end = time.monotonic() + settle_s
    seen = None
    while True:
        try:
            seen = windows.active()
        except Exception:
            seen = None
        ours = seen is not None and (seen.pid == os.getpid() or APP_ID in seen.classes)
        if ours or time.monotonic() >= end:
            return seen
        time.sleep(0.05)


def _x11_probe(keyboard: KeyboardBackend, windows: WindowSystem, timeout_s: float) -> ProbeResult:
    from Xlib import XK, X, Xatom, display, protocol

    d = display.Display()
    try:
        screen = d.screen()
        mask = X.KeyPressMask | X.StructureNotifyMask | X.FocusChangeMask | X.ExposureMask
        win = screen.root.create_window(
            10, 10, 240, 60, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
            background_pixel=screen.white_pixel, event_mask=mask,
        )  # fmt: skip
        win.set_wm_name("gesturectl doctor")
        win.set_wm_class(APP_ID, APP_ID)
        win.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()])
        win.map()
        d.sync()
        seen: dict[str, bool] = {}

        def pump() -> None:
            while d.pending_events():  # reads what the server sent, without blocking
                ev = d.next_event()
                if ev.type == X.MapNotify:
                    seen["mapped"] = True
                elif ev.type == X.FocusIn:
                    seen["focus"] = True
                elif ev.type == X.KeyPress and d.keycode_to_keysym(ev.detail, 0) == XK.string_to_keysym(PROBE_KEY):
                    seen["key"] = True

        _wait(pump, lambda: seen.get("mapped", False), timeout_s)
        active = d.intern_atom("_NET_ACTIVE_WINDOW")
        ev = protocol.event.ClientMessage(window=win, client_type=active, data=(32, [2, X.CurrentTime, 0, 0, 0]))
        screen.root.send_event(ev, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        win.set_input_focus(X.RevertToParent, X.CurrentTime)
        d.sync()
        if not _wait(pump, lambda: seen.get("focus", False), timeout_s):
            return ProbeResult(False, "the probe window never got the keyboard focus")
        focused = _focused_while(windows)
        keyboard.send((PROBE_KEY,))
        ok = _wait(pump, lambda: seen.get("key", False), timeout_s)
        win.destroy()
        d.sync()
        return _result(ok, keyboard, focused)
    finally:
        d.close()


def _wait(pump: Callable[[], None], done: Callable[[], bool], timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        pump()
        if done():
            return True
        time.sleep(0.01)
    return done()


def _result(ok: bool, keyboard: KeyboardBackend, focused: ActiveWindow | None) -> ProbeResult:
    if ok:
        return ProbeResult(True, f"a key sent through {keyboard.name} reached a window of ours", focused)
    return ProbeResult(False, f"a key sent through {keyboard.name} did not reach the focused window", focused)


class _WaylandWindow:
    """A 240x60 xdg-shell toplevel with a white shm buffer and a wl_keyboard that records keys."""

    W, H = 240, 60

    def __init__(self, conn: WaylandConnection) -> None:
        self.c = c = conn
        for iface in ("wl_compositor", "wl_shm", "xdg_wm_base", "wl_seat"):
            if c.find(iface) is None:
                raise RuntimeError(f"the compositor does not offer {iface}")
        self.focused = False
        self.keys: list[int] = []
        self.configured: int | None = None
        compositor, self.shm, self.wm = c.bind("wl_compositor", 4), c.bind("wl_shm", 1), c.bind("xdg_wm_base", 1)
        seat = c.bind("wl_seat", 1)
        c.on(self.wm, self._wm_event)
        self.surface = c.new_id()
        c.request(compositor, 0, encode_uint(self.surface))  # create_surface
        self.xdg = c.new_id()
        c.request(self.wm, 2, encode_uint(self.xdg) + encode_uint(self.surface))  # get_xdg_surface
        c.on(self.xdg, self._xdg_event)
        self.top = c.new_id()
        c.request(self.xdg, 1, encode_uint(self.top))  # get_toplevel
        c.request(self.top, 2, encode_string("gesturectl doctor"))  # set_title
        c.request(self.top, 3, encode_string(APP_ID))  # set_app_id
        self.kb = c.new_id()
        c.request(seat, 1, encode_uint(self.kb))  # get_keyboard
        c.on(self.kb, self._kb_event)
        c.request(self.surface, 6)  # commit (no buffer: asks for the first configure)

    def _wm_event(self, opcode: int, body: bytes) -> None:
        if opcode == 0:  # ping -> pong
            self.c.request(self.wm, 3, body[:4])

    def _xdg_event(self, opcode: int, body: bytes) -> None:
        if opcode == 0:  # configure(serial)
            (self.configured,) = struct.unpack("=I", body[:4])

    def _kb_event(self, opcode: int, body: bytes) -> None:
        if opcode == 0:  # keymap(format, fd, size): the fd came beside the bytes; we do not need it
            while self.c.fds:
                os.close(self.c.fds.pop())
        elif opcode == 1:  # enter(serial, surface, keys)
            self.focused = struct.unpack_from("=I", body, 4)[0] == self.surface
        elif opcode == 2:  # leave
            self.focused = False
        elif opcode == 3:  # key(serial, time, key, state)
            _, _, key, state = struct.unpack("=IIII", body[:16])
            if state == 1:
                self.keys.append(key)

    def show(self, timeout_s: float) -> bool:
        """Map the window (ack the configure, attach a buffer); whether it got the keyboard focus."""
        if not self.c.dispatch_until(lambda: self.configured is not None, timeout_s):
            return False
        c, w, h = self.c, self.W, self.H
        c.request(self.xdg, 4, encode_uint(self.configured or 0))  # ack_configure
        fd = os.memfd_create("gesturectl-probe", os.MFD_CLOEXEC)
        try:
            os.write(fd, b"\xff" * (w * h * 4))
            pool, buf = c.new_id(), c.new_id()
            c.request(self.shm, 0, encode_uint(pool) + struct.pack("=i", w * h * 4), fds=(fd,))  # create_pool
            c.request(pool, 0, encode_uint(buf) + struct.pack("=iiiiI", 0, w, h, w * 4, 1))  # XRGB8888
        finally:
            os.close(fd)
        c.request(self.surface, 1, encode_uint(buf) + struct.pack("=ii", 0, 0))  # attach
        c.request(self.surface, 2, struct.pack("=iiii", 0, 0, w, h))  # damage
        c.request(self.surface, 6)  # commit
        return c.dispatch_until(lambda: self.focused, timeout_s)


def _wayland_probe(keyboard: KeyboardBackend, windows: WindowSystem, timeout_s: float) -> ProbeResult:
    from gesturectl.actions.xkb import XkbKeymap

    conn = WaylandConnection()
    try:
        win = _WaylandWindow(conn)
        # Mutter tells a window it has the keyboard only when a key comes (a headless seat's keyboard is a
        # remote-desktop one), so a window that was shown but not told is still tried with the key
        has_focus = win.show(timeout_s)
        if not has_focus and win.configured is None:
            return ProbeResult(False, "the probe window was never shown (the compositor did not configure it)")
        focused = _focused_while(windows)
        keymap = XkbKeymap()
        expected = keymap.keycode(PROBE_KEY)[0]
        keymap.close()
        keyboard.send((PROBE_KEY,))
        ok = conn.dispatch_until(lambda: expected in win.keys, timeout_s)
        if not ok and not win.focused:
            no_focus = "the probe window never got the keyboard focus (is a keyboard attached?)"
            return ProbeResult(False, no_focus, focused)
        return _result(ok, keyboard, focused)
    finally:
        conn.close()


def _tk_probe(keyboard: KeyboardBackend, windows: WindowSystem, timeout_s: float) -> ProbeResult:
    try:
        import tkinter
    except ImportError:
        return ProbeResult(False, "not checked: tkinter is not installed, so no probe window can be opened")
    root = tkinter.Tk()
    try:
        root.title("gesturectl doctor")
        root.geometry("240x60+10+10")
        got: list[str] = []
        root.bind("<Key>", lambda e: got.append(e.keysym.lower()))
        root.lift()
        root.attributes("-topmost", True)
        root.focus_force()
        _wait(root.update, lambda: root.focus_get() is not None, timeout_s)
        focused = _focused_while(windows)
        keyboard.send((PROBE_KEY,))
        ok = _wait(root.update, lambda: PROBE_KEY in got, timeout_s)
        return _result(ok, keyboard, focused)
    finally:
        root.destroy()
