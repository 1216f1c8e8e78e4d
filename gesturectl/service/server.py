"""Running the HTTP app on uvicorn: in the foreground (`gesturectl serve`) or in a thread (tests, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from gesturectl.errors import GesturectlError


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on host:port (port 0: a free one), or a clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio disables Nagle (TCP_NODELAY) only on sockets whose proto is IPPROTO_TCP, and
    # with Nagle on, every keep-alive response waits ~40 ms for the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise GesturectlError(f"cannot listen on {host}:{port} ({e.strerror}); pick another --port or --host") from None
    return sock


def _server(app: FastAPI, sock: socket.socket, verbose: bool) -> uvicorn.Server:
    host, port = sock.getsockname()[:2]
    # one process: the estimators and the worker pool live in it; concurrency comes from the pool
    level = "info" if verbose else "warning"  # info: uvicorn's access log (method, path, status; no image data)
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=level, access_log=verbose))


def serve(app: FastAPI, host: str, port: int, verbose: bool = False) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM stop it gracefully); `verbose` logs every request."""
    sock = bind_socket(host, port)
    try:
        _server(app, sock, verbose).run(sockets=[sock])
    finally:
        sock.close()


class ServerThread:
    """The real server on a free loopback port in a background thread: `with ServerThread(app) as url: ...`."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", start_timeout_s: float = 30.0) -> None:
        self._sock = bind_socket(host, 0)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://{host}:{self.port}"
        self._server = _server(app, self._sock, verbose=False)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)
        self._timeout = start_timeout_s

    def __enter__(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.url} did not start")
            time.sleep(0.01)
        return self.url

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
