"""The RemoteDesktop-portal keyboard against a fake portal on a private, real D-Bus bus (dbus-daemon):
the request/response flow, asking once and keeping the grant, and the exact evdev keycodes."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from gesturectl.actions.keyboard import auto_order, portal_desktop, select_keyboard
from gesturectl.actions.portal import PortalSession, request_path
from gesturectl.actions.portal_keyboard import PortalKeyboard, TokenStore
from gesturectl.errors import ActionError
from tests.dbus_fakes import FakePortal, PrivateBus

pytest.importorskip("jeepney")

CTRL, EQUAL, SHIFT = 29, 13, 42  # evdev keycodes (us layout)


@pytest.fixture
def bus():
    b = PrivateBus()
    yield b
    b.stop()


@pytest.fixture
def portal(bus):
    p = FakePortal(bus.address)
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def us_layout(monkeypatch):
    for name in ("XKB_DEFAULT_LAYOUT", "XKB_DEFAULT_VARIANT", "XKB_DEFAULT_OPTIONS", "XKB_DEFAULT_RULES"):
        monkeypatch.delenv(name, raising=False)


def keyboard(bus, tmp_path, **kw) -> PortalKeyboard:
    kw.setdefault("settle_s", 0)
    return PortalKeyboard(TokenStore(tmp_path / "remote-desktop-token"),
                          lambda token: PortalSession(token, answer_timeout_s=5, bus=bus.address), **kw)  # fmt: skip


def test_request_paths_follow_the_portal_spec():
    assert request_path(":1.42", "gesturectl_ab") == "/org/freedesktop/portal/desktop/request/1_42/gesturectl_ab"


def test_ctrl_equal_goes_as_evdev_keycodes_pressed_then_released_in_reverse(bus, portal, tmp_path):
    kb = keyboard(bus, tmp_path, hold_s=0)
    try:
        kb.send(("ctrl", "="))
        kb.send(("+",))  # shifted on us: Shift is added around it
    finally:
        kb.close()
    assert portal.keys == [(CTRL, 1), (EQUAL, 1), (EQUAL, 0), (CTRL, 0), (SHIFT, 1), (EQUAL, 1), (EQUAL, 0), (SHIFT, 0)]
    assert portal.selected[0] == {"types": 1, "persist_mode": 2}  # the keyboard only, kept until revoked
    assert portal.closed == ["/org/freedesktop/portal/desktop/session/fake/1"]  # the session ends with us


def test_it_asks_once_and_keeps_the_grant_in_a_private_file(bus, portal, tmp_path):
    (tmp_path / "gesturectl.log").write_text("someone else's file\n")
    keyboard(bus, tmp_path).close()
    token_file = tmp_path / "remote-desktop-token"
    assert token_file.read_text() == "token-1\n"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600

    kb = keyboard(bus, tmp_path)  # the next start: the stored token, no dialog
    kb.close()
    assert portal.dialogs == 1
    assert portal.selected[1] == {"types": 1, "persist_mode": 2, "restore_token": "token-1"}
    assert token_file.read_text() == "token-2\n"  # each token is good once: the new one replaces it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gesturectl.log", "remote-desktop-token"]
    assert (tmp_path / "gesturectl.log").read_text() == "someone else's file\n"


def test_a_stale_token_means_the_desktop_asks_again(bus, portal, tmp_path):
    (tmp_path / "remote-desktop-token").write_text("revoked-long-ago\n")
    keyboard(bus, tmp_path).close()
    assert portal.dialogs == 1 and portal.selected[0]["restore_token"] == "revoked-long-ago"
    assert (tmp_path / "remote-desktop-token").read_text() == "token-1\n"


def test_a_version_1_portal_is_not_sent_persistence_options(bus, portal, tmp_path):
    portal.version = 1
    keyboard(bus, tmp_path).close()
    assert portal.selected == [{"types": 1}]


def test_the_user_saying_no_is_an_error_that_says_so(bus, portal, tmp_path):
    portal.answer = 1
    with pytest.raises(ActionError, match="Start: the user said no"):
        keyboard(bus, tmp_path)
    assert not (tmp_path / "remote-desktop-token").exists()


def test_a_grant_without_the_keyboard_is_refused(bus, portal, tmp_path):
    portal.grant_devices = 2  # the pointer only
    with pytest.raises(ActionError, match="keyboard was not granted"):
        keyboard(bus, tmp_path)


def test_a_refused_key_releases_everything_already_pressed(bus, portal, tmp_path):
    portal.fail_keycode = EQUAL
    kb = keyboard(bus, tmp_path, hold_s=0)
    try:
        with pytest.raises(ActionError, match="refused"):
            kb.send(("ctrl", "="))
        assert kb.held() == ()
    finally:
        kb.close()
    assert portal.keys == [(CTRL, 1), (CTRL, 0)]


def test_a_session_the_desktop_ended_fails_loudly(bus, portal, tmp_path):
    kb = keyboard(bus, tmp_path, hold_s=0)
    try:
        portal.end_session()
        with pytest.raises(ActionError, match="ended the remote-desktop session"):
            for _ in range(50):  # the signal arrives asynchronously
                kb.send(("a",))
        assert kb.held() == ()
    finally:
        kb.close()


def test_no_portal_on_the_bus_says_what_to_install(bus, tmp_path):
    with pytest.raises(ActionError, match="no RemoteDesktop portal.*xdg-desktop-portal-gnome or -kde"):
        keyboard(bus, tmp_path)


def test_gnome_and_kde_wayland_sessions_try_the_portal_first():
    gnome = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}
    names, why = auto_order("linux", gnome)
    assert names[:2] == ["portal", "uinput"] and "GNOME Wayland session" in why
    assert auto_order("linux", {"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "KDE"})[0][0] == "portal"
    assert auto_order("linux", {"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "sway"})[0][0] == "wayland"
    assert "portal" not in auto_order("linux", {"DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "GNOME"})[0]
    assert portal_desktop({"XDG_CURRENT_DESKTOP": "X-Cinnamon"}) == ""


def test_select_keyboard_picks_the_portal_on_gnome_wayland_and_logs_why(bus, portal, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-gesturectl-none")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    monkeypatch.setenv("GESTURECTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("GESTURECTL_KEYBOARD", raising=False)
    with caplog.at_level(logging.INFO, logger="gesturectl.actions.keyboard"):
        kb = select_keyboard("auto")
    try:
        assert kb.name == "portal"
    finally:
        kb.close()
    assert "keyboard backend: portal (a GNOME Wayland session (XDG_CURRENT_DESKTOP=GNOME): the RemoteDesktop " \
        "portal first" in caplog.text  # fmt: skip
    token = tmp_path / "state" / "remote-desktop-token"
    assert token.read_text() == "token-1\n"
    assert stat.S_IMODE(os.stat(tmp_path / "state").st_mode) == 0o700


def test_doctor_says_the_user_said_no_and_how_to_allow_it(bus, portal, tmp_path, monkeypatch):
    from gesturectl.runtime.doctor import check_keys_and_focus

    portal.answer = 1
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-gesturectl-none")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    monkeypatch.setenv("GESTURECTL_STATE_DIR", str(tmp_path / "state"))
    for name in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE", "GESTURECTL_KEYBOARD"):
        monkeypatch.delenv(name, raising=False)
    keys, focus = check_keys_and_focus("portal")
    assert keys.ok is False and keys.essential
    assert keys.detail == "portal: Start: the user said no (or closed the dialog)"
    assert keys.fix.startswith("on GNOME Wayland, start gesturectl again and allow it when the desktop asks")
    assert "install xdg-desktop-portal and xdg-desktop-portal-gnome" in keys.fix
    assert focus.ok is False and "GNOME tells only Shell extensions" in focus.detail
