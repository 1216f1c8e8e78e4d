"""Control of a running daemon over a local socket only the user can open.

Protocol: the client connects to `<runtime dir>/control.sock`, sends one JSON line
`{"cmd": "<a Command value>"}` (status, pause, resume, toggle_pause, reload, stop) and reads one JSON line back
(`{"ok": true, ...}` or `{"ok": false, "error": "..."}`). The socket lives in a 0700 directory
and is itself 0600. A lock file (flock) keeps a second daemon from starting.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from gesturectl.commands import Command
from gesturectl.errors import GesturectlError
from gesturectl.paths import runtime_dir

log = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
LOCK_NAME = "daemon.lock"


class AlreadyRunning(GesturectlError):
    pass


class InstanceLock:
    """An exclusive flock on `<runtime dir>/daemon.lock`, held while the daemon runs."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or runtime_dir()) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                "gesturectl is already running for this user; control it with "
                "`gesturectl status|pause|resume|reload|stop`"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class ControlServer(threading.Thread):
    """Answers control commands with `handler(cmd) -> dict` on a private Unix socket."""

    def __init__(self, handler: Callable[[Command], dict], directory: Path | None = None) -> None:
        super().__init__(name="gesturectl-control", daemon=True)
        self.path = (directory or runtime_dir()) / SOCKET_NAME
        self._handler = handler
        if self.path.exists():
            self.path.unlink()  # stale: the instance lock proved no daemon owns it
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self._sock.bind(str(self.path))
        finally:
            os.umask(old)
        self._sock.listen(4)
        self._sock.settimeout(0.2)
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    conn, _ = self._sock.accept()
                except TimeoutError:
                    continue
                with conn:
                    conn.settimeout(5.0)
                    self._serve(conn)
        finally:
            self._sock.close()
            self.path.unlink(missing_ok=True)

    def _serve(self, conn: socket.socket) -> None:
        try:
            line = conn.makefile("r", encoding="utf-8").readline()
            reply = self._handler(Command.parse(json.loads(line).get("cmd")))
        except (ValueError, AttributeError) as e:
            reply = {"ok": False, "error": f"bad request: {e}"}
        except Exception as e:  # the daemon must survive any one bad request
            log.exception("control command failed")
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        try:
            conn.sendall((json.dumps(reply) + "\n").encode())
        except OSError:
            pass


def send_command(cmd: Command, directory: Path | None = None, timeout_s: float = 10.0) -> dict:
    """Send one command to the running daemon and return its reply."""
    path = (directory or runtime_dir()) / SOCKET_NAME
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout_s)
    try:
        s.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        raise GesturectlError("gesturectl is not running (start it with `gesturectl run`)") from None
    with s:
        s.sendall((json.dumps({"cmd": cmd.value}) + "\n").encode())
        data = s.makefile("r", encoding="utf-8").readline()
    if not data:
        raise GesturectlError("the daemon closed the connection without answering")
    return json.loads(data)
