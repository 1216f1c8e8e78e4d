"""The focused window on KDE Plasma under Wayland: a small KWin script that reports it to us over D-Bus.

KWin tells ordinary Wayland clients nothing about other windows, but it runs JavaScript handed to it over
D-Bus (`org.kde.KWin /Scripting loadScript(path, name)`, then `start`). Our script listens to
`workspace.windowActivated` (KWin 6; `clientActivated` in KWin 5), and on every change calls back with
`callDBus` to a method on our own connection (its unique bus name, so nothing needs to be owned):
`active(resourceClass, resourceName, desktopFileName, pid)`. `active()` reads what has arrived. The
script file lives in our private runtime folder until the script has called back. Closing
an app's windows is a one-shot script that calls `closeWindow()` on the windows of those pids and
reports how many it asked.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from gesturectl.actions.window_base import ActiveWindow, WindowSystem

log = logging.getLogger(__name__)

KWIN = "org.kde.KWin"
OUR_PATH = "/io/github/gesturectl/KWin"
OUR_IFACE = "io.github.gesturectl.KWin"

_PRELUDE = """
var ws = workspace;
function windows() { return ws.windowList !== undefined ? ws.windowList() : ws.clientList(); }
function call(method) {
  var args = [%(bus)s, %(path)s, %(iface)s, method].concat(Array.prototype.slice.call(arguments, 1));
  callDBus.apply(null, args);
}
"""

FOCUS_SCRIPT = """
function report() {
  var w = ws.activeWindow !== undefined ? ws.activeWindow : ws.activeClient;
  if (!w) { call("active", "", "", "", 0); return; }
  call("active", String(w.resourceClass || ""), String(w.resourceName || ""), String(w.desktopFileName || ""),
       Number(w.pid) || 0);
}
(ws.windowActivated !== undefined ? ws.windowActivated : ws.clientActivated).connect(report);
report();
"""

CLOSE_SCRIPT = """
var pids = %(pids)s, asked = 0, all = windows();
for (var i = 0; i < all.length; i++) {
  if (pids.indexOf(Number(all[i].pid)) >= 0 && all[i].closeable) { all[i].closeWindow(); asked++; }
}
call("closed", asked);
"""


def script_text(body: str, bus_name: str, **values) -> str:
    """A script calling back `bus_name`, with `values` filled in as JSON (so no value can break the code)."""
    names = {"bus": json.dumps(bus_name), "path": json.dumps(OUR_PATH), "iface": json.dumps(OUR_IFACE)}
    return _PRELUDE % names + body % {k: json.dumps(v) for k, v in values.items()}


def window_from_report(body: tuple) -> ActiveWindow | None:
    """The ActiveWindow of one `active(...)` call (None when nothing is in front)."""
    resource_class, resource_name, desktop_file, pid = (list(body) + ["", "", "", 0])[:4]
    names = (str(resource_class), str(resource_name), str(desktop_file))
    classes = tuple(dict.fromkeys(n.lower() for n in names if n))
    if not classes and not pid:
        return None
    return ActiveWindow(classes, int(pid) or None)


class KWinWindows(WindowSystem):
    """KWin (KDE Plasma on Wayland) through a script of ours loaded over D-Bus."""

    name = "kwin"

    def __init__(self, script_dir: Path | None = None, bus: str = "SESSION", timeout_s: float = 5.0) -> None:
        try:
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            raise RuntimeError("jeepney is not installed (pip install jeepney)") from None
        if script_dir is None:
            from gesturectl.paths import runtime_dir

            script_dir = runtime_dir()
        from collections import deque

        from jeepney import MatchRule

        self._conn = open_dbus_connection(bus)
        # calls from our scripts can arrive while we wait for a reply from KWin: queue them, never drop them
        self._calls: deque = deque()
        self._conn.filter(MatchRule(type="method_call", path=OUR_PATH), queue=self._calls)
        self._lock = threading.Lock()
        self._active: ActiveWindow | None = None
        self._closed: list[int] = []
        self._timeout_s = timeout_s
        self._plugin = f"gesturectl-focus-{os.getpid()}"
        self._dir = script_dir
        try:
            self._reported = False
            path = self._load(self._plugin, script_text(FOCUS_SCRIPT, self._conn.unique_name))
            try:
                end = time.monotonic() + timeout_s
                while not self._reported and time.monotonic() < end:
                    self._pump(end - time.monotonic())
            finally:
                path.unlink(missing_ok=True)
            if not self._reported:
                raise RuntimeError("the KWin script did not report the focused window")
        except Exception:
            self.close()
            raise

    def _kwin(self, method: str, signature: str = "", body: tuple = ()) -> tuple:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        scripting = DBusAddress("/Scripting", KWIN, "org.kde.kwin.Scripting")
        try:
            reply = self._conn.send_and_get_reply(new_method_call(scripting, method, signature, body), timeout=5)
            return unwrap_msg(reply)
        except DBusErrorResponse as e:
            raise RuntimeError(f"KWin's scripting interface is not there ({e.name}): not a KWin session?") from None

    def _load(self, plugin: str, text: str) -> Path:
        """Hand a script to KWin and start it; the file, to delete once the script has called back (KWin may
        read it only when the script runs, after `start` returns)."""
        path = self._dir / f"{plugin}.js"
        path.write_text(text, encoding="utf-8")
        try:
            if self._kwin("isScriptLoaded", "s", (plugin,))[0]:
                self._kwin("unloadScript", "s", (plugin,))
            (script_id,) = self._kwin("loadScript", "ss", (str(path), plugin))
            if script_id < 0:
                raise RuntimeError(f"KWin did not load the script {path}")
            self._kwin("start")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def _pump(self, timeout_s: float) -> None:
        """Handle the calls our scripts made (waiting at most `timeout_s` for one when none is queued)."""
        from jeepney import HeaderFields, new_method_return

        wait = max(timeout_s, 0) if not self._calls else 0
        while True:
            try:
                self._conn.recv_messages(timeout=wait)  # our calls land in self._calls; the rest is dropped
            except TimeoutError:
                break
            wait = 0
        while self._calls:
            msg = self._calls.popleft()
            member = msg.header.fields.get(HeaderFields.member)
            if member == "active":
                self._active, self._reported = window_from_report(msg.body), True
            elif member == "closed":
                self._closed.append(int(msg.body[0]))
            self._conn.send(new_method_return(msg))

    def active(self) -> ActiveWindow | None:
        with self._lock:
            try:
                self._pump(0)
            except OSError as e:
                log.debug("KWin focused window: %s", e)
            return self._active

    def close_windows(self, pids: set[int]) -> int:
        with self._lock:
            plugin = f"gesturectl-close-{os.getpid()}"
            text = script_text(CLOSE_SCRIPT, self._conn.unique_name, pids=sorted(int(p) for p in pids))
            path = self._load(plugin, text)
            try:
                end = time.monotonic() + self._timeout_s
                while not self._closed and time.monotonic() < end:
                    self._pump(end - time.monotonic())
                return self._closed.pop() if self._closed else 0
            finally:
                path.unlink(missing_ok=True)
                self._kwin("unloadScript", "s", (plugin,))

    def close(self) -> None:
        try:
            self._kwin("unloadScript", "s", (self._plugin,))
        except Exception as e:  # KWin gone, or the bus
            log.debug("unloading the KWin script: %s", e)
        self._conn.close()
