"""`gesturectl preview` without a display says so in one line and exits 2 (the desktop test shows the window)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_preview_without_a_display_says_why(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(GESTURECTL_CONFIG_DIR=str(tmp_path / "cfg"), GESTURECTL_STATE_DIR=str(tmp_path / "st"))
    res = subprocess.run(
        [sys.executable, "-m", "gesturectl", "preview", "--source", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2, res.stderr
    assert "cannot open the preview window" in res.stderr
