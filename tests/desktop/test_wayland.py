"""Wayland (wlroots): a headless sway, a real Chromium on its Wayland backend, and gesturectl's own
virtual keyboard (`actions/wayland_keyboard.py`) and sway focus reader (`actions/wayland_windows.py`).

The zoom goes 100% -> 110% -> 125% -> 110% as under X11 (tests/desktop/test_browser_zoom.py), which
needs Ctrl and `=` to arrive as Ctrl+= : the keymap the virtual keyboard carries must be a real one.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.daemon_helpers import Daemon
from tests.desktop.conftest import Chromium, replay_zooms, start_sway, wait_until


def open_chromium(s):
    c = Chromium(
        s.env,
        s.folder(f"chromium-{len(list(s.base.iterdir()))}"),
        extra_args=("--ozone-platform=wayland", "--remote-allow-origins=*"),
        user=s.user,
    )
    if not wait_until(lambda: s.focused_app() == "chromium", 20):
        c.close()
        pytest.fail("Chromium never got the focus: " + s.swaymsg("-t", "get_tree")[:2000])
    return c


@pytest.fixture
def wl_chromium(sway_session):
    c = open_chromium(sway_session)
    yield c
    c.close()


def test_the_virtual_keyboard_types_in_the_users_layout(sway_session, wl_chromium, monkeypatch):
    from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard

    for k, v in sway_session.env.items():
        monkeypatch.setenv(k, v)
    assert wait_until(lambda: wl_chromium.evaluate("document.activeElement.id") == "typed", 10)
    kb = WaylandVirtualKeyboard()
    try:
        for keys in (("a",), ("shift", "b"), ("=",), ("+",), ("2",)):
            kb.send(keys)
        assert wait_until(lambda: wl_chromium.evaluate("document.getElementById('typed').value") == "aB=+2", 5), (
            wl_chromium.evaluate("document.getElementById('typed').value")
        )
    finally:
        kb.close()


def test_the_keyboard_brings_its_own_keymap_whatever_layout_sway_is_set_to(monkeypatch):
    """sway set to the German layout (y and z swapped, `=` on Shift+0): our keys still mean what our keymap
    says, because the virtual keyboard hands its keymap to the app. Ctrl+= still zooms."""
    from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard

    s = start_sway("input * xkb_layout de\n")
    try:
        c = open_chromium(s)
        try:
            for k, v in s.env.items():
                monkeypatch.setenv(k, v)
            monkeypatch.delenv("XKB_DEFAULT_LAYOUT", raising=False)
            assert wait_until(lambda: c.evaluate("document.activeElement.id") == "typed", 10)
            kb = WaylandVirtualKeyboard()
            try:
                for k in ("y", "=", "z"):
                    kb.send((k,))
                kb.send(("ctrl", "="))
            finally:
                kb.close()
            typed = "document.getElementById('typed').value"
            assert wait_until(lambda: c.evaluate(typed) == "y=z", 5), c.evaluate(typed)
            assert wait_until(lambda: abs(c.zoom() - 1.1) < 1e-3, 5), c.zoom()
        finally:
            c.close()
    finally:
        s.stop()


def test_sway_tells_which_app_is_in_front(sway_session, wl_chromium, monkeypatch):
    import psutil

    from gesturectl.actions.windows import select_window_system

    for k, v in sway_session.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("DISPLAY", raising=False)
    windows, why = select_window_system()
    assert why is None and windows.name == "sway"
    active = windows.active()
    assert active is not None and "chromium" in active.classes
    assert "chrom" in psutil.Process(active.pid).name()


def test_zoom_in_a_real_chromium_on_sway(sway_session, wl_chromium, tmp_path):
    env = sway_session.env
    assert wl_chromium.zoom() == 1.0
    trace = replay_zooms(env, tmp_path, wl_chromium)
    log = (tmp_path / "state" / "gesturectl.log").read_text()
    assert "keyboard backend: wayland (a Wayland session" in log, log
    assert wl_chromium.zoom() == pytest.approx(1.1)

    # Another window in front (sway's focus, read over its IPC): the same gestures leave Chromium alone.
    if shutil.which("foot") is None:
        pytest.skip("the bystander part needs the foot terminal (apt-get install foot)")
    other = subprocess.Popen(
        ["foot", "--app-id", "bystander", "sleep", "60"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        user=sway_session.user,
        group=sway_session.user,
        extra_groups=[] if sway_session.user else None,
    )
    try:
        assert wait_until(lambda: sway_session.focused_app() == "bystander", 15)
        d2 = Daemon(env, tmp_path, trace, "--exit-at-end")
        for gesture in ("zoom_in", "zoom_in", "zoom_out"):
            line = d2.next_line()
            assert f"{gesture} -> {gesture}: skipped: chrome is not in front" in line, line
        assert d2.wait() == 0
        assert wl_chromium.zoom() == pytest.approx(1.1)
    finally:
        other.terminate()
        other.wait(5)


def test_doctor_under_sway_round_trips_a_key_through_the_virtual_keyboard(sway_session, tmp_path):
    from tests.desktop.test_doctor import by_part, doctor

    rc, out, err = doctor(sway_session.env, tmp_path, "--source", "demo", "--json")
    checks = by_part(out)
    assert checks["display"]["detail"].startswith("Wayland (sway) at wayland-"), checks["display"]
    assert checks["keystrokes"]["ok"] is True
    assert checks["keystrokes"]["detail"] == (
        "wayland: a key sent through wayland reached a window of ours (chosen: a Wayland session "
        "(WAYLAND_DISPLAY is set): the virtual keyboard first; XTEST would reach only XWayland)"
    )
    assert checks["focused app"]["ok"] and checks["focused app"]["detail"] == "sway: saw our probe window in front"
    assert checks["tray"]["ok"] is False  # no X11 tray here: the truth, and not essential
    assert rc == 0, (out, err)


def test_sway_asks_an_apps_windows_to_close(sway_session):
    from gesturectl.actions.wayland_windows import SwayWindows

    if shutil.which("foot") is None:
        pytest.skip("needs the foot terminal (apt-get install foot)")
    s = sway_session
    proc = subprocess.Popen(
        ["foot", "--app-id", "closeme", "sleep", "60"],
        env=s.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        user=s.user,
        group=s.user,
        extra_groups=[] if s.user else None,
    )
    try:
        assert wait_until(lambda: s.focused_app() == "closeme", 15)
        windows = SwayWindows(s.env["SWAYSOCK"])
        assert windows.close_windows({proc.pid + 999999}) == 0  # nobody's windows
        assert windows.close_windows({proc.pid}) == 1
        proc.wait(10)  # foot exits when its window is closed
        assert s.focused_app() != "closeme"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_wayland_probe_fails_when_the_key_goes_nowhere(sway_session, monkeypatch):
    from gesturectl.actions.key_probe import probe_keys
    from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard
    from gesturectl.actions.wayland_windows import SwayWindows
    from tests.fakes import RecordingKeyboard

    for k, v in sway_session.env.items():
        monkeypatch.setenv(k, v)
    real = WaylandVirtualKeyboard()  # the seat has a keyboard, so the probe window gets the focus
    try:
        result = probe_keys(RecordingKeyboard(), SwayWindows(), timeout_s=1.0)
    finally:
        real.close()
    assert not result.ok and "did not reach" in result.detail
    assert result.focused is not None and result.focused.classes == ("gesturectl-doctor",)
