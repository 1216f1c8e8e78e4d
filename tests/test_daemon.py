"""The daemon without a desktop (dry run): control socket, pause/resume, reload with a broken
config, camera loss and recovery, a failing action, single instance, stop."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from gesturectl.puppet import DEMO_ZOOM_SCRIPT, GESTURE_SCRIPTS
from gesturectl.puppet import Move as M
from tests.daemon_helpers import Daemon, write_trace
from tests.desktop.conftest import wait_until

ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


@pytest.fixture
def daemons():
    started = []

    def start(tmp, source, *extra):
        d = Daemon(ENV, tmp, source, *extra)
        started.append(d)
        assert wait_until(lambda: d.control("status").get("ok"), 15), d.err
        return d

    yield start
    for d in started:
        d.stop()


def test_status_pause_resume_and_no_action_while_paused(tmp_path, daemons):
    trace = tmp_path / "zooms.jsonl"
    write_trace(trace, [M("rest", 1.5), *DEMO_ZOOM_SCRIPT])  # zoom_in at ~4.4 s, ~7.8 s; zoom_out ~9.5 s
    cfg = tmp_path / "config.yaml"
    cfg.write_text("daemon: {idle_fps: 30}\n")  # while paused, still look at every frame (default: 5 a second)
    d = daemons(tmp_path, trace, "--dry-run", "--config", str(cfg))
    st = d.control("status")
    assert st["state"] == "running" and st["paused"] is False and st["dry_run"] is True
    assert d.control("pause") == {"ok": True, "state": "paused", "paused": True}
    line = d.next_line()
    assert "zoom_in -> zoom_in: skipped: paused" in line, line
    assert d.control("resume")["paused"] is False
    rest = [d.next_line() for _ in range(2)]
    assert all("dry run: would hotkey mod+" in line for line in rest), rest
    assert wait_until(lambda: d.control("status")["state"] == "ended", 10)
    assert d.control("stop")["ok"] is True
    assert d.proc.wait(10) == 0
    assert not (tmp_path / "rt" / "control.sock").exists()


def test_control_socket_is_private_and_single_instance(tmp_path, daemons):
    trace = tmp_path / "idle.jsonl"
    write_trace(trace, [M("rest", 30)])
    d = daemons(tmp_path, trace, "--dry-run")
    sock = tmp_path / "rt" / "control.sock"
    assert stat.S_IMODE(sock.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((tmp_path / "rt").stat().st_mode) == 0o700
    second = Daemon(ENV, tmp_path, trace, "--dry-run")
    assert second.proc.wait(20) == 2
    assert "already running" in "\n".join(second.err)
    assert d.control("status")["ok"]


def test_reload_keeps_the_old_config_when_the_new_one_is_broken(tmp_path, daemons):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("actions:\n  zoom_in: {hotkey: [mod, '=']}\n")
    trace = tmp_path / "zooms.jsonl"
    write_trace(trace, [M("rest", 4.0), *DEMO_ZOOM_SCRIPT])
    d = daemons(tmp_path, trace, "--dry-run", "--config", str(cfg))
    cfg.write_text("gestures:\n  refractory_s: -1\nbindings: [{gesture: zoom_in, action: nope}]\n")
    r = d.control("reload")
    assert r["ok"] is False and "still running the previous one" in r["error"]
    assert "gestures.refractory_s (line 2)" in r["error"] and "unknown action 'nope'" in r["error"]
    assert d.control("status")["state"] == "running"
    # a valid config is taken: zoom_in now presses mod+0 (reset zoom)
    cfg.write_text("actions:\n  zoom_in: {hotkey: [mod, '0']}\n")
    assert d.control("reload")["ok"] is True
    assert "dry run: would hotkey mod+0" in d.next_line()
    assert cfg.read_text() == "actions:\n  zoom_in: {hotkey: [mod, '0']}\n"  # never rewritten


def test_camera_loss_and_recovery(tmp_path, daemons):
    source = tmp_path / "camera.jsonl"  # not there yet: an unplugged camera
    d = daemons(tmp_path, source, "--dry-run")
    st = wait_until(lambda: (s := d.control("status"))["state"] == "no camera" and s, 10)
    assert st and "no such camera, file or folder" in st["source_message"] and "retrying in" in st["source_message"]
    assert any("--source demo" in line for line in d.err)
    write_trace(tmp_path / "tmp.jsonl", GESTURE_SCRIPTS["zoom_in"])
    shutil.move(tmp_path / "tmp.jsonl", source)  # plugged in: the next retry picks it up
    assert "zoom_in -> zoom_in: dry run: would hotkey mod+=" in d.next_line(timeout=30)
    assert d.control("status")["source_state"] in ("started", "ended")


def test_a_source_that_fails_midway_is_retried(tmp_path, daemons):
    source = tmp_path / "broken.jsonl"
    write_trace(source, [M("rest", 1.0)])
    with open(source, "a") as f:
        f.write("{not json\n")
    d = daemons(tmp_path, source, "--dry-run")
    st = wait_until(lambda: (s := d.control("status"))["state"] == "no camera" and s, 15)
    assert st and "bad trace frame" in st["source_message"]
    assert d.control("status")["ok"]  # still answering


def test_a_failing_action_is_reported_and_the_daemon_goes_on(tmp_path, daemons):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("apps:\n  ghost: {argv: [no-such-program-gesturectl]}\n"
                   "actions:\n  open_ghost: {launch: ghost}\n"
                   "bindings:\n  - {gesture: open_app, action: open_ghost}\n"
                   "  - {gesture: close_app, action: open_ghost}\n")
    trace = tmp_path / "apps.jsonl"
    write_trace(trace, [*GESTURE_SCRIPTS["open_app"], *GESTURE_SCRIPTS["close_app"][1:]])
    d = daemons(tmp_path, trace, "--config", str(cfg))  # live, not a dry run: launching really fails
    assert wait_until(lambda: any("no-such-program-gesturectl" in e and "not installed" in e for e in d.err), 10)
    for _ in range(2):
        line = d.next_line()
        assert "failed: app 'ghost': 'no-such-program-gesturectl' is not installed" in line, line
    assert d.control("status")["ok"]


def test_a_corrupt_pose_model_is_reported_and_the_daemon_keeps_running(tmp_path, daemons):
    import cv2
    import numpy as np

    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"this is not an onnx model")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"pose:\n  model: {bad}\n")
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(240):  # 8 s at 30 fps: time enough to fix the config and reload
        cv2.imwrite(str(frames / f"{i:03d}.png"), np.full((48, 64, 3), 90, np.uint8))
    d = daemons(tmp_path, frames, "--dry-run", "--config", str(cfg))
    st = wait_until(lambda: (s := d.control("status"))["state"] == "pose model error" and s, 15)
    assert st and "onnxruntime cannot load" in st["pose_error"] and "broken.onnx" in st["pose_error"]
    assert any("the daemon keeps running" in e for e in d.err)
    cfg.write_text("pose:\n  model: lite\n")  # fix it: reload rebuilds the model
    assert d.control("reload")["ok"] is True
    assert wait_until(lambda: d.control("status")["pose_error"] is None, 15)
