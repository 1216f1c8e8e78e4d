"""Control of a running daemon over a local channel only the user can open.

Protocol: the client sends one JSON line `{"cmd": "<a Command value>"}` (status, pause, resume,
toggle_pause, reload, stop) and reads one JSON line back (`{"ok": true, ...}` or
`{"ok": false, "error": "..."}`). A request is at most `MAX_REQUEST_BYTES` long: a longer one is refused
without reading the rest. Each client is served on its own thread (at most `MAX_CLIENTS` at once, each
with a deadline), so a slow or silent client never holds up `status` for anyone else.

Transports, chosen by platform:
- `unix` (Linux, macOS): `<runtime dir>/control.sock`, a 0600 socket in a 0700 folder.
- `tcp` (Windows, which has no Unix sockets in Python): a loopback port; the port and a random token are
  in `<runtime dir>/control.json` (in the user's private folder), and every request carries the token.

A lock file (flock, or msvcrt on Windows) keeps a second daemon from starting.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from gesturectl.commands import Command
from gesturectl.errors import GesturectlError
from gesturectl.paths import runtime_dir

log = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
ENDPOINT_NAME = "control.json"
LOCK_NAME = "daemon.lock"
MAX_REQUEST_BYTES = 4096
MAX_REPLY_BYTES = 1_000_000
MAX_CLIENTS = 8
CLIENT_TIMEOUT_S = 5.0


class AlreadyRunning(GesturectlError):
    pass


class RequestError(ValueError):
    """A request that is not one JSON line of at most MAX_REQUEST_BYTES."""


def default_transport(platform: str = sys.platform) -> str:
    """`tcp` on Windows, `unix` everywhere else."""
    return "tcp" if platform == "win32" else "unix"


class InstanceLock:
    """An exclusive lock on `<runtime dir>/daemon.lock`, held while the daemon runs."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or runtime_dir()) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
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
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def read_line(conn: socket.socket, limit: int) -> bytes:
    """Bytes up to the first newline; RequestError past `limit` bytes (the rest is never read)."""
    buf = bytearray()
    while b"\n" not in buf:
        chunk = conn.recv(min(4096, limit + 1 - len(buf)))
        if not chunk:
            break
        buf += chunk
        if len(buf) > limit and b"\n" not in buf[: limit + 1]:
            raise RequestError(f"a request is at most {limit} bytes")
    return bytes(buf.split(b"\n", 1)[0])


def parse_request(line: bytes, token: str | None) -> Command:
    """The command of one request line; RequestError saying what is wrong."""
    try:
        req = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestError('not a JSON line such as {"cmd": "status"}') from None
    if not isinstance(req, dict):
        raise RequestError('a request is a JSON object such as {"cmd": "status"}')
    if token is not None:
        given = req.get("token")
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token.encode()):
            raise RequestError("wrong or missing token (read it from the runtime folder's control.json)")
    cmd = req.get("cmd")
    if not isinstance(cmd, str):
        raise RequestError(f"cmd must be one of {', '.join(c.value for c in Command)}")
    try:
        return Command.parse(cmd)
    except ValueError as e:
        raise RequestError(str(e)[:200]) from None


class ControlServer(threading.Thread):
    """Answers control commands with `handler(cmd) -> dict`, one thread per client."""

    def __init__(
        self, handler: Callable[[Command], dict], directory: Path | None = None, transport: str | None = None
    ) -> None:
        super().__init__(name="gesturectl-control", daemon=True)
        self.directory = directory or runtime_dir()
        self.transport = transport or default_transport()
        self._handler = handler
        self._token: str | None = None
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)
        self._stopped = threading.Event()
        if self.transport == "unix":
            self.path = self.directory / SOCKET_NAME
            self._sock = self._bind_unix()
        else:
            self.path = self.directory / ENDPOINT_NAME
            self._sock = self._bind_tcp()
        self._sock.settimeout(0.2)

    def _bind_unix(self) -> socket.socket:
        if self.path.exists() or self.path.is_symlink():
            self.path.unlink()  # stale: the instance lock proved no daemon owns it
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        sock.listen(16)
        return sock

    def _bind_tcp(self) -> socket.socket:
        sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self._token = secrets.token_hex(32)
        endpoint = json.dumps({"port": sock.getsockname()[1], "token": self._token, "pid": os.getpid()})
        self.path.unlink(missing_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(endpoint)
        return sock

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    conn, _ = self._sock.accept()
                except TimeoutError:
                    continue
                except OSError as e:  # e.g. too many open files: keep serving the next one
                    log.warning("control: accept failed: %s", e)
                    self._stopped.wait(0.1)
                    continue
                if not self._slots.acquire(blocking=False):
                    _reply(conn, {"ok": False, "error": f"busy: {MAX_CLIENTS} clients are connected; try again"})
                    conn.close()
                    continue
                threading.Thread(
                    target=self._client, args=(conn,), name="gesturectl-control-client", daemon=True
                ).start()
        finally:
            self._sock.close()
            self.path.unlink(missing_ok=True)

    def _client(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(CLIENT_TIMEOUT_S)
                _reply(conn, self.answer(conn))
        finally:
            self._slots.release()

    def answer(self, conn: socket.socket) -> dict:
        """The reply to the one request on `conn` (never raises: a bad request is an error reply)."""
        try:
            cmd = parse_request(read_line(conn, MAX_REQUEST_BYTES), self._token)
        except RequestError as e:
            return {"ok": False, "error": f"bad request: {e}"}
        except OSError as e:  # timed out or went away
            return {"ok": False, "error": f"bad request: {type(e).__name__}"}
        try:
            return self._handler(cmd)
        except Exception as e:  # the daemon must survive any one bad request
            log.exception("control command failed")
            return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def _reply(conn: socket.socket, reply: dict) -> None:
    try:
        conn.sendall((json.dumps(reply) + "\n").encode())
    except OSError:
        pass


def _connect(directory: Path, transport: str, timeout_s: float) -> tuple[socket.socket, dict]:
    """A connected socket and the fields every request carries (the token over TCP)."""
    not_running = GesturectlError("gesturectl is not running (start it with `gesturectl run`)")
    if transport == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout_s)
        try:
            s.connect(str(directory / SOCKET_NAME))
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            raise not_running from None
        return s, {}
    try:
        endpoint = json.loads((directory / ENDPOINT_NAME).read_text(encoding="utf-8"))
        port, token = int(endpoint["port"]), str(endpoint["token"])
    except FileNotFoundError:
        raise not_running from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise GesturectlError(f"{directory / ENDPOINT_NAME} is unreadable ({e}); restart gesturectl") from None
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout_s), {"token": token}
    except ConnectionRefusedError:
        raise not_running from None


def send_command(
    cmd: Command, directory: Path | None = None, timeout_s: float = 15.0, transport: str | None = None
) -> dict:
    """Send one command to the running daemon and return its reply."""
    s, fields = _connect(directory or runtime_dir(), transport or default_transport(), timeout_s)
    with s:
        try:
            s.sendall((json.dumps({"cmd": cmd.value, **fields}) + "\n").encode())
            data = read_line(s, MAX_REPLY_BYTES)
        except TimeoutError:
            raise GesturectlError(f"the daemon did not answer within {timeout_s:g} s") from None
        except (OSError, RequestError) as e:
            raise GesturectlError(f"the control connection failed ({e})") from None
    if not data:
        raise GesturectlError("the daemon closed the connection without answering")
    try:
        reply = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise GesturectlError("the daemon's answer is not JSON") from None
    if not isinstance(reply, dict):
        raise GesturectlError("the daemon's answer is not a JSON object")
    return reply
