"""Zoom in a real browser: gesturectl run replays zoom_in, zoom_in, zoom_out into a focused
Chromium under Xvfb; the page's zoom, read over DevTools, goes 100% → 110% → 125% → 110%.
With another window in front, the same gestures leave Chromium alone."""

from __future__ import annotations

import subprocess

import pytest

from tests.daemon_helpers import Daemon
from tests.desktop.conftest import Chromium, active_window_class, replay_zooms, wait_until, xdotool


@pytest.fixture
def chromium(xsession, tmp_path):
    c = Chromium(xsession, tmp_path)
    yield c
    c.close()


def test_zoom_in_a_real_chromium(xsession, chromium, tmp_path):
    env = xsession
    wid = chromium.window_id()
    xdotool(env, "windowactivate", "--sync", wid)
    assert wait_until(lambda: "chromium" in active_window_class(env), 10)
    assert chromium.zoom() == 1.0
    trace = replay_zooms(env, tmp_path, chromium)
    assert chromium.zoom() == pytest.approx(1.1)

    # Another window in front: the same performance must not zoom Chromium.
    other = subprocess.Popen(
        ["xterm", "-T", "bystander"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        xid = wait_until(lambda: xdotool(env, "search", "--onlyvisible", "--class", "xterm").split("\n")[0], 15)
        xdotool(env, "windowactivate", "--sync", xid)
        assert wait_until(lambda: "xterm" in active_window_class(env), 10)
        d2 = Daemon(env, tmp_path, trace, "--exit-at-end")
        for gesture in ("zoom_in", "zoom_in", "zoom_out"):
            line = d2.next_line()
            assert f"{gesture} -> {gesture}: skipped: chrome is not in front" in line, line
        assert d2.wait() == 0
        assert chromium.zoom() == pytest.approx(1.1)
    finally:
        other.terminate()
        other.wait(5)
