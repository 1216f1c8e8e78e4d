"""A window that is asked to close and stays open, as an editor with unsaved work does while it asks.

    python stubborn_window.py LOG

It maps one window that takes part in WM_DELETE_WINDOW (so a window manager asks it rather than kills
it), writes a line to LOG each time it is asked to close, and stays until it is signalled.
"""

from __future__ import annotations

import os
import sys

from Xlib import X, Xatom, display


def main(log: str) -> None:
    d = display.Display()
    screen = d.screen()
    win = screen.root.create_window(
        0, 0, 240, 120, 0, screen.root_depth, X.InputOutput, X.CopyFromParent, background_pixel=screen.white_pixel
    )
    protocols, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")
    win.set_wm_protocols([delete])
    win.set_wm_class("stubborn", "Stubborn")
    win.set_wm_name("unsaved work")
    win.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()])
    win.map()
    d.flush()
    with open(log, "a", encoding="utf-8") as f:
        f.write("mapped\n")
    while True:
        ev = d.next_event()
        if ev.type == X.ClientMessage and ev.client_type == protocols and ev.data[1][0] == delete:
            with open(log, "a", encoding="utf-8") as f:
                f.write("asked to close\n")


if __name__ == "__main__":
    main(sys.argv[1])
