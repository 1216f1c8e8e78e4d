"""The focused window on Wayland compositors that tell: sway (i3 IPC over $SWAYSOCK) and Hyprland
(`hyprctl activewindow -j`).

GNOME (Mutter) and KDE (KWin) do not tell ordinary clients which window is in front: KDE runs a KWin
script of ours (`actions/kwin_windows.py`); GNOME would need a Shell extension, which gesturectl does not
ship yet (docs/desktops.md).

sway's IPC: a message is `i3-ipc`, the payload length (u32), the type (u32), then JSON. GET_TREE (4)
returns the layout tree; the focused leaf has `focused: true`, `app_id` (Wayland apps) or
`window_properties.class` (XWayland apps), and `pid`. RUN_COMMAND (0) runs `[con_id=N] kill`, which asks
that window to close, like X11's _NET_CLOSE_WINDOW.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import struct
import subprocess
from collections.abc import Iterator
from typing import Any

from gesturectl.actions.window_base import ActiveWindow, WindowSystem

log = logging.getLogger(__name__)

MAGIC = b"i3-ipc"
RUN_COMMAND, GET_TREE = 0, 4
_HEAD = struct.Struct("=6sII")


def encode_ipc(kind: int, payload: str = "") -> bytes:
    body = payload.encode()
    return _HEAD.pack(MAGIC, len(body), kind) + body


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError("sway closed the IPC connection")
        out += chunk
    return out


def sway_request(path: str, kind: int, payload: str = "", timeout_s: float = 2.0) -> Any:
    """One i3-ipc request to sway at `path`; its JSON reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout_s)
        s.connect(path)
        s.sendall(encode_ipc(kind, payload))
        magic, size, _ = _HEAD.unpack(_recv_exact(s, _HEAD.size))
        if magic != MAGIC:
            raise ConnectionError(f"{path} does not speak i3-ipc")
        return json.loads(_recv_exact(s, size))


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("nodes", []) + node.get("floating_nodes", []):
        yield from _nodes(child)


def focused_in_tree(tree: dict) -> ActiveWindow | None:
    """The focused window of a sway tree (None when the focus is on an empty workspace)."""
    for n in _nodes(tree):
        if n.get("focused") and n.get("type") in ("con", "floating_con") and n.get("pid"):
            props = n.get("window_properties") or {}
            names = (n.get("app_id"), props.get("class"), props.get("instance"))
            classes = tuple(dict.fromkeys(c.lower() for c in names if c))
            return ActiveWindow(classes, int(n["pid"]))
    return None


class SwayWindows(WindowSystem):
    """sway through its IPC socket ($SWAYSOCK)."""

    name = "sway"

    def __init__(self, path: str | None = None) -> None:
        self._path = path or os.environ.get("SWAYSOCK") or ""
        if not self._path:
            raise RuntimeError("SWAYSOCK is not set (not a sway session)")
        sway_request(self._path, GET_TREE)  # fails now, with the reason, rather than on every gesture

    def active(self) -> ActiveWindow | None:
        try:
            return focused_in_tree(sway_request(self._path, GET_TREE))
        except (OSError, ValueError) as e:
            log.debug("sway focused window: %s", e)
            return None

    def close_windows(self, pids: set[int]) -> int:
        tree = sway_request(self._path, GET_TREE)
        ids = [n["id"] for n in _nodes(tree) if n.get("pid") in pids and n.get("type") in ("con", "floating_con")]
        for con in ids:
            sway_request(self._path, RUN_COMMAND, f"[con_id={int(con)}] kill")
        return len(ids)


def hypr_active(reply: dict) -> ActiveWindow | None:
    """The focused window from `hyprctl activewindow -j` (an empty object when none)."""
    if not reply or not reply.get("pid") or reply.get("pid", -1) < 0:
        return None
    names = (reply.get("class"), reply.get("initialClass"))
    return ActiveWindow(tuple(dict.fromkeys(c.lower() for c in names if c)), int(reply["pid"]))


class HyprlandWindows(WindowSystem):
    """Hyprland through `hyprctl` (HYPRLAND_INSTANCE_SIGNATURE set by the compositor)."""

    name = "hyprland"

    def __init__(self) -> None:
        if not os.environ.get("HYPRLAND_INSTANCE_SIGNATURE"):
            raise RuntimeError("HYPRLAND_INSTANCE_SIGNATURE is not set (not a Hyprland session)")
        exe = shutil.which("hyprctl")
        if exe is None:
            raise RuntimeError("hyprctl is not on PATH")
        self._exe = exe

    def _ctl(self, *args: str) -> str:
        return subprocess.run([self._exe, *args], capture_output=True, text=True, timeout=2, check=True).stdout

    def active(self) -> ActiveWindow | None:
        try:
            return hypr_active(json.loads(self._ctl("activewindow", "-j") or "{}"))
        except (OSError, ValueError, subprocess.SubprocessError) as e:
            log.debug("hyprland focused window: %s", e)
            return None

    def close_windows(self, pids: set[int]) -> int:
        n = 0
        for pid in sorted(pids):
            try:
                n += self._ctl("dispatch", "closewindow", f"pid:{int(pid)}").strip() == "ok"
            except subprocess.SubprocessError as e:
                log.debug("hyprland close pid %s: %s", pid, e)
        return n
