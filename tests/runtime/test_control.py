"""The control channel: concurrent clients (a silent one never holds up `status`), bounded requests (a huge
line is refused without being read), the Windows transport (loopback TCP with a token in the private folder),
and a property: any bytes give one JSON reply and leave the server answering."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gesturectl.commands import Command
from gesturectl.errors import GesturectlError
from gesturectl.runtime.control import MAX_CLIENTS, MAX_REQUEST_BYTES, ControlServer, InstanceLock, send_command


def handler(cmd: Command) -> dict:
    return {"ok": True, "cmd": cmd.value}


@pytest.fixture(params=["unix", "tcp"])
def server(request, tmp_path):
    s = ControlServer(handler, tmp_path, transport=request.param)
    s.start()
    yield s
    s.stop()
    s.join(2)


def raw_client(server: ControlServer) -> socket.socket:
    if server.transport == "unix":
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(str(server.path))
        return c
    port = json.loads(server.path.read_text())["port"]
    return socket.create_connection(("127.0.0.1", port))


def test_commands_round_trip_and_the_endpoint_is_private(server, tmp_path):
    assert send_command(Command.STATUS, tmp_path, transport=server.transport) == {"ok": True, "cmd": "status"}
    assert send_command(Command.PAUSE, tmp_path, transport=server.transport)["cmd"] == "pause"
    assert stat.S_IMODE(os.stat(server.path).st_mode) == 0o600


def test_silent_clients_never_hold_up_status(server, tmp_path):
    silent = [raw_client(server) for _ in range(3)]  # connect and say nothing (the old server waited 5 s each)
    try:
        t0 = time.monotonic()
        assert send_command(Command.STATUS, tmp_path, transport=server.transport)["ok"] is True
        assert time.monotonic() - t0 < 1.0
    finally:
        for c in silent:
            c.close()


def test_a_huge_line_is_refused_without_reading_it(server):
    c = raw_client(server)
    sent = 0
    chunk = b"x" * 65536
    try:
        c.settimeout(5)
        while sent < 200_000_000:
            c.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed after MAX_REQUEST_BYTES
    assert sent < 20_000_000, f"the server kept reading ({sent} bytes)"
    try:
        reply = c.recv(4096)
    except OSError:
        reply = b""  # (a reset may drop the reply; what matters is the server stopped reading)
    c.close()
    if reply:
        assert f"at most {MAX_REQUEST_BYTES} bytes".encode() in reply


def test_too_many_clients_get_busy_and_the_server_recovers(server, tmp_path):
    held = [raw_client(server) for _ in range(MAX_CLIENTS)]
    time.sleep(0.3)
    extra = raw_client(server)
    extra.settimeout(3)
    assert b"busy" in extra.recv(4096)
    extra.close()
    for c in held:
        c.close()
    time.sleep(0.3)
    assert send_command(Command.STATUS, tmp_path, transport=server.transport)["ok"] is True


def test_tcp_needs_the_token(tmp_path):
    s = ControlServer(handler, tmp_path, transport="tcp")
    s.start()
    try:
        c = raw_client(s)
        c.sendall(b'{"cmd": "stop"}\n')
        assert b"wrong or missing token" in c.recv(4096)
        c.close()
    finally:
        s.stop()
        s.join(2)
    assert not (tmp_path / "control.json").exists()


def test_not_running_and_second_instance_are_clear_errors(tmp_path):
    for transport in ("unix", "tcp"):
        with pytest.raises(GesturectlError, match="not running"):
            send_command(Command.STATUS, tmp_path, transport=transport)
    a, b = InstanceLock(tmp_path), InstanceLock(tmp_path)
    a.acquire()
    with pytest.raises(GesturectlError, match="already running"):
        b.acquire()
    a.release()
    b.acquire()
    b.release()


@pytest.fixture(scope="module")
def unstarted(tmp_path_factory):
    """A server whose `answer()` the property drives directly over socket pairs (no thread, no accept)."""
    s = ControlServer(handler, tmp_path_factory.mktemp("rt"), transport="unix")
    yield s
    s._sock.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.builds(lambda v: json.dumps(v).encode(), st.recursive(st.none() | st.text() | st.integers(), st.lists)),
        st.builds(lambda c: json.dumps({"cmd": c}).encode(), st.sampled_from([c.value for c in Command]) | st.text()),
        st.just(b"[" * 50_000),
    ),
    st.booleans(),
)
@pytest.mark.slow
def test_any_bytes_get_one_json_reply(unstarted, data, newline):
    a, b = socket.socketpair()
    with a, b:
        a.sendall(data + (b"\n" if newline else b""))
        a.shutdown(socket.SHUT_WR)
        b.settimeout(2)
        reply = unstarted.answer(b)
    assert isinstance(reply, dict) and isinstance(reply.get("ok"), bool)
    json.dumps(reply)
    if reply["ok"]:
        assert reply["cmd"] in {c.value for c in Command}


def test_a_client_that_sends_half_a_request_and_waits_times_out_alone(server, tmp_path):
    c = raw_client(server)
    c.sendall(b'{"cmd": "sta')
    done = threading.Event()

    def status():
        send_command(Command.STATUS, tmp_path, transport=server.transport)
        done.set()

    threading.Thread(target=status, daemon=True).start()
    assert done.wait(1.0)
    c.close()
