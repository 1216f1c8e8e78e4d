"""KDE Plasma's compositor for real: a virtual (headless) KWin on a private session bus, real Chromium windows on
their Wayland backend, gesturectl's KWin-script focus reader (`actions/kwin_windows.py`) and its `portal`
keyboard through the real xdg-desktop-portal with the KDE backend (which injects the keys into KWin)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.desktop.conftest import Chromium, replay_zooms, session_bus, stop_process, wait_until, wayland_env

PORTAL = "/usr/libexec/xdg-desktop-portal"
#: KDE's backend is started by Plasma (not by D-Bus activation), so the test starts it; Debian puts it here
PORTAL_KDE = ("/usr/libexec/xdg-desktop-portal-kde", "/usr/lib/*/libexec/xdg-desktop-portal-kde")


def portal_kde() -> str | None:
    return next((hit for pattern in PORTAL_KDE for hit in sorted(glob.glob(pattern))), None)


class KWinSession:
    """`kwin_wayland --virtual` (no GPU, no input devices) on a D-Bus session bus of its own."""

    def __init__(self) -> None:
        exe = shutil.which("kwin_wayland")
        missing = [n for n in ("dbus-daemon",) if shutil.which(n) is None] + ([] if exe else ["kwin_wayland"])
        if missing:
            pytest.skip(f"needs {', '.join(missing)} (apt-get install kwin-wayland dbus-daemon)")
        pytest.importorskip("jeepney")
        assert exe is not None
        self.base = Path(tempfile.mkdtemp(prefix="gesturectl-kwin-"))
        # Debian gives kwin_wayland the file capability cap_sys_resource, and exec fails in containers whose
        # bounding set lacks it: run a copy without it (same name: KWin's Qt platform plugin checks the name).
        (self.base / "bin").mkdir()
        kwin = self.base / "bin" / "kwin_wayland"
        shutil.copy(exe, kwin)
        env = wayland_env(self.base, "KDE")
        self.bus, env["DBUS_SESSION_BUS_ADDRESS"] = session_bus(env)
        self.log = open(self.base / "kwin.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [str(kwin), "--virtual", "--no-lockscreen", "--no-global-shortcuts", "--socket", "wayland-kde",
             "--width", "1280", "--height", "720"],
            env=env, stdout=self.log, stderr=self.log,
        )  # fmt: skip
        self.env = dict(env, WAYLAND_DISPLAY="wayland-kde")
        self.portal_backend: subprocess.Popen | None = None
        if not wait_until(lambda: (self.base / "rt" / "wayland-kde").exists() and self._scripting(), 30, 0.2):
            self.stop()
            pytest.fail("kwin_wayland did not start:\n" + (self.base / "kwin.log").read_text(errors="replace")[-2000:])
        backend = portal_kde()
        if backend:  # before anything asks for the portal: xdg-desktop-portal looks for backends when it starts
            self.portal_backend = subprocess.Popen([backend], env=self.env, stdout=self.log, stderr=self.log)

    def _scripting(self) -> bool:
        """KWin's scripting object is exported (a Ping would answer as soon as KWin owns its bus name, before it)."""
        r = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.kde.KWin", "/Scripting",
                            "org.freedesktop.DBus.Introspectable.Introspect"],
                           env=self.env, capture_output=True, text=True)  # fmt: skip
        return r.returncode == 0 and "org.kde.kwin.Scripting" in r.stdout

    def chromium(self, name: str) -> Chromium:
        """A real Chromium on its Wayland backend (app id `chromium`), with a profile of its own."""
        folder = self.base / name
        folder.mkdir()
        return Chromium(self.env, folder, extra_args=("--ozone-platform=wayland", "--remote-allow-origins=*"))

    def stop(self) -> None:
        if self.portal_backend is not None:
            self.portal_backend.terminate()
            self.portal_backend.wait(5)
        stop_process(self.proc)
        self.bus.terminate()
        self.bus.wait(5)
        self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def kwin():
    if shutil.which("dbus-send") is None:
        pytest.skip("needs dbus-send (apt-get install dbus-bin)")
    session = KWinSession()
    yield session
    session.stop()


def test_kwin_tells_which_app_is_in_front_and_closes_an_apps_windows(kwin, monkeypatch, tmp_path):
    from gesturectl.actions.windows import select_window_system

    for k, v in kwin.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("GESTURECTL_RUNTIME_DIR", str(tmp_path / "rt"))
    windows, why = select_window_system()
    first = second = None

    def in_front() -> tuple[tuple[str, ...], int | None]:
        a = windows.active()
        return (a.classes, a.pid) if a is not None else ((), None)

    try:
        assert why is None and windows.name == "kwin"
        first = kwin.chromium("first")
        assert wait_until(lambda: in_front() == (("chromium",), first.proc.pid), 15), in_front()
        second = kwin.chromium("second")  # a new window takes the focus: the script tells us
        assert wait_until(lambda: in_front() == (("chromium",), second.proc.pid), 15), in_front()

        assert windows.close_windows({second.proc.pid + 999999}) == 0  # nobody's windows
        assert windows.close_windows({second.proc.pid}) == 1
        second.proc.wait(15)  # Chromium exits when its last window is closed
        assert wait_until(lambda: in_front() == (("chromium",), first.proc.pid), 15), in_front()
    finally:
        getattr(windows, "close", lambda: None)()
        for c in (first, second):
            if c is not None:
                c.close()
    assert list((tmp_path / "rt").iterdir()) == []  # the scripts were handed over and removed


def test_ctrl_equal_through_the_kde_portal_zooms_a_real_chromium(kwin, monkeypatch, tmp_path):
    from gesturectl.actions.keyboard import select_keyboard

    if kwin.portal_backend is None or not os.path.exists(PORTAL):
        pytest.skip("needs xdg-desktop-portal, xdg-desktop-portal-kde and qtwayland5 (apt-get install them)")
    if kwin.portal_backend.poll() is not None:
        pytest.skip("xdg-desktop-portal-kde exited at once (without qtwayland5 it cannot open its Wayland display)")
    for k, v in kwin.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("GESTURECTL_STATE_DIR", str(tmp_path / "state"))
    for k in ("GESTURECTL_KEYBOARD", "XKB_DEFAULT_LAYOUT", "XKB_DEFAULT_VARIANT", "XKB_DEFAULT_OPTIONS"):
        monkeypatch.delenv(k, raising=False)
    c = kwin.chromium("zoom")
    try:
        assert wait_until(lambda: c.evaluate("document.hasFocus()"), 15)
        assert c.zoom() == 1.0
        kb = select_keyboard("auto")  # Plasma 5.27 grants a keyboard-only session without a dialog
        try:
            assert kb.name == "portal"
            assert kb.chosen_because.startswith("a KDE Wayland session (XDG_CURRENT_DESKTOP=KDE)")
            for keys, expected in ((("ctrl", "="), 1.1), (("ctrl", "="), 1.25), (("ctrl", "-"), 1.1)):
                kb.send(keys)
                assert wait_until(lambda e=expected: abs(c.zoom() - e) < 1e-3, 5), (keys, c.zoom())
            assert kb.held() == ()
        finally:
            kb.close()
    finally:
        c.close()


def test_doctor_under_kwin_round_trips_a_key_through_the_portal_and_sees_its_window_via_the_script(kwin, tmp_path):
    from tests.desktop.test_doctor import by_part, doctor

    if kwin.portal_backend is None or kwin.portal_backend.poll() is not None or not os.path.exists(PORTAL):
        pytest.skip("needs xdg-desktop-portal, xdg-desktop-portal-kde and qtwayland5 (apt-get install them)")
    rc, out, err = doctor(kwin.env, tmp_path, "--source", "demo", "--json")
    checks = by_part(out)
    assert checks["display"]["detail"] == "Wayland (KDE) at wayland-kde", checks["display"]
    keys = checks["keystrokes"]
    assert keys["ok"] is True, keys
    assert keys["detail"].startswith("portal: a key sent through portal reached a window of ours (chosen: a KDE "), keys
    assert checks["focused app"]["ok"] and checks["focused app"]["detail"] == "kwin: saw our probe window in front"
    assert rc == 0, (out, err)


def test_the_daemon_zooms_a_real_chromium_on_kde_knowing_it_is_in_front(kwin, tmp_path):
    """`gesturectl run` end to end: gestures from a trace, Chrome's app rule matched through the KWin script,
    Ctrl+= and Ctrl+- through the KDE portal."""

    if kwin.portal_backend is None or kwin.portal_backend.poll() is not None or not os.path.exists(PORTAL):
        pytest.skip("needs xdg-desktop-portal, xdg-desktop-portal-kde and qtwayland5 (apt-get install them)")
    c = kwin.chromium("daemon")
    try:
        assert wait_until(lambda: c.evaluate("document.hasFocus()"), 15)
        replay_zooms(kwin.env, tmp_path, c)
        log = (tmp_path / "state" / "gesturectl.log").read_text()
        assert "keyboard backend: portal (a KDE Wayland session (XDG_CURRENT_DESKTOP=KDE)" in log, log
    finally:
        c.close()
