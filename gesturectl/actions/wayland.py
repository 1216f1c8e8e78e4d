"""The Wayland wire protocol, just enough of it to bind globals and send requests (pure Python, no libwayland).

A Wayland client talks to the compositor over a unix socket (`$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY`).
Every message is `object id (u32)`, `size << 16 | opcode (u32)`, then its arguments, each padded to
4 bytes: ints and uints as 32 bits, strings as a length (with the NUL) and the bytes, new ids as the
id the client chose. File descriptors travel beside the bytes (SCM_RIGHTS). Object 1 is `wl_display`.

`WaylandConnection` connects, lists the globals (`wl_display.get_registry`), binds the ones asked for,
sends requests, and does round trips (`wl_display.sync`) that surface protocol errors as exceptions.
Other objects' events go to the handler registered for the object (`on(obj, handler)`); events of
objects without one are read and dropped. File descriptors that come with events are queued in `fds`.
"""

from __future__ import annotations

import array
import logging
import os
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gesturectl.errors import ActionError

log = logging.getLogger(__name__)

DISPLAY_ID = 1
HEADER_SIZE = 8


def decode_header(buf: bytes) -> tuple[int, int, int]:
    """(object id, opcode, size) of the message at the start of `buf`."""
    obj, word = struct.unpack_from("=II", buf)
    return obj, word & 0xFFFF, word >> 16


def socket_path(env: dict[str, str] | None = None) -> Path:
    """Where the compositor listens, from WAYLAND_DISPLAY and XDG_RUNTIME_DIR (as libwayland does)."""
    env = dict(os.environ) if env is None else env
    name = env.get("WAYLAND_DISPLAY") or ""
    if not name:
        raise ActionError("WAYLAND_DISPLAY is not set (no Wayland session)")
    if name.startswith("/"):
        return Path(name)
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise ActionError("XDG_RUNTIME_DIR is not set, so the Wayland socket cannot be found")
    return Path(runtime) / name


def encode_uint(v: int) -> bytes:
    return struct.pack("=I", v & 0xFFFFFFFF)


def encode_string(s: str) -> bytes:
    raw = s.encode() + b"\0"
    return struct.pack("=I", len(raw)) + raw + b"\0" * (-len(raw) % 4)


def encode_message(obj: int, opcode: int, payload: bytes) -> bytes:
    """One request: the header (object, opcode, size including the header) and its payload."""
    size = HEADER_SIZE + len(payload)
    if size > 0xFFFF:
        raise ValueError(f"Wayland message too long ({size} bytes)")
    return struct.pack("=II", obj, (size << 16) | opcode) + payload


def decode_string(data: bytes, at: int) -> tuple[str, int]:
    """The string at `at` and the offset after it (with its padding)."""
    (n,) = struct.unpack_from("=I", data, at)
    at += 4
    s = data[at : at + max(n - 1, 0)].decode(errors="replace")
    return s, at + n + (-n % 4)


@dataclass(frozen=True)
class Global:
    name: int
    interface: str
    version: int


class WaylandConnection:
    """One client connection: globals, object ids, requests, and round trips."""

    def __init__(self, path: Path | None = None, timeout_s: float = 5.0) -> None:
        self.path = path or socket_path()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._timeout_s = timeout_s
        self._sock.settimeout(timeout_s)
        try:
            self._sock.connect(str(self.path))
        except OSError as e:
            self._sock.close()
            raise ActionError(f"cannot connect to the Wayland compositor at {self.path}: {e}") from None
        self._next_id = 2
        self._buf = b""
        self._callbacks: set[int] = set()
        self.handlers: dict[int, Callable[[int, bytes], None]] = {}
        self.fds: list[int] = []
        self._done: set[int] = set()
        self.globals: list[Global] = []
        self._registry = self.new_id()
        self.request(DISPLAY_ID, 1, encode_uint(self._registry))  # wl_display.get_registry
        self.roundtrip()

    def new_id(self) -> int:
        i = self._next_id
        self._next_id += 1
        return i

    def request(self, obj: int, opcode: int, payload: bytes = b"", fds: tuple[int, ...] = ()) -> None:
        msg = encode_message(obj, opcode, payload)
        try:
            if fds:
                self._sock.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
            else:
                self._sock.sendall(msg)
        except OSError as e:
            raise ActionError(f"the Wayland compositor closed the connection ({e})") from None

    def find(self, interface: str) -> Global | None:
        return next((g for g in self.globals if g.interface == interface), None)

    def bind(self, interface: str, version: int) -> int:
        """Bind the first global of this interface at min(version, advertised); its new object id."""
        g = self.find(interface)
        if g is None:
            raise ActionError(f"the compositor does not offer {interface}")
        obj = self.new_id()
        payload = encode_uint(g.name) + encode_string(interface) + encode_uint(min(version, g.version))
        self.request(self._registry, 0, payload + encode_uint(obj))  # wl_registry.bind
        return obj

    def roundtrip(self) -> None:
        """Wait until the compositor has handled everything sent so far; raise its protocol error if any."""
        cb = self.new_id()
        self._callbacks.add(cb)
        self.request(DISPLAY_ID, 0, encode_uint(cb))  # wl_display.sync
        while cb not in self._done:
            self._dispatch_one()
        self._done.discard(cb)

    def drain(self) -> None:
        """Read and handle whatever events are waiting, without blocking."""
        self._sock.setblocking(False)
        try:
            while True:
                try:
                    chunk = self._recv()
                except BlockingIOError:
                    break
                if not chunk:
                    raise ActionError("the Wayland compositor closed the connection")
                self._buf += chunk
        finally:
            self._sock.setblocking(True)
        while self._has_message():
            self._handle(self._take())

    def on(self, obj: int, handler: Callable[[int, bytes], None]) -> None:
        """Send the events of object `obj` to `handler(opcode, body)`."""
        self.handlers[obj] = handler

    def dispatch_until(self, done: Callable[[], bool], timeout_s: float) -> bool:
        """Handle events until `done()` or the time is up; whether `done()` came true."""
        end = time.monotonic() + timeout_s
        try:
            while not done():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._sock.settimeout(left)
                try:
                    self._dispatch_one()
                except ActionError as e:
                    if "did not answer" in str(e):
                        return done()
                    raise
            return True
        finally:
            self._sock.settimeout(self._timeout_s)

    def _recv(self) -> bytes:
        data, ancillary, _, _ = self._sock.recvmsg(65536, socket.CMSG_SPACE(28 * 4))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                self.fds.extend(fds)
        return data

    def _has_message(self) -> bool:
        if len(self._buf) < HEADER_SIZE:
            return False
        _, _, size = decode_header(self._buf)
        return len(self._buf) >= size

    def _take(self) -> tuple[int, int, bytes]:
        obj, opcode, size = decode_header(self._buf)
        body, self._buf = self._buf[HEADER_SIZE:size], self._buf[size:]
        return obj, opcode, body

    def _dispatch_one(self) -> None:
        while not self._has_message():
            try:
                chunk = self._recv()
            except TimeoutError:
                raise ActionError("the Wayland compositor did not answer") from None
            if not chunk:
                raise ActionError("the Wayland compositor closed the connection")
            self._buf += chunk
        self._handle(self._take())

    def _handle(self, msg: tuple[int, int, bytes]) -> None:
        obj, opcode, body = msg
        if obj == DISPLAY_ID and opcode == 0:  # wl_display.error(object, code, message)
            bad, code = struct.unpack_from("=II", body)
            text, _ = decode_string(body, 8)
            raise ActionError(f"Wayland protocol error on object {bad} (code {code}): {text}")
        if obj == self._registry and opcode == 0:  # wl_registry.global(name, interface, version)
            (name,) = struct.unpack_from("=I", body)
            iface, at = decode_string(body, 4)
            (version,) = struct.unpack_from("=I", body, at)
            self.globals.append(Global(name, iface, version))
        elif obj in self._callbacks and opcode == 0:  # wl_callback.done
            self._callbacks.discard(obj)
            self._done.add(obj)
        elif obj in self.handlers:
            self.handlers[obj](opcode, body)

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds.clear()
        self._sock.close()
