"""Windows of the desktop: which application is in front, and asking an app's windows to close.

One `WindowSystem` per platform, each with two small OS hooks: `active()` -> (window classes,
pid) of the focused window, and `close_windows(pids)` -> how many windows were asked to close.
Linux/X11 uses EWMH through python-xlib (`_NET_ACTIVE_WINDOW`, `WM_CLASS`, `_NET_WM_PID`,
`_NET_CLOSE_WINDOW`; a window manager must be running). Wayland: sway and Hyprland
(`actions/wayland_windows.py`), KDE through a KWin script (`actions/kwin_windows.py`); GNOME does not
tell (it needs a Shell extension), and `select_window_system` says so.
Windows uses user32 through ctypes; macOS NSWorkspace (pyobjc, when installed) or `osascript`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

from gesturectl.actions.kwin_windows import KWinWindows
from gesturectl.actions.wayland_windows import HyprlandWindows, SwayWindows
from gesturectl.actions.window_base import ActiveWindow, WindowSystem
from gesturectl.actions.window_retry import RETRY_S, RetryingWindowSystem

__all__ = ["ActiveWindow", "WindowSystem", "select_window_system", "match_app", "foreground_reader"]

log = logging.getLogger(__name__)


class X11Windows(WindowSystem):
    """EWMH over python-xlib. Needs DISPLAY and a window manager (e.g. openbox under Xvfb)."""

    name = "x11"

    def __init__(self) -> None:
        if not os.environ.get("DISPLAY"):
            raise RuntimeError("DISPLAY is not set (no X11 session)")
        from Xlib import X, display

        self._X = X
        self._d = display.Display()
        self._root = self._d.screen().root
        self._atom = {
            n: self._d.intern_atom(n)
            for n in (
                "_NET_ACTIVE_WINDOW",
                "_NET_WM_PID",
                "_NET_CLIENT_LIST",
                "_NET_CLOSE_WINDOW",
                "_NET_SUPPORTING_WM_CHECK",
            )
        }
        if self._root.get_full_property(self._atom["_NET_SUPPORTING_WM_CHECK"], X.AnyPropertyType) is None:
            raise RuntimeError(
                "no EWMH window manager is running, so the focused window is unknown (start one, e.g. openbox)"
            )

    def _prop(self, win, name: str):
        p = win.get_full_property(self._atom[name], self._X.AnyPropertyType)
        return None if p is None else p.value

    def active(self) -> ActiveWindow | None:
        try:
            v = self._prop(self._root, "_NET_ACTIVE_WINDOW")
            if v is None or not len(v) or not v[0]:
                return None
            win = self._d.create_resource_object("window", int(v[0]))
            cls = win.get_wm_class() or ()
            pid = self._prop(win, "_NET_WM_PID")
            return ActiveWindow(tuple(c.lower() for c in cls), int(pid[0]) if pid is not None and len(pid) else None)
        except Exception as e:  # a window can vanish between two requests
            log.debug("active window: %s", e)
            return None

    def close_windows(self, pids: set[int]) -> int:
        from Xlib import protocol

        clients = self._prop(self._root, "_NET_CLIENT_LIST")
        n = 0
        for wid in clients if clients is not None else []:
            win = self._d.create_resource_object("window", int(wid))
            try:
                pid = self._prop(win, "_NET_WM_PID")
            except Exception:
                continue
            if pid is None or not len(pid) or int(pid[0]) not in pids:
                continue
            ev = protocol.event.ClientMessage(
                window=win, client_type=self._atom["_NET_CLOSE_WINDOW"], data=(32, [0, 2, 0, 0, 0])
            )
            mask = self._X.SubstructureRedirectMask | self._X.SubstructureNotifyMask
            self._root.send_event(ev, event_mask=mask)
            n += 1
        self._d.flush()
        return n


def x11_wm_name() -> str:
    """The EWMH window manager's name (_NET_WM_NAME of its check window), '' when none or no X11."""
    try:
        from Xlib import X, display

        d = display.Display()
        try:
            root = d.screen().root
            p = root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType)
            if p is None:
                return ""
            win = d.create_resource_object("window", int(p.value[0]))
            name = win.get_full_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"))
            return name.value.decode(errors="replace") if name is not None else "an EWMH window manager"
        finally:
            d.close()
    except Exception:
        return ""


class Win32Windows(WindowSystem):
    """user32 through ctypes: GetForegroundWindow, GetWindowThreadProcessId, WM_CLOSE."""

    name = "win32"

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ct, self._wt = ctypes, wintypes
        self._user32 = ctypes.windll.user32  # type: ignore[attr-defined]

    def _pid(self, hwnd) -> int:
        pid = self._wt.DWORD()
        self._user32.GetWindowThreadProcessId(hwnd, self._ct.byref(pid))
        return int(pid.value)

    def active(self) -> ActiveWindow | None:
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd:
            return None
        buf = self._ct.create_unicode_buffer(256)
        self._user32.GetClassNameW(hwnd, buf, 256)
        return ActiveWindow((buf.value.lower(),), self._pid(hwnd))

    def close_windows(self, pids: set[int]) -> int:
        found = []
        proc = self._ct.WINFUNCTYPE(self._wt.BOOL, self._wt.HWND, self._wt.LPARAM)  # type: ignore[attr-defined]

        def each(hwnd, _):
            if self._user32.IsWindowVisible(hwnd) and self._pid(hwnd) in pids:
                found.append(hwnd)
            return True

        self._user32.EnumWindows(proc(each), 0)
        for hwnd in found:
            self._user32.PostMessageW(hwnd, 0x0010, 0, 0)  # WM_CLOSE
        return len(found)


class MacWindows(WindowSystem):
    """The frontmost application on macOS: NSWorkspace (pyobjc's AppKit) when installed, else `osascript`
    (System Events; the first call asks for the Automation permission). Its classes are the app's name,
    the name with dashes (`Google Chrome` -> `google-chrome`, as the default config names it) and its
    bundle id."""

    name = "macos"
    _SCRIPT = (
        'tell application "System Events" to set p to first application process whose frontmost is true\n'
        'return (name of p) & "\\n" & (unix id of p) & "\\n" & (bundle identifier of p)'
    )

    def __init__(self) -> None:
        try:
            from AppKit import NSWorkspace  # type: ignore[import-not-found]

            self._ws = NSWorkspace.sharedWorkspace()
        except ImportError:
            self._ws = None
            if not shutil.which("osascript"):
                raise RuntimeError("neither pyobjc (AppKit) nor osascript is available") from None

    def active(self) -> ActiveWindow | None:
        try:
            if self._ws is not None:
                app = self._ws.frontmostApplication()
                name, pid, bundle = str(app.localizedName()), int(app.processIdentifier()), app.bundleIdentifier()
            else:
                out = subprocess.run(
                    ["osascript", "-e", self._SCRIPT], capture_output=True, text=True, timeout=2, check=True
                ).stdout.split("\n")
                name, pid, bundle = out[0], int(out[1]), out[2] if len(out) > 2 else None
        except Exception as e:  # no permission, no frontmost app, a vanished process
            log.debug("frontmost app: %s", e)
            return None
        return ActiveWindow(mac_classes(name, bundle), pid, name)

    def close_windows(self, pids: set[int]) -> int:
        """Ask each app to quit, as Cmd+Q would (NSRunningApplication.terminate; needs pyobjc). Without
        pyobjc nothing is asked here and the AppController terminates the processes instead."""
        if self._ws is None:
            return 0
        from AppKit import NSRunningApplication  # type: ignore[import-not-found]

        asked = 0
        for pid in sorted(pids):
            app = NSRunningApplication.runningApplicationWithProcessIdentifier_(int(pid))
            asked += bool(app is not None and app.terminate())
        return asked


def mac_classes(name: str, bundle: str | None) -> tuple[str, ...]:
    """A macOS app's names as window classes: `Google Chrome` -> google chrome, google-chrome, its bundle id."""
    n = name.strip().lower()
    out = [n, n.replace(" ", "-")] + ([bundle.strip().lower()] if bundle and bundle.strip() else [])
    return tuple(dict.fromkeys(c for c in out if c))


def wayland_candidates(env: dict[str, str] | None = None) -> tuple[list[type[WindowSystem]], str | None]:
    """The window systems a Wayland session may have, or why there is none."""
    env = dict(os.environ) if env is None else env
    if env.get("SWAYSOCK"):
        return [SwayWindows], None
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return [HyprlandWindows], None
    if "kde" in [d.strip().lower() for d in env.get("XDG_CURRENT_DESKTOP", "").split(":")]:
        return [KWinWindows], None
    desktop = env.get("XDG_CURRENT_DESKTOP", "") or "this compositor"
    hint = {
        "gnome": "GNOME tells only Shell extensions which window is in front, and gesturectl ships none yet",
    }.get(desktop.split(":")[-1].lower(), f"{desktop} has no interface gesturectl knows for the focused window")
    return [], (
        f"Wayland ({desktop}): {hint}; bindings with `when: {{app: ...}}` will not fire "
        "(sway, Hyprland and KDE are supported; see docs/desktops.md)"
    )


def select_window_system(retry: bool = False) -> tuple[WindowSystem, str | None]:
    """The platform's window system, or a do-nothing one and the reason (to show the user).

    `retry`: when the platform has a window system that cannot be reached yet (the compositor or X server still
    starting), return one that tries again every few seconds (the daemon) rather than giving up (doctor)."""
    candidates: list[type[WindowSystem]]
    if sys.platform == "win32":
        candidates = [Win32Windows]
    elif sys.platform == "darwin":
        candidates = [MacWindows]
    elif os.environ.get("WAYLAND_DISPLAY"):
        candidates, why = wayland_candidates()
        if not candidates and os.environ.get("DISPLAY"):
            try:  # XWayland's window manager (mutter, kwin) reports the X11 windows in front, and only those
                return X11Windows(), f"{(why or '').split(';')[0]}; only XWayland windows are recognised in front"
            except Exception as e:
                log.debug("XWayland windows: %s", e)
        if not candidates:
            return WindowSystem(), why
    else:
        candidates = [X11Windows]
    reasons = []
    for c in candidates:
        try:
            return c(), None
        except Exception as e:
            reasons.append(f"{c.name}: {e}")
    why = "cannot tell which window is in front (" + "; ".join(reasons) + "); bindings with `when: {app: ...}`"
    display = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY")
    if retry and display and sys.platform.startswith("linux"):  # a session that is there, not answering yet
        return RetryingWindowSystem(candidates), f"{why} will not fire until it can (tried again every {RETRY_S:g} s)"
    return WindowSystem(), f"{why} will not fire"


def match_app(apps, active: ActiveWindow | None, process_name: str | None = None) -> str | None:
    """Name of the configured app the active window belongs to (by window class, then process name)."""
    if active is None:
        return None
    for name, app in apps.items():
        classes = {c.lower() for c in app.window_classes}
        if classes & set(active.classes):
            return name
    if process_name is not None:
        for name, app in apps.items():
            if process_name in app.names():
                return name
    return None


def foreground_reader(apps, windows: WindowSystem):
    """A `() -> app name | None` for the dispatcher, reading the focused window on each call."""
    import psutil

    def read() -> str | None:
        active = windows.active()
        proc = None
        if active is not None and active.pid:
            try:
                proc = psutil.Process(active.pid).name()
            except psutil.Error:
                proc = None
        return match_app(apps, active, proc)

    return read
