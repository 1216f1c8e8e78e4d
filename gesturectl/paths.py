"""Where gesturectl keeps things: the user's config, logs (state dir) and the control socket (runtime dir).

XDG base directories on Linux, with GESTURECTL_CONFIG_DIR / GESTURECTL_STATE_DIR /
GESTURECTL_RUNTIME_DIR to override (tests use them to run daemons side by side). The runtime
directory is created private (0700), so only the user can reach the control socket.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def _xdg(env: str, fallback: Path) -> Path:
    v = os.environ.get(env)
    return Path(v) if v else fallback


def config_dir() -> Path:
    return Path(os.environ.get("GESTURECTL_CONFIG_DIR") or _xdg("XDG_CONFIG_HOME", Path.home() / ".config") / "gesturectl")


def user_config_path() -> Path:
    return config_dir() / "config.yaml"


def state_dir() -> Path:
    d = Path(os.environ.get("GESTURECTL_STATE_DIR") or
             _xdg("XDG_STATE_HOME", Path.home() / ".local" / "state") / "gesturectl")
    d.mkdir(parents=True, exist_ok=True)
    return d


def runtime_dir() -> Path:
    """A directory only this user can enter, for the lock and the control socket."""
    env = os.environ.get("GESTURECTL_RUNTIME_DIR")
    if env:
        d = Path(env)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        d = Path(os.environ["XDG_RUNTIME_DIR"]) / "gesturectl"
    else:
        uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
        d = Path(tempfile.gettempdir()) / f"gesturectl-{uid}"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        st = d.stat()
        if st.st_uid != os.getuid():
            raise PermissionError(f"{d} belongs to another user; set GESTURECTL_RUNTIME_DIR to a private folder")
        os.chmod(d, 0o700)
    return d
