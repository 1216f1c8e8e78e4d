"""The global pause hotkey (Ctrl+Alt+G by default) and auto-pause while the user types, through
pynput's listeners on a real X server; gesturectl's own keystrokes never auto-pause it."""

from __future__ import annotations

import time

from gesturectl.synth.puppet import DEMO_ZOOM_SCRIPT
from gesturectl.synth.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until, xdotool


def test_pause_hotkey_toggles(xsession, tmp_path):
    env = xsession
    trace = tmp_path / "idle.jsonl"
    write_trace(trace, [M("rest", 60)])
    cfg = tmp_path / "c.yaml"
    cfg.write_text("daemon: {tray: 'off'}\n")
    d = Daemon(env, tmp_path, trace, "--config", str(cfg))
    try:
        assert wait_until(lambda: d.control("status").get("ok"), 15), d.err
        assert not any("pause hotkey and auto-pause are off" in e for e in d.err), d.err
        time.sleep(0.5)  # the listener starts with the daemon
        xdotool(env, "key", "ctrl+alt+g")
        assert wait_until(lambda: d.control("status")["paused"] is True, 5), d.err
        xdotool(env, "key", "ctrl+alt+g")
        assert wait_until(lambda: d.control("status")["paused"] is False, 5)
    finally:
        d.stop()


def test_auto_pause_while_typing(xsession, tmp_path):
    env = xsession
    trace = tmp_path / "zooms.jsonl"
    write_trace(trace, [M("rest", 1.0), *DEMO_ZOOM_SCRIPT])  # zoom_in at ~3.9 s and ~7.3 s, zoom_out at ~9 s
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "daemon: {tray: 'off', auto_pause_on_input_s: 1.5}\n"
        "bindings:\n  - {gesture: zoom_in, action: zoom_in}\n  - {gesture: zoom_out, action: zoom_out}\n"
    )
    d = Daemon(env, tmp_path, trace, "--config", str(cfg))
    try:
        assert wait_until(lambda: d.control("status").get("ok"), 15), d.err
        t0 = time.monotonic()
        while time.monotonic() - t0 < 4.2:  # keep typing through the first zoom_in (at ~3.9 s)
            xdotool(env, "key", "a")
            time.sleep(0.3)
        first = d.next_line()
        assert "zoom_in -> zoom_in: skipped: you are using the keyboard or mouse" in first, first
        # no more typing: the next gestures act, and their own Ctrl+= / Ctrl+- do not pause anything
        second, third = d.next_line(), d.next_line()
        assert "zoom_in -> zoom_in: sent ctrl+=" in second, second
        assert "zoom_out -> zoom_out: sent ctrl+-" in third, third
    finally:
        d.stop()
