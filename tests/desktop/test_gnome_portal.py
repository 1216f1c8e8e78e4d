"""GNOME on Wayland, for real: headless Mutter, the real xdg-desktop-portal with its GNOME backend on a private
session bus, a real Chromium on its Wayland backend, and gesturectl's `portal` keyboard.

The portal asks the user (xdg-desktop-portal-gnome's "Remote desktop" dialog: switch "Allow remote
interaction" on, then "Share"). Here the test plays the user: it answers the dialog with Tab, Space and
Alt+S sent through Mutter's own org.gnome.Mutter.RemoteDesktop (the interface the portal backend uses), as a
person would with the keyboard. gesturectl's keys then go the product's way: portal -> backend -> Mutter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.desktop.conftest import Chromium, session_bus, stop_process, wait_until, wayland_env

PORTAL = Path("/usr/libexec/xdg-desktop-portal")
PORTAL_GNOME = Path("/usr/libexec/xdg-desktop-portal-gnome")
TAB, SPACE, ALT, S = 15, 57, 56, 31  # evdev keycodes


class MutterSession:
    """Headless Mutter (a virtual monitor, no X11) on a D-Bus session bus of its own."""

    def __init__(self) -> None:
        missing = [n for n in ("mutter", "dbus-daemon") if shutil.which(n) is None]
        missing += [p.name for p in (PORTAL, PORTAL_GNOME) if not p.exists()]
        if missing:
            apt = "apt-get install mutter xdg-desktop-portal xdg-desktop-portal-gnome"
            pytest.skip(f"needs {', '.join(missing)} ({apt})")
        pytest.importorskip("jeepney")
        self.base = Path(tempfile.mkdtemp(prefix="gesturectl-mutter-"))
        env = wayland_env(self.base, "GNOME")
        env["GESTURECTL_STATE_DIR"] = str(self.base / "state")
        # the standard session bus: the portal and its GNOME backend start on demand (D-Bus activation)
        self.bus, env["DBUS_SESSION_BUS_ADDRESS"] = session_bus(env)
        self.log = open(self.base / "mutter.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            ["mutter", "--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x720"],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        if not wait_until(lambda: (self.base / "rt" / "wayland-0").exists(), 20):
            self.stop()
            pytest.fail("mutter did not start:\n" + (self.base / "mutter.log").read_text(errors="replace")[-2000:])
        self.env = dict(env, WAYLAND_DISPLAY="wayland-0")

    def press(self, *chords: tuple[int, ...]) -> None:
        """Type key chords through Mutter's own remote-desktop interface (what the portal backend drives)."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        name = "org.gnome.Mutter.RemoteDesktop"
        with open_dbus_connection(self.env["DBUS_SESSION_BUS_ADDRESS"]) as conn:
            rd = DBusAddress("/org/gnome/Mutter/RemoteDesktop", name, name)
            (path,) = conn.send_and_get_reply(new_method_call(rd, "CreateSession"), timeout=5).body
            session = DBusAddress(path, name, name + ".Session")
            conn.send_and_get_reply(new_method_call(session, "Start"), timeout=5)
            try:
                for chord in chords:
                    for down in (True, False):
                        for code in chord if down else reversed(chord):
                            msg = new_method_call(session, "NotifyKeyboardKeycode", "ub", (code, down))
                            conn.send_and_get_reply(msg, timeout=5)
                            time.sleep(0.03)
                    time.sleep(0.3)
            finally:
                conn.send_and_get_reply(new_method_call(session, "Stop"), timeout=5)

    def requests(self) -> set[str]:
        """The requests the GNOME portal backend has open (one while its dialog waits for the user)."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        backend, path = "org.freedesktop.impl.portal.desktop.gnome", "/org/freedesktop/portal/desktop/request"
        with open_dbus_connection(self.env["DBUS_SESSION_BUS_ADDRESS"]) as conn:
            node = DBusAddress(path, backend, "org.freedesktop.DBus.Introspectable")
            reply = conn.send_and_get_reply(new_method_call(node, "Introspect"), timeout=5)
        if reply.header.message_type.name != "method_return":
            return set()
        return set(re.findall(r'<node name="([^"]+)"', reply.body[0]))

    def answer_dialog(self, before: set[str], timeout_s: float = 30.0) -> None:
        """Play the user: when a new dialog is up, switch "Allow remote interaction" on and press Share."""
        if not wait_until(lambda: self.requests() - before, timeout_s, 0.2):
            pytest.fail("the portal's dialog never came up")
        time.sleep(1.0)  # mapped and focused
        self.press((TAB,), (SPACE,), (ALT, S))

    def stop(self) -> None:
        stop_process(self.proc)
        self.bus.terminate()  # the portal processes leave with their bus
        self.bus.wait(5)
        self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def mutter():
    session = MutterSession()
    yield session
    session.stop()


def open_keyboard_answering_the_dialog(mutter, monkeypatch):
    """select_keyboard('auto') as the daemon calls it, with the test answering the portal's dialog."""
    from gesturectl.actions.keyboard import select_keyboard

    for k, v in mutter.env.items():
        monkeypatch.setenv(k, v)
    for k in ("GESTURECTL_KEYBOARD", "XKB_DEFAULT_LAYOUT", "XKB_DEFAULT_VARIANT", "XKB_DEFAULT_OPTIONS"):
        monkeypatch.delenv(k, raising=False)
    out: dict = {}

    def start() -> None:
        try:
            out["kb"] = select_keyboard("auto")
        except Exception as e:
            out["error"] = e

    before = mutter.requests()
    t = threading.Thread(target=start, daemon=True)
    t.start()
    mutter.answer_dialog(before)
    t.join(30)
    if "kb" not in out:
        pytest.fail(f"the portal keyboard did not start: {out.get('error', 'no answer from the portal')}")
    return out["kb"]


def test_ctrl_equal_through_the_gnome_portal_zooms_a_real_chromium(mutter, monkeypatch):
    c = Chromium(mutter.env, mutter.base, extra_args=("--ozone-platform=wayland", "--remote-allow-origins=*"))
    try:
        assert c.zoom() == 1.0
        assert wait_until(lambda: c.evaluate("document.hasFocus()"), 15)
        kb = open_keyboard_answering_the_dialog(mutter, monkeypatch)
        try:
            # the dialog has closed: the keys go to the window in front again, Chromium
            assert wait_until(lambda: c.evaluate("document.hasFocus()"), 10), "Chromium did not get the focus back"
            assert kb.name == "portal"
            assert kb.chosen_because.startswith("a GNOME Wayland session (XDG_CURRENT_DESKTOP=GNOME)")
            for keys, expected in ((("ctrl", "="), 1.1), (("ctrl", "="), 1.25), (("ctrl", "-"), 1.1)):
                kb.send(keys)
                seen = "document.hasFocus() + ' ' + JSON.stringify(document.getElementById('typed').value)"
                assert wait_until(lambda e=expected: abs(c.zoom() - e) < 1e-3, 5), (keys, c.zoom(), c.evaluate(seen))
            assert kb.held() == ()
            token = kb._session.grant.restore_token
        finally:
            kb.close()
        stored = mutter.base / "state" / "remote-desktop-token"
        # the grant is kept when the desktop offers a token (xdg-desktop-portal-gnome 43 offers none: it asks again)
        assert (stored.read_text().strip() if stored.exists() else "") == token
    finally:
        c.close()


def test_doctor_under_gnome_round_trips_a_key_through_the_portal_and_says_focus_needs_an_extension(mutter, tmp_path):
    from tests.desktop.test_doctor import by_part

    env = dict(mutter.env, GESTURECTL_RUNTIME_DIR=str(tmp_path / "rt"), GESTURECTL_STATE_DIR=str(tmp_path / "state"),
               GESTURECTL_CONFIG_DIR=str(tmp_path / "cfg"), HOME=str(tmp_path))  # fmt: skip
    before = mutter.requests()
    proc = subprocess.Popen([sys.executable, "-m", "gesturectl", "doctor", "--source", "demo", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        mutter.answer_dialog(before, 60)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    checks = by_part(out)
    assert checks["display"]["detail"] == "Wayland (GNOME) at wayland-0", checks["display"]
    keys = checks["keystrokes"]
    assert keys["ok"] is True, keys
    assert keys["detail"].startswith("portal: a key sent through portal reached a window of ours (chosen: a GNOME")
    focus = checks["focused app"]
    assert focus["ok"] is False and "GNOME tells only Shell extensions" in focus["detail"], focus
    assert proc.returncode == 0, (out, err)  # the focused app is not essential: gesturectl can work here
