"""Where gesturectl keeps things, per platform (platformdirs): the user's config, logs, and the
runtime folder for the control socket and the instance lock.

GESTURECTL_CONFIG_DIR / GESTURECTL_STATE_DIR / GESTURECTL_RUNTIME_DIR override them (tests use
them to run daemons side by side). The runtime folder is private (0700) and must belong to the
user, so only they can reach the control socket.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from gesturectl.errors import GesturectlError

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
    return private_dir(d)


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
        return private_dir(Path(env))
    if sys.platform.startswith("linux") and os.environ.get("XDG_RUNTIME_DIR"):
        return private_dir(Path(os.environ["XDG_RUNTIME_DIR"]) / APP)
    if sys.platform != "linux":
        import platformdirs

        return private_dir(Path(platformdirs.user_runtime_dir(APP, appauthor=False)))
    import tempfile

    # a shared folder: anyone may have created this name first, as a folder or a link to one
    return private_dir(Path(tempfile.gettempdir()) / f"{APP}-{os.getuid()}", shared_parent=True)


def private_dir(d: Path, shared_parent: bool = False) -> Path:
    """`d`, created 0700 if missing, checked to be a folder of this user (and made 0700 if it is not).

    In a shared parent such as /tmp the name is never followed through a symbolic link (O_NOFOLLOW):
    a link planted there by someone else is an error, not a place to put the control socket.
    """
    if not shared_parent:
        d.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(d, 0o700)
    except FileExistsError:
        pass
    except OSError as e:
        raise GesturectlError(f"cannot create {d} ({e.strerror}); {_FIX}") from None
    if not hasattr(os, "getuid"):  # Windows: the per-user folders are private by their ACLs
        return d
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | (os.O_NOFOLLOW if shared_parent else 0)
    try:
        fd = os.open(d, flags)
    except OSError as e:
        what = "a symbolic link or not a folder" if shared_parent else f"not usable ({e.strerror})"
        raise GesturectlError(f"{d} is {what}; remove it, or {_FIX}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISDIR(st.st_mode):
            raise GesturectlError(f"{d} is not a folder; {_FIX}")
        if st.st_uid != os.getuid():
            raise GesturectlError(f"{d} belongs to another user (uid {st.st_uid}); {_FIX}")
        if stat.S_IMODE(st.st_mode) != 0o700:
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return d


_FIX = "set GESTURECTL_RUNTIME_DIR (or GESTURECTL_STATE_DIR for logs) to a private folder of yours"
