"""A real X11 desktop for the tests: Xvfb + openbox (EWMH focus), Chromium with DevTools, helpers.

CI installs Debian's xvfb, openbox, chromium, xterm, x11-apps and xdotool (.ci/run). On a
machine without them these tests skip, saying what to install.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

NEEDED = ("Xvfb", "openbox", "xdotool")


def wait_until(pred, timeout=10.0, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


@pytest.fixture(scope="session")
def xsession():
    missing = [c for c in NEEDED if shutil.which(c) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install xvfb openbox xdotool)")
    # -displayfd: the server picks a free display itself and writes its number, so parallel runs never clash
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number.isdigit():
        xvfb.kill()
        pytest.fail("Xvfb did not start")
    disp = f":{number}"
    env = dict(os.environ, DISPLAY=disp)
    env.pop("WAYLAND_DISPLAY", None)
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = wait_until(
        lambda: (
            subprocess.run(
                ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True
            ).stdout.find("window id")
            >= 0
        ),
        10,
    )
    if not ok:
        pytest.fail("openbox did not take over the display")
    yield env
    wm.terminate()
    xvfb.terminate()
    wm.wait(5)
    xvfb.wait(5)


def stop_process(proc: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """Terminate a helper program, and kill it if it does not go within `timeout_s`."""
    proc.terminate()
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()


def session_bus(env: dict) -> tuple[subprocess.Popen, str]:
    """A D-Bus session bus of the test's own (services it knows start on demand): (the daemon, its address)."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    return bus, bus.stdout.readline().strip()


def wayland_env(base: Path, desktop: str) -> dict:
    """The environment of a headless Wayland desktop `desktop` in `base`: no X, its own 0700 runtime folder."""
    rt = base / "rt"
    rt.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SWAYSOCK")}
    env.update(XDG_RUNTIME_DIR=str(rt), HOME=str(base), XDG_CURRENT_DESKTOP=desktop, XDG_SESSION_TYPE="wayland")
    return env


def replay_zooms(env: dict, tmp_path: Path, chromium: Chromium) -> Path:
    """`gesturectl run` replays zoom_in, zoom_in, zoom_out into the focused `chromium`: each line says the key was
    sent and the page's zoom goes 100% → 110% → 125% → 110%. Returns the trace (to replay it again)."""
    from gesturectl.synth.puppet import DEMO_ZOOM_SCRIPT
    from tests.daemon_helpers import Daemon, write_trace

    trace = tmp_path / "zoom.jsonl"
    write_trace(trace, DEMO_ZOOM_SCRIPT)
    d = Daemon(env, tmp_path, trace, "--exit-at-end")
    for gesture, expected in (("zoom_in", 1.1), ("zoom_in", 1.25), ("zoom_out", 1.1)):
        line = d.next_line()
        assert f"{gesture} -> {gesture}: sent ctrl+" in line, (line, d.err)
        assert wait_until(lambda e=expected: abs(chromium.zoom() - e) < 1e-3, 5), (line, chromium.zoom())
    assert d.wait() == 0
    return trace


def xdotool(env, *args) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=10).stdout.strip()


def active_window_class(env) -> str:
    wid = xdotool(env, "getactivewindow")
    if not wid:
        return ""
    out = subprocess.run(["xprop", "-id", wid, "WM_CLASS"], env=env, capture_output=True, text=True).stdout
    return out.lower()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chromium:
    """A real Chromium showing a local page, read through the DevTools protocol."""

    def __init__(self, env, tmp: Path, extra_args=(), user: str | None = None) -> None:
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.skip("needs Debian's chromium (apt-get install chromium)")
        page = tmp / "page.html"
        page.write_text(
            "<html><head><title>gesturectl zoom test</title></head>"
            "<body><h1>gesturectl</h1><p>Zoom me.</p><input id='typed' autofocus></body></html>"
        )
        page.chmod(0o644)
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                exe,
                *extra_args,
                f"--remote-debugging-port={self.port}",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-default-browser-check",
                "--password-store=basic",
                f"--user-data-dir={tmp / 'profile'}",
                "--window-size=900,700",
                page.as_uri(),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=user,
            group=user,
            extra_groups=[] if user else None,
        )
        self.env = env
        self.ws_url = wait_until(self._page_ws, 30, 0.2)
        if not self.ws_url:
            self.close()
            pytest.fail("Chromium's DevTools page did not come up")

    def _page_ws(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=2) as r:
                pages = json.load(r)
        except OSError:
            return None
        for p in pages:
            if p.get("type") == "page" and p.get("url", "").startswith("file:"):
                return p["webSocketDebuggerUrl"]
        return None

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (over DevTools)."""
        import websocket

        ws = websocket.create_connection(self.ws_url, timeout=10, suppress_origin=True)
        try:
            ws.send(
                json.dumps(
                    {"id": 1, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": True}}
                )
            )
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == 1:
                    return msg["result"]["result"].get("value")
        finally:
            ws.close()

    def zoom(self) -> float:
        return float(self.evaluate("window.devicePixelRatio"))

    def window_id(self) -> str:
        return wait_until(
            lambda: xdotool(self.env, "search", "--onlyvisible", "--class", "chromium").split("\n")[0], 20, 0.2
        )

    def close(self) -> None:
        stop_process(self.proc)


def pytest_collection_modifyitems(config, items):
    """Everything in tests/desktop needs a real X server and desktop programs."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.desktop)


#: The unprivileged user the Wayland tests run sway as when the tests run as root (.ci/run creates it).
SWAY_USER = os.environ.get("GESTURECTL_TEST_USER", "gesturectl-ci")


class SwaySession:
    """A headless sway (wlroots) compositor run by an unprivileged user, with its own runtime folder."""

    def __init__(self, base: Path, user: str | None, config: str = "") -> None:
        self.base, self.user = base, user
        self.runtime = base / "rt"
        self.runtime.mkdir(mode=0o700)
        self.chown(self.runtime)
        cfg = base / "sway.conf"
        cfg.write_text("output HEADLESS-1 resolution 1280x800\ndefault_border none\n" + config)
        cfg.chmod(0o644)
        base_env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SWAYSOCK")}
        self.log = open(base / "sway.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            ["sway", "-c", str(cfg)],
            env=dict(
                base_env,
                HOME=str(base),
                XDG_RUNTIME_DIR=str(self.runtime),
                WLR_BACKENDS="headless",
                WLR_LIBINPUT_NO_DEVICES="1",
                WLR_RENDERER="pixman",
            ),
            stdout=self.log,
            stderr=self.log,
            user=user,
            group=user,
            extra_groups=[] if user else None,
        )
        sockets = wait_until(self._sockets, 15)
        if not sockets:
            self.stop()
            pytest.fail("sway did not start:\n" + (base / "sway.log").read_text(errors="replace")[-2000:])
        wayland, ipc = sockets
        self.env = dict(
            base_env, XDG_RUNTIME_DIR=str(self.runtime), WAYLAND_DISPLAY=wayland, SWAYSOCK=str(ipc), HOME=str(base)
        )

    def _sockets(self):
        names = [p.name for p in self.runtime.iterdir()]
        wayland = next((n for n in names if n.startswith("wayland-") and not n.endswith(".lock")), None)
        ipc = next((self.runtime / n for n in names if n.startswith("sway-ipc")), None)
        return (wayland, ipc) if wayland and ipc else None

    def chown(self, path: Path) -> None:
        if self.user:
            shutil.chown(path, self.user, self.user)

    def folder(self, name: str) -> Path:
        """A fresh folder the sway user owns (for a browser profile, a page)."""
        d = self.base / name
        d.mkdir(mode=0o755)
        self.chown(d)
        return d

    def swaymsg(self, *args: str) -> str:
        return subprocess.run(["swaymsg", *args], env=self.env, capture_output=True, text=True, timeout=10).stdout

    def focused_app(self) -> str:
        """app_id (or X11 class) of sway's focused window, '' when none."""

        def walk(n):
            yield n
            for c in n.get("nodes", []) + n.get("floating_nodes", []):
                yield from walk(c)

        tree = json.loads(self.swaymsg("-t", "get_tree") or "{}")
        for n in walk(tree):
            if n.get("focused") and n.get("pid"):
                return n.get("app_id") or (n.get("window_properties") or {}).get("class", "")
        return ""

    def stop(self) -> None:
        stop_process(self.proc)
        self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)


def start_sway(config: str = "") -> SwaySession:
    """Headless sway (software rendering, no input devices) as an unprivileged user.

    sway is run as this user when not root; as root it runs as SWAY_USER, which must exist
    (`useradd -m gesturectl-ci`, as .ci/run does)."""
    import pwd
    import tempfile

    if shutil.which("sway") is None:
        pytest.skip("needs sway (apt-get install sway)")
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SWAY_USER)
        except KeyError:
            pytest.skip(
                f"running as root: sway needs an unprivileged user; create one with `useradd -m {SWAY_USER}` "
                "(or set GESTURECTL_TEST_USER to an existing one)"
            )
        user = SWAY_USER
    base = Path(tempfile.mkdtemp(prefix="gesturectl-sway-"))
    base.chmod(0o755)
    return SwaySession(base, user, config)


@pytest.fixture(scope="session")
def sway_session():
    """A headless sway shared by the Wayland tests."""
    session = start_sway()
    yield session
    session.stop()
