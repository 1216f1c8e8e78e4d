"""The Wayland wire format and the compositor-facing pieces, without a compositor: encoding, a fake
compositor on a socket pair of our own, focus trees of sway and Hyprland, and the backend order."""

from __future__ import annotations

import socket
import struct
import threading

import pytest

from gesturectl.actions.keyboard import auto_order, session_type
from gesturectl.actions.wayland import (
    WaylandConnection,
    decode_header,
    decode_string,
    encode_message,
    encode_string,
    socket_path,
)
from gesturectl.actions.wayland_windows import focused_in_tree, hypr_active
from gesturectl.actions.windows import mac_classes, wayland_candidates
from gesturectl.errors import ActionError


def test_strings_carry_their_nul_and_pad_to_four_bytes():
    assert encode_string("wl_seat") == struct.pack("=I", 8) + b"wl_seat\0"
    assert encode_string("abcd") == struct.pack("=I", 5) + b"abcd\0\0\0\0"
    assert decode_string(encode_string("abcd") + b"tail", 0) == ("abcd", 12)


def test_a_message_header_holds_object_opcode_and_size():
    msg = encode_message(7, 2, b"\1\0\0\0")
    assert len(msg) == 12
    assert decode_header(msg) == (7, 2, 12)


def test_the_socket_path_follows_libwayland():
    assert str(socket_path({"WAYLAND_DISPLAY": "wayland-1", "XDG_RUNTIME_DIR": "/run/user/5"})) == (
        "/run/user/5/wayland-1"
    )
    assert str(socket_path({"WAYLAND_DISPLAY": "/tmp/w"})) == "/tmp/w"
    with pytest.raises(ActionError, match="WAYLAND_DISPLAY"):
        socket_path({})


def _event(obj: int, opcode: int, payload: bytes) -> bytes:
    return encode_message(obj, opcode, payload)


def _fake_compositor(server: socket.socket, interfaces: list[str]) -> None:
    """Answers get_registry with `interfaces` and every sync with done; stops when the client leaves."""
    buf = b""
    registry = None
    while True:
        chunk = server.recv(4096)
        if not chunk:
            return
        buf += chunk
        while len(buf) >= 8 and len(buf) >= decode_header(buf)[2]:
            obj, opcode, size = decode_header(buf)
            body, buf = buf[8:size], buf[size:]
            if obj == 1 and opcode == 1:
                (registry,) = struct.unpack("=I", body)
            elif obj == 1 and opcode == 0:
                (cb,) = struct.unpack("=I", body)
                if registry is not None:
                    for i, name in enumerate(interfaces, 1):
                        payload = struct.pack("=I", i) + encode_string(name) + struct.pack("=I", 1)
                        server.sendall(_event(registry, 0, payload))
                    registry = None
                server.sendall(_event(cb, 0, struct.pack("=I", 0)))


@pytest.fixture
def compositor(tmp_path):
    path = tmp_path / "wayland-9"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    interfaces: list[str] = []

    def serve():
        conn, _ = listener.accept()
        with conn:
            _fake_compositor(conn, interfaces)

    threading.Thread(target=serve, daemon=True).start()
    yield path, interfaces
    listener.close()


def test_the_registry_lists_the_compositors_globals(compositor):
    path, interfaces = compositor
    interfaces += ["wl_compositor", "wl_seat", "zwp_virtual_keyboard_manager_v1"]
    conn = WaylandConnection(path)
    try:
        assert [g.interface for g in conn.globals] == interfaces
        assert conn.find("wl_seat").name == 2
        with pytest.raises(ActionError, match="does not offer xdg_wm_base"):
            conn.bind("xdg_wm_base", 1)
    finally:
        conn.close()


def test_a_compositor_without_the_virtual_keyboard_is_named_with_the_reason(compositor, monkeypatch):
    from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard

    path, interfaces = compositor
    interfaces += ["wl_compositor", "wl_seat"]  # GNOME and KDE look like this to an ordinary client
    monkeypatch.setenv("WAYLAND_DISPLAY", str(path))
    with pytest.raises(ActionError, match="does not offer zwp_virtual_keyboard_manager_v1.*GNOME and KDE do not"):
        WaylandVirtualKeyboard()


def test_a_missing_compositor_is_named(tmp_path, monkeypatch):
    with pytest.raises(ActionError, match="cannot connect to the Wayland compositor"):
        WaylandConnection(tmp_path / "nothing-here")


def test_the_focused_leaf_of_a_sway_tree():
    tree = {
        "type": "root",
        "nodes": [
            {
                "type": "workspace",
                "nodes": [
                    {"type": "con", "focused": False, "pid": 10, "app_id": "foot"},
                    {"type": "con", "focused": True, "pid": 11, "window_properties": {"class": "XTerm"}},
                ],
                "floating_nodes": [],
            }
        ],
    }
    assert focused_in_tree(tree).classes == ("xterm",) and focused_in_tree(tree).pid == 11
    tree["nodes"][0]["nodes"][1]["focused"] = False
    assert focused_in_tree(tree) is None


def test_hyprland_and_macos_names_become_window_classes():
    assert hypr_active({"class": "Chromium", "initialClass": "chromium", "pid": 42}).classes == ("chromium",)
    assert hypr_active({}) is None
    assert mac_classes("Google Chrome", "com.google.Chrome") == ("google chrome", "google-chrome", "com.google.chrome")


def test_the_keyboard_order_follows_the_session():
    assert session_type({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}) == "wayland"
    assert session_type({"DISPLAY": ":0"}) == "x11"
    assert session_type({}) == "none"
    assert auto_order("linux", {"WAYLAND_DISPLAY": "wayland-0"})[0][0] == "wayland"
    assert auto_order("linux", {"DISPLAY": ":0"})[0][0] == "xtest"
    assert auto_order("darwin")[0] == ["pynput", "pyautogui"]


def test_wayland_focus_names_the_desktop_that_cannot_tell():
    assert wayland_candidates({"SWAYSOCK": "/x"})[0][0].name == "sway"
    assert wayland_candidates({"HYPRLAND_INSTANCE_SIGNATURE": "abc"})[0][0].name == "hyprland"
    none, why = wayland_candidates({"XDG_CURRENT_DESKTOP": "GNOME"})
    assert none == [] and "Shell extensions" in why and "ships none yet" in why
    assert wayland_candidates({"XDG_CURRENT_DESKTOP": "KDE"})[0][0].name == "kwin"  # through a KWin script
    assert wayland_candidates({"XDG_CURRENT_DESKTOP": "X-Cinnamon"})[0] == []
