"""Opening the preview on request (`run --preview`, the tray's "Show camera") from the main thread.

The daemon's loop runs in a worker thread; the main thread waits here for a request and runs the
window (Tk, like macOS, wants the main thread). While a window is open the daemon hands it a view per
frame; when it closes the daemon is detached from it and goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gesturectl.errors import GesturectlError
from gesturectl.runtime.daemon import Daemon
from gesturectl.runtime.view import ViewSlot


class PreviewHost:
    """Opens a preview window whenever `request()` was called, until `alive()` turns false."""

    def __init__(self, daemon: Daemon, say: Callable[[str], None]) -> None:
        self._daemon = daemon
        self._say = say
        self._want = threading.Event()
        self.is_open = False

    def request(self) -> None:
        """Ask for the window (from any thread); ignored while one is open."""
        if not self.is_open:
            self._want.set()

    def serve(self, alive: Callable[[], bool]) -> None:
        """Run windows on request, in the calling thread, while `alive()`."""
        while alive():
            if not self._want.wait(0.2):
                continue
            self._want.clear()
            self.show(alive)

    def show(self, alive: Callable[[], bool]) -> bool:
        """One window, until it is closed or the daemon stops; False when it could not open (said why)."""
        from gesturectl.runtime.preview.window import PreviewWindow

        slot = ViewSlot()
        self._daemon.attach_view(slot)
        self.is_open = True
        try:
            PreviewWindow(slot, should_stop=lambda: not alive()).run()
            return True
        except GesturectlError as e:
            self._say(str(e))
            return False
        finally:
            self.is_open = False
            self._daemon.attach_view(None)
