#!/usr/bin/env python3
"""Screenshots of the tray icon's states on a real system tray (tint2 under Xvfb) for docs/images/.

Runs `gesturectl run --dry-run` four times (a person in view; paused; nobody in view; a missing source),
captures the docked icon's window each time and writes one strip with a label under each state.
Needs Xvfb, tint2, xdotool and ImageMagick's import.

    python tools/tray_screenshots.py [-o docs/images/tray_states.png]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from gesturectl.sources.traces import TraceHeader, TraceWriter
from gesturectl.synth.puppet import Move, perform


def _trace(path: Path, person: bool) -> None:
    with open(path, "w", encoding="utf-8") as f:
        w = TraceWriter(f, TraceHeader("coco17", (640, 480), 30.0))
        for t, pose in perform([Move("rest", 30.0)]):
            w.write(t, pose if person else None)


def _shot(env: dict, tmp: Path, source: str, pause: bool) -> Image.Image:
    run_env = dict(env, GESTURECTL_RUNTIME_DIR=str(tmp / "rt"), GESTURECTL_STATE_DIR=str(tmp / "st"))
    p = subprocess.Popen(
        [sys.executable, "-m", "gesturectl", "run", "--dry-run", "--source", source],
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "daemon.err", "a"),  # noqa: SIM115
    )
    try:
        wid: list[str] = []
        for _ in range(100):  # the icon docks once the daemon is up
            search = ["xdotool", "search", "--classname", "gesturectlSystemTrayIcon"]
            found = subprocess.run(search, env=env, capture_output=True, text=True)
            wid = found.stdout.split()
            if wid:
                break
            time.sleep(0.2)
        if not wid:
            log = (tmp / "st" / "gesturectl.log").read_text() if (tmp / "st" / "gesturectl.log").exists() else ""
            sys.exit("the tray icon did not dock:\n" + (tmp / "daemon.err").read_text() + log)
        time.sleep(2.0)
        if pause:
            subprocess.run([sys.executable, "-m", "gesturectl", "pause"], env=run_env, capture_output=True)
            time.sleep(1.5)
        png = tmp / "icon.png"
        # the icon's own window, as docked in the tray (tint2 shows it in that window)
        subprocess.run(["import", "-window", wid[0], str(png)], env=env, check=True)
        return Image.open(png).convert("RGB").copy()
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:  # pystray's setup thread can outlive a stopped icon
            p.kill()
            p.wait(5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", type=Path, default=Path("docs/images/tray_states.png"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        (tmp / "tint2rc").write_text(
            "panel_items = S\npanel_size = 220 40\npanel_position = top left horizontal\n"
            "background_color = #303030 100\nsystray_icon_size = 32\nsystray_padding = 4 4 4\n"
        )
        r, w = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "400x200x24", "-nolisten", "tcp"], pass_fds=(w,)
        )
        os.close(w)
        env = dict(os.environ, DISPLAY=":" + os.fdopen(r).readline().strip(), GESTURECTL_CONFIG_DIR=str(tmp / "cfg"))
        panel = subprocess.Popen(["tint2", "-c", str(tmp / "tint2rc")], env=env, stderr=subprocess.DEVNULL)
        os.environ["DISPLAY"] = env["DISPLAY"]
        from gesturectl.runtime.tray import tray_available

        for _ in range(100):  # until the panel owns the system tray selection
            if tray_available()[0]:
                break
            time.sleep(0.2)
        try:
            _trace(tmp / "person.jsonl", True)
            _trace(tmp / "nobody.jsonl", False)
            states = [
                ("active", _shot(env, tmp, str(tmp / "person.jsonl"), False)),
                ("paused", _shot(env, tmp, str(tmp / "person.jsonl"), True)),
                ("nobody in view", _shot(env, tmp, str(tmp / "nobody.jsonl"), False)),
                ("error (no camera)", _shot(env, tmp, str(tmp / "missing.mp4"), False)),
            ]
        finally:
            panel.terminate()
            xvfb.terminate()
    crops = [(label, img.resize((80, 80), Image.NEAREST)) for label, img in states]
    strip = Image.new("RGB", (150 * len(crops), 120), (48, 48, 48))
    d = ImageDraw.Draw(strip)
    for i, (label, img) in enumerate(crops):
        strip.paste(img, (150 * i + 35, 8))
        d.text((150 * i + 75 - 3 * len(label), 96), label, fill=(230, 230, 230))
    args.o.parent.mkdir(parents=True, exist_ok=True)
    strip.save(args.o)
    print(f"wrote {args.o}")


if __name__ == "__main__":
    main()
