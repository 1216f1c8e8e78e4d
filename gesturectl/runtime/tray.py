"""Tray icon (pystray): the state at a glance and Pause/Resume, Show camera, Reload config, Open config, Quit.

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

log = logging.getLogger(__name__)

_APPLY, _SHOW, _STOP = object(), object(), object()

STATE_COLOURS = {
    "running": (40, 170, 70),
    "paused": (230, 160, 30),
    "no camera": (200, 50, 50),
    "starting": (120, 120, 120),
    "ended": (120, 120, 120),
}


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


def _icon_image(state: str):
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, 60, 60), fill=STATE_COLOURS.get(state, (120, 120, 120)))
    d.line((20, 44, 32, 16, 44, 44), fill=(255, 255, 255), width=6)
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
        self._state = "starting"
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
        self._icon = pystray.Icon("gesturectl", _icon_image("starting"), "gesturectl: starting", menu)

    def _reload(self) -> None:
        reply = self._command(Command.RELOAD)
        if not reply.get("ok"):
            self._icon.notify(reply.get("error", "reload failed")[:250], "gesturectl")

    def _open_config(self) -> None:
        try:
            open_in_editor(self._config_path())
        except OSError as e:
            log.error("open config: %s", e)

    def set_state(self, state: str) -> None:
        """Show a state; never blocks the caller (the daemon's loop): a worker thread applies it."""
        self._state = state
        self._paused = state == "paused"
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
                self._icon.title = f"gesturectl: {self._state}"
                self._icon.icon = _icon_image(self._state)
                self._icon.update_menu()
            except Exception as e:  # a tray that went away must not take anything else down
                log.warning("tray icon update failed: %s", e)

    def start(self) -> None:
        self._worker.start()
        self._icon.run_detached(self._setup)

    def stop(self) -> None:
        self._pending.put(_STOP)
        self._icon.stop()
