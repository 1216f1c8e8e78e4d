"""`gesturectl serve`: who may reach it, clear start-up errors, and the real command serving over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from gesturectl.cli import main
from gesturectl.cli.serve import is_loopback, resolve_token
from gesturectl.errors import ConfigError


def test_loopback_needs_no_token_but_other_hosts_do(monkeypatch):
    monkeypatch.delenv("GESTURECTL_TOKEN", raising=False)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert resolve_token("127.0.0.1", None) is None
    assert resolve_token("0.0.0.0", "s3cret") == "s3cret"
    with pytest.raises(ConfigError, match="--token"):
        resolve_token("0.0.0.0", None)
    with pytest.raises(ConfigError, match="empty"):
        resolve_token("127.0.0.1", " ")
    monkeypatch.setenv("GESTURECTL_TOKEN", "from-env")
    assert resolve_token("0.0.0.0", None) == "from-env"


def test_binding_elsewhere_without_a_token_is_refused(capsys, monkeypatch):
    monkeypatch.delenv("GESTURECTL_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 lets other machines reach the service" in err and "--token" in err


def test_a_busy_port_is_a_clear_error(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), "--model", "lite", "--workers", "1"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_serves_over_http_and_stops_on_sigterm(png):
    httpx = pytest.importorskip("httpx")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "GESTURECTL_TOKEN"}
    cmd = [sys.executable, "-m", "gesturectl", "serve", "--port", str(port), "--model", "lite", "--workers", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert health.json()["model"] == "lite"
        r = httpx.post(f"{url}/v1/pose?layout=coco", content=png, timeout=30)
        assert r.status_code == 200 and len(r.json()["people"][0]["keypoints"]) == 17
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status tells a parent what stopped it
    assert proc.returncode == -signal.SIGTERM and "Traceback" not in err
    assert f"serving model lite on http://127.0.0.1:{port}" in err and "reachable from this machine only" in err


@pytest.fixture(scope="module")
def png(astronaut_png) -> bytes:
    return astronaut_png.read_bytes()
