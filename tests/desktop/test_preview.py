"""The preview window on a real X server (Xvfb + openbox): it appears (found by title), a screenshot has
the drawn figure and the meters where a known trace puts them, the toast appears after a replayed
gesture, pausing shows, and closing the window leaves the daemon running."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from gesturectl.runtime.preview import draw
from gesturectl.synth.puppet import Camera
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until, xdotool

SCRIPT = [
    M("rest", 2.5),
    M("hands_together", 1.0),
    M("hands_together", 0.5),
    M("hands_apart", 0.5),
    M("hands_apart", 60.0),
]


def _screenshot(env, wid) -> np.ndarray:
    """The window's pixels (BGR), through ImageMagick's `import`."""
    out = subprocess.run(
        ["import", "-window", wid, "-depth", "8", "ppm:-"], env=env, capture_output=True, timeout=20
    ).stdout
    magic, dims, maxval, rest = out.split(b"\n", 3)  # "P6\nW H\n255\n" then the pixels
    assert magic == b"P6" and maxval == b"255", out[:40]
    w, h = (int(v) for v in dims.split())
    rgb = np.frombuffer(rest[: w * h * 3], np.uint8).reshape(h, w, 3)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _near(px, colour, tol=40) -> bool:
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(px, colour))


def _gesture_index(name: str) -> int:
    return ["pause", "open_app", "close_app", "zoom_in", "zoom_out"].index(name)


def test_preview_window_shows_figure_meters_toast_and_closing_leaves_the_daemon(xsession, tmp_path):
    if shutil.which("import") is None:
        pytest.skip("needs ImageMagick's import (apt-get install imagemagick)")
    pytest.importorskip("tkinter")
    env = xsession
    trace = tmp_path / "zoom.jsonl"
    write_trace(trace, SCRIPT)
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.yaml").write_text(  # zoom_in without its "chrome in front" rule
        "bindings:\n  - {gesture: zoom_in, action: zoom_in}\ndaemon: {tray: 'off'}\n"
    )
    d = Daemon(env, tmp_path, trace, "--dry-run", "--preview")
    try:
        wid = wait_until(lambda: xdotool(env, "search", "--name", "^gesturectl preview$").split("\n")[0], 20)
        assert wid, "no preview window:\n" + "\n".join(d.err)
        line = d.next_line(30)
        assert "zoom_in -> zoom_in" in line, line
        # the toast (green frame, bottom left of the image) and zoom_in's meter full and green
        toast = (draw.IMAGE_H - 12 - 15, 10)
        shots: list[np.ndarray] = []
        assert wait_until(lambda: _near((shots.append(_screenshot(env, wid)) or shots[-1])[toast], draw.FIRED), 3), (
            "no toast after the gesture"
        )
        img = shots[-1]
        assert img.shape[1] >= draw.image_width((640, 480)) + draw.PANEL_W - 2, img.shape
        x0, y0, x1, y1 = draw.bar_rect(_gesture_index("zoom_in"), (640, 480))
        assert _near(img[(y0 + y1) // 2, x1 - 4], draw.FIRED)
        # the figure: the hands are apart, each wrist where the trace puts it (mirrored), in its side's colour
        cam = Camera()
        lx = round(639 - (cam.centre[0] + 0.8 * cam.shoulder_px))
        ly = round(cam.centre[1] + 0.4 * cam.shoulder_px)
        assert _near(img[ly, lx], draw.LEFT), img[ly, lx]
        rx = round(639 - (cam.centre[0] - 0.8 * cam.shoulder_px))
        assert _near(img[ly, rx], draw.RIGHT), img[ly, rx]
        # paused: an orange frame round the image
        assert d.control("pause")["paused"] is True
        assert wait_until(lambda: _near(_screenshot(env, wid)[draw.IMAGE_H // 2, 2], draw.WARN), 10)
        # closing the window (as a user does, through the window manager) leaves the daemon running
        xdotool(env, "windowactivate", "--sync", wid)
        xdotool(env, "key", "--clearmodifiers", "alt+F4")
        assert wait_until(lambda: not xdotool(env, "search", "--name", "^gesturectl preview$"), 10)
        assert d.proc.poll() is None
        st = d.control("status")
        assert st["ok"] and st["state"] == "paused" and st["frames"] > 0, st
    finally:
        d.stop()


class _FakeDaemon:
    def __init__(self):
        self.attached: list = []

    def attach_view(self, slot):
        self.attached.append(slot)


def test_show_camera_requests_open_the_window_and_closing_detaches_it(xsession, monkeypatch):
    """What the tray's "Show camera" does: `request()` from another thread opens a window on the main thread;
    closing it detaches the preview and waits for the next request."""
    pytest.importorskip("tkinter")
    import threading

    from gesturectl.runtime.preview.host import PreviewHost

    env = xsession
    monkeypatch.setenv("DISPLAY", env["DISPLAY"])
    daemon = _FakeDaemon()
    host = PreviewHost(daemon, lambda msg: pytest.fail(msg))  # type: ignore[arg-type]
    running = threading.Event()
    running.set()
    seen: list[str] = []

    def user():
        for _ in range(2):  # "Show camera", look, close; twice
            host.request()
            wid = wait_until(lambda: xdotool(env, "search", "--name", "^gesturectl preview$").split("\n")[0], 15)
            seen.append(wid)
            if wid:
                xdotool(env, "windowactivate", "--sync", wid)
                xdotool(env, "key", "--clearmodifiers", "alt+F4")
                wait_until(lambda: not host.is_open, 10)
        running.clear()

    t = threading.Thread(target=user, daemon=True)
    t.start()
    host.serve(running.is_set)
    t.join(5)
    assert len(seen) == 2 and all(seen), seen
    slots = daemon.attached
    assert len(slots) == 4 and slots[1] is None and slots[3] is None and slots[0] is not slots[2]
    assert slots[0].closed and slots[2].closed
