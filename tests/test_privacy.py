"""Nothing leaves the machine and nothing is left where others can read it: `run` on a video with a fresh HOME
creates nothing under HOME/.cache (onnxruntime's telemetry is off) and opens no network socket (strace), the
log is 0600 and the state and runtime folders 0700; a runtime folder of another user or a link planted in /tmp
is a clear error."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys

import pytest

from gesturectl.errors import GesturectlError
from gesturectl.paths import private_dir
from tests.conftest import ROOT


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_private_dir_creates_and_tightens(tmp_path):
    d = private_dir(tmp_path / "a" / "b")
    assert mode(d) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    private_dir(loose)
    assert mode(loose) == 0o700


def test_a_link_planted_in_a_shared_folder_is_refused(tmp_path):
    target = tmp_path / "somewhere"
    target.mkdir(mode=0o755)
    link = tmp_path / "gesturectl-1000"
    link.symlink_to(target)
    with pytest.raises(GesturectlError, match="is a symbolic link or not a folder; remove it"):
        private_dir(link, shared_parent=True)
    assert mode(target) == 0o755  # not touched through the link
    (tmp_path / "file").write_text("x")
    with pytest.raises(GesturectlError, match="not a folder"):
        private_dir(tmp_path / "file", shared_parent=True)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make a folder of another user"
)
def test_a_folder_of_another_user_is_a_clear_error(tmp_path):
    d = tmp_path / "theirs"
    d.mkdir(mode=0o700)
    os.chown(d, 54321, -1)
    with pytest.raises(GesturectlError, match=r"belongs to another user \(uid 54321\); set GESTURECTL_RUNTIME_DIR"):
        private_dir(d)


def test_the_log_is_private_even_if_an_old_one_was_not(tmp_path):
    from gesturectl.cli.run import PrivateLogHandler

    old = tmp_path / "old.log"
    old.write_text("x\n")
    os.chmod(old, 0o644)
    for path in (tmp_path / "new.log", old):
        h = PrivateLogHandler(path, maxBytes=100, backupCount=2, encoding="utf-8")
        for i in range(20):
            h.emit(logging.LogRecord("t", logging.INFO, __file__, 1, f"line {i} " * 5, None, None))
        h.close()
        assert mode(path) == 0o600 and mode(f"{path}.1") == 0o600


@pytest.mark.slow
def test_run_on_a_video_writes_nothing_under_home_cache_and_opens_no_network_socket(tmp_path):
    import cv2
    import numpy as np

    video = tmp_path / "clip.mp4"
    w = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(15):
        w.write(np.full((120, 160, 3), 40 + 5 * i, np.uint8))
    w.release()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "GESTURECTL_", "ORT_"))}
    env.update(HOME=str(home), GESTURECTL_RUNTIME_DIR=str(tmp_path / "rt"), PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    cmd = [sys.executable, "-m", "gesturectl", "run", "--source", str(video), "--dry-run", "--exit-at-end"]
    trace = tmp_path / "strace.txt"
    if shutil.which("strace"):
        cmd = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace), *cmd]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "stopped: " in r.stderr and "frames" in r.stderr
    assert not (home / ".cache").exists(), sorted(str(p) for p in (home / ".cache").rglob("*"))
    state = home / ".local" / "state" / "gesturectl"
    assert mode(state) == 0o700 and mode(state / "gesturectl.log") == 0o600
    assert mode(tmp_path / "rt") == 0o700
    if trace.exists():
        net = [line for line in trace.read_text().splitlines() if "AF_INET" in line]
        assert net == [], "network calls:\n" + "\n".join(net[:10])
    else:
        pytest.skip("strace is not installed: the HOME/.cache and file-mode checks ran, the socket check did not")
