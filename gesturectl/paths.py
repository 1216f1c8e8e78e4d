"""Where gesturectl keeps things, per platform (platformdirs): the user's config, logs, and the
runtime folder for the control socket and the instance lock.

GESTURECTL_CONFIG_DIR / GESTURECTL_STATE_DIR / GESTURECTL_RUNTIME_DIR override them (tests use
them to run daemons side by side). The runtime folder is private (0700) and must belong to the
user, so only they can reach the control socket.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "gesturectl"


def config_dir() -> Path:
    env = os.environ.get("GESTURECTL_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def user_config_path() -> Path:
    return config_dir() / "config.yaml"


def state_dir() -> Path:
    """Logs and learned data (created private)."""
    env = os.environ.get("GESTURECTL_STATE_DIR")
    if env:
        d = Path(env)
    else:
        import platformdirs

        d = Path(platformdirs.user_state_dir(APP, appauthor=False))
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def data_dir() -> Path:
    """The user's data: gestures taught with `gesturectl teach` (GESTURECTL_DATA_DIR overrides)."""
    env = os.environ.get("GESTURECTL_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def learned_dir() -> Path:
    """Where taught gestures are kept, one `NAME.json` each."""
    return data_dir() / "gestures"


def log_dir() -> Path:
    return state_dir()


def runtime_dir() -> Path:
    """A folder only this user can enter, for the lock and the control socket."""
    env = os.environ.get("GESTURECTL_RUNTIME_DIR")
    if env:
        d = Path(env)
    elif sys.platform.startswith("linux") and os.environ.get("XDG_RUNTIME_DIR"):
        d = Path(os.environ["XDG_RUNTIME_DIR"]) / APP
    else:
        import tempfile

        import platformdirs

        base = platformdirs.user_runtime_dir(APP, appauthor=False) if sys.platform != "linux" else None
        d = Path(base) if base else Path(tempfile.gettempdir()) / f"{APP}-{os.getuid()}"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if hasattr(os, "getuid"):
        st = d.stat()
        if st.st_uid != os.getuid():
            raise PermissionError(f"{d} belongs to another user; set GESTURECTL_RUNTIME_DIR to a private folder")
        os.chmod(d, 0o700)
    return d
