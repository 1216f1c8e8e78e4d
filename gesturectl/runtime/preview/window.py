"""The preview window (Tk, from Python's standard library): shows `draw.render(view)` ~30 times a second.

Why Tk: it ships with Python on Windows and macOS (python.org and Homebrew builds) and is one small
package on Linux (Debian/Ubuntu `python3-tk`; pyenv builds link it when Tk's headers are there); it runs
on X11, on Wayland through XWayland, on Windows and on macOS, and needs no extra wheel. OpenCV's own
window would need the non-headless wheel (a second, conflicting OpenCV with Qt/GTK inside) and has no
Wayland backend. Images reach Tk as binary PPM in memory: no Pillow ImageTk, nothing written to disk.

The window runs in the thread that calls `run()` (macOS wants the main thread); closing it only marks
the slot closed, which detaches it from the daemon: the daemon keeps running.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from gesturectl.errors import GesturectlError
from gesturectl.runtime.preview.draw import TOAST_S, render, waiting
from gesturectl.runtime.view import Toast, ViewSlot

log = logging.getLogger(__name__)

TITLE = "gesturectl preview"
TICK_MS = 33


def ppm(image_bgr: np.ndarray) -> bytes:
    """A BGR image as binary PPM (what Tk's PhotoImage reads without Pillow)."""
    h, w = image_bgr.shape[:2]
    return b"P6 %d %d 255\n" % (w, h) + np.ascontiguousarray(image_bgr[:, :, ::-1]).tobytes()


def tk_available() -> tuple[bool, str]:
    """Whether a Tk window can open here, and why not."""
    try:
        import tkinter
    except ImportError:
        return False, "Python's tkinter is missing (Debian/Ubuntu: apt install python3-tk)"
    try:
        root = tkinter.Tk()
        root.destroy()
    except tkinter.TclError as e:
        return False, f"no display for a window ({e})"
    return True, ""


class PreviewWindow:
    """Shows the views the daemon puts in `slot` until the window is closed or `should_stop()` is true."""

    def __init__(self, slot: ViewSlot, should_stop: Callable[[], bool] = lambda: False, title: str = TITLE) -> None:
        self._slot = slot
        self._should_stop = should_stop
        self._title = title
        self._toasts: list[Toast] = []
        self._root = None

    def run(self) -> None:
        """Open the window and show views until it is closed (blocks the calling thread)."""
        try:
            import tkinter as tk
        except ImportError as e:
            self._slot.closed = True
            raise GesturectlError(
                "cannot open the preview window: Python's tkinter is missing (Debian/Ubuntu: apt install python3-tk)"
            ) from e
        try:
            root = tk.Tk(className="gesturectl")
        except tk.TclError as e:
            self._slot.closed = True
            raise GesturectlError(f"cannot open the preview window: {e}") from e
        self._root = root
        root.title(self._title)
        root.protocol("WM_DELETE_WINDOW", self.close)
        label = tk.Label(root, borderwidth=0, highlightthickness=0)
        label.pack()
        self._show(label, waiting())
        root.after(TICK_MS, self._tick, label)
        try:
            root.mainloop()
        finally:
            self._slot.closed = True
            self._root = None

    def close(self) -> None:
        self._slot.closed = True
        if self._root is not None:
            self._root.destroy()

    def _show(self, label, image: np.ndarray) -> None:
        import tkinter as tk

        photo = tk.PhotoImage(data=ppm(image), format="PPM")
        label.configure(image=photo)
        label.image = photo  # keep a reference, or Tk shows nothing

    def _tick(self, label) -> None:
        if self._should_stop():
            self.close()
            return
        view, _, new = self._slot.take()
        now = time.monotonic()
        self._toasts = [t for t in self._toasts + new if now - t.wall < TOAST_S]
        if view is not None:
            try:
                self._show(label, render(view, self._toasts))
            except Exception:  # a drawing bug must not close the window or touch the daemon
                log.exception("preview drawing failed")
        if self._root is not None:
            self._root.after(TICK_MS, self._tick, label)
