"""Tray icon (pystray): the state at a glance and Pause/Resume, Show camera, Reload config, Open config, Quit.

Four states with their own icon, told apart by shape as well as colour: active (green, a figure with its
arms up), paused (amber, two bars), nobody in view (a grey ring), error (red, "!": no camera or the pose
model cannot run); and starting (grey, dots). The tooltip says the state and the last event.

Optional: when pystray cannot start, or when the desktop has no system tray, the daemon logs why and is
controlled from the command line (`gesturectl pause|resume|reload|stop|status`). The menu calls
the daemon's `command()`, like the control socket does. pystray's plain-X11 backend has no menus: there
a click on the icon runs the default item (Pause/Resume); the full menu needs a desktop whose tray
pystray reaches through AppIndicator or GTK.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from gesturectl.commands import Command
from gesturectl.runtime.status import Status

log = logging.getLogger(__name__)

_APPLY, _SHOW, _STOP = object(), object(), object()

KIND_COLOURS = {
    "active": (40, 170, 70),
    "paused": (230, 160, 30),
    "nobody": (140, 140, 140),
    "error": (205, 45, 45),
    "starting": (120, 120, 120),
}


def tray_kind(st: Status) -> str:
    """The icon for a daemon status: "error", "paused", "starting", "nobody" or "active"."""
    if st.state in ("no camera", "pose model error"):
        return "error"
    if st.state == "paused":
        return "paused"
    if st.state in ("starting", "ended"):
        return "starting"
    return "active" if st.person_in_view else "nobody"


def tooltip(st: Status) -> str:
    """The icon's title: the state in words, then the last event."""
    words = {
        "error": st.state,
        "paused": "paused",
        "starting": st.state,
        "nobody": "nobody in view",
        "active": "watching",
    }[tray_kind(st)]
    last = st.last_event
    if last and last.get("line"):
        words += f"; last: {last['line']} at {last.get('at', '?')}"
    return f"gesturectl: {words}"[:127]


def tray_available() -> tuple[bool, str]:
    """Whether a system tray is there to hold an icon, and why not."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        return False, "no X11 display"
    try:
        import pystray  # noqa: F401  (on Linux it connects to the display on import)
        from PIL import Image  # noqa: F401
    except ImportError:
        return False, "pystray or Pillow is missing (reinstall gesturectl)"
    except Exception as e:
        return False, f"pystray cannot start here: {e}"
    if sys.platform.startswith("linux"):
        try:
            from Xlib import display

            d = display.Display()
            owner = d.get_selection_owner(d.intern_atom(f"_NET_SYSTEM_TRAY_S{d.get_default_screen()}"))
            d.close()
            if not owner or getattr(owner, "id", owner) == 0:
                return False, "the desktop has no system tray (e.g. run tint2, trayer or a desktop panel)"
        except Exception as e:
            return False, f"cannot query the system tray: {e}"
    return True, ""


def icon_image(kind: str, size: int = 64):
    """The tray icon for a kind (see `tray_kind`), as a Pillow RGBA image."""
    from PIL import Image, ImageDraw

    s = size / 64.0
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    colour, white = KIND_COLOURS.get(kind, KIND_COLOURS["starting"]), (255, 255, 255)

    def box(*xy: float) -> list[float]:
        return [v * s for v in xy]

    if kind == "nobody":  # a ring: nothing to act on
        d.ellipse(box(6, 6, 58, 58), outline=colour, width=round(7 * s))
        d.ellipse(box(27, 22, 37, 32), fill=colour)
        d.line(box(32, 32, 32, 44), fill=colour, width=round(4 * s))
        return img
    d.ellipse(box(3, 3, 61, 61), fill=colour)
    if kind == "active":  # a figure with its arms up
        d.ellipse(box(27, 12, 37, 22), fill=white)
        d.line(box(32, 24, 32, 42), fill=white, width=round(5 * s))
        d.line(box(18, 16, 32, 28, 46, 16), fill=white, width=round(5 * s), joint="curve")
        d.line(box(24, 52, 32, 42, 40, 52), fill=white, width=round(5 * s), joint="curve")
    elif kind == "paused":
        d.rectangle(box(21, 17, 28, 47), fill=white)
        d.rectangle(box(36, 17, 43, 47), fill=white)
    elif kind == "error":
        d.rectangle(box(28, 13, 36, 38), fill=white)
        d.rectangle(box(28, 44, 36, 52), fill=white)
    else:  # starting
        for x in (18, 32, 46):
            d.ellipse(box(x - 4, 28, x + 4, 36), fill=white)
    return img


def open_in_editor(path: Path) -> None:
    """Open a file with the desktop's default application (argv only, never a shell)."""
    opener = {"darwin": ["open"], "win32": None}.get(sys.platform, ["xdg-open"])
    if opener is None:
        os.startfile(str(path))  # type: ignore[attr-defined]
        return
    if shutil.which(opener[0]) is None:
        raise FileNotFoundError(f"{opener[0]} not found; open {path} yourself")
    subprocess.Popen(
        [*opener, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class Tray:
    """The tray icon; `set_state()` updates its colour and tooltip."""

    def __init__(
        self,
        command: Callable[[Command], dict],
        config_path: Callable[[], Path],
        show_camera: Callable[[], None] | None = None,
    ) -> None:
        import pystray

        self._command = command
        self._show_camera = show_camera
        self._config_path = config_path
        self._paused = False
        self._kind, self._title = "starting", "gesturectl: starting"
        self._pending: queue.Queue = queue.Queue()
        self._worker = threading.Thread(target=self._apply_loop, name="gesturectl-tray", daemon=True)
        item = pystray.MenuItem
        menu = pystray.Menu(
            item(
                lambda _: "Resume" if self._paused else "Pause",
                lambda: self._command(Command.TOGGLE_PAUSE),
                default=True,
            ),
            item("Show camera", lambda: self._show_camera() if self._show_camera else None),
            item("Reload config", self._reload),
            item("Open config", self._open_config),
            item("Quit", lambda: self._command(Command.STOP)),
        )
        self._icon = pystray.Icon("gesturectl", icon_image("starting"), self._title, menu)

    def _reload(self) -> None:
        reply = self._command(Command.RELOAD)
        if not reply.get("ok"):
            self._icon.notify(reply.get("error", "reload failed")[:250], "gesturectl")

    def _open_config(self) -> None:
        try:
            open_in_editor(self._config_path())
        except OSError as e:
            log.error("open config: %s", e)

    def set_state(self, st: Status) -> None:
        """Show a status; never blocks the caller (the daemon's loop): a worker thread applies it."""
        kind, title = tray_kind(st), tooltip(st)
        self._paused = st.state == "paused"
        if (kind, title) == (self._kind, self._title):
            return
        self._kind, self._title = kind, title
        self._pending.put(_APPLY)

    def _setup(self, icon) -> None:
        self._pending.put(_SHOW)  # pystray calls this once its loop runs; the worker makes the icon visible

    def _apply_loop(self) -> None:
        """The one thread that touches the icon after start-up: pystray's X11 backend serialises calls
        through a single reply queue, so calls from several threads at once can cross."""
        shown = False
        while True:
            msg = self._pending.get()
            if msg is _STOP:
                return
            if msg is _SHOW:
                self._icon.visible = True
                shown = True
            while not self._pending.empty():  # only the newest state matters
                nxt = self._pending.get()
                if nxt is _STOP:
                    return
                shown = shown or nxt is _SHOW
                if nxt is _SHOW:
                    self._icon.visible = True
            if not shown:
                continue
            try:
                # the title first: pystray's X11 backend does not flush after setting it, and the icon
                # update that follows sends (and flushes) a request, which carries the title out too
                self._icon.title = self._title
                self._icon.icon = icon_image(self._kind)
                self._icon.update_menu()
            except Exception as e:  # a tray that went away must not take anything else down
                log.warning("tray icon update failed: %s", e)

    def start(self) -> None:
        self._worker.start()
        if type(self._icon).__module__.endswith("_xorg"):
            # pystray's X11 `run_detached` calls `run()` in a thread, which starts a *second* setup thread;
            # only one is ever woken, and the other (not a daemon thread) then blocks `stop()` for 5 s and
            # the interpreter's exit for ever. Running `run()` in our own thread starts exactly one.
            threading.Thread(
                target=self._icon.run, args=(self._setup,), name="gesturectl-tray-loop", daemon=True
            ).start()
        else:
            self._icon.run_detached(self._setup)

    def stop(self, timeout_s: float = 1.0) -> None:
        """Remove the icon; never waits more than `timeout_s` (a tray that hangs must not hold up the exit)."""
        self._pending.put(_STOP)
        stopper = threading.Thread(target=self._stop_icon, name="gesturectl-tray-stop", daemon=True)
        stopper.start()
        stopper.join(timeout_s)
        if stopper.is_alive():
            log.warning("the tray icon did not go away within %.1f s; exiting anyway", timeout_s)

    def _stop_icon(self) -> None:
        try:
            self._icon.stop()
        except Exception as e:  # the tray may be gone already
            log.debug("tray stop: %s", e)
