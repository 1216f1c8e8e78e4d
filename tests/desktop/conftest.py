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

    def __init__(self, env, tmp: Path) -> None:
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.skip("needs Debian's chromium (apt-get install chromium)")
        page = tmp / "page.html"
        page.write_text(
            "<html><head><title>gesturectl zoom test</title></head>"
            "<body><h1>gesturectl</h1><p>Zoom me.</p></body></html>"
        )
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                exe,
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

    def zoom(self) -> float:
        import websocket

        ws = websocket.create_connection(self.ws_url, timeout=10, suppress_origin=True)
        try:
            ws.send(
                json.dumps(
                    {
                        "id": 1,
                        "method": "Runtime.evaluate",
                        "params": {"expression": "window.devicePixelRatio", "returnByValue": True},
                    }
                )
            )
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == 1:
                    return float(msg["result"]["result"]["value"])
        finally:
            ws.close()

    def window_id(self) -> str:
        return wait_until(
            lambda: xdotool(self.env, "search", "--onlyvisible", "--class", "chromium").split("\n")[0], 20, 0.2
        )

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pytest_collection_modifyitems(config, items):
    """Everything in tests/desktop needs a real X server and desktop programs."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.desktop)
