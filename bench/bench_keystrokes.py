#!/usr/bin/env python3
"""Keystrokes on Wayland: gesturectl's long-lived virtual keyboard against `wtype` (one virtual keyboard per
call), measured in the same run into the same focused window of our own: how many presses arrive, and the
time from asking to the press arriving (median and p95, ms).

Runs inside a Wayland session (WAYLAND_DISPLAY set), or starts a headless sway itself when given
`--sway-user USER` (sway refuses root; the tests' user is gesturectl-ci):

    python bench/bench_keystrokes.py [--n 40] [--sway-user gesturectl-ci]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from gesturectl.actions.key_probe import _WaylandWindow
from gesturectl.actions.wayland import WaylandConnection
from gesturectl.actions.wayland_keyboard import WaylandVirtualKeyboard

KEY_G = 34


def start_sway(user: str) -> tuple[subprocess.Popen, dict[str, str], Path]:
    base = Path(tempfile.mkdtemp(prefix="gesturectl-bench-"))
    base.chmod(0o755)
    rt = base / "rt"
    rt.mkdir(mode=0o700)
    shutil.chown(rt, user, user)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(rt), WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1",
               WLR_RENDERER="pixman", HOME=str(base))  # fmt: skip
    env.pop("DISPLAY", None)
    cfg = base / "sway.conf"
    cfg.write_text("output HEADLESS-1 resolution 1280x800\n")
    cfg.chmod(0o644)
    proc = subprocess.Popen(["sway", "-c", str(cfg)], env=env, user=user, group=user, extra_groups=[],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(200):
        names = [p.name for p in rt.iterdir()]
        way = next((n for n in names if n.startswith("wayland-") and not n.endswith(".lock")), None)
        if way:
            os.environ.update(XDG_RUNTIME_DIR=str(rt), WAYLAND_DISPLAY=way)
            os.environ.pop("DISPLAY", None)
            return proc, env, base
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("sway did not start")


class Receiver(threading.Thread):
    """Our window on its own connection, recording when each press of KEY_G arrives."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.conn = WaylandConnection()
        self.win = _WaylandWindow(self.conn)
        self.arrivals: list[float] = []
        self.stop = False
        original = self.win._kb_event

        def on_key(opcode: int, body: bytes) -> None:
            before = len(self.win.keys)
            original(opcode, body)
            if len(self.win.keys) > before and self.win.keys[-1] == KEY_G:
                self.arrivals.append(time.perf_counter())

        self.conn.on(self.win.kb, on_key)

    def run(self) -> None:
        self.conn.dispatch_until(lambda: self.stop, 3600)


def measure(name: str, send, rx: Receiver, n: int, gap_s: float = 0.08) -> dict:
    lat = []
    for _ in range(n):
        before = len(rx.arrivals)
        t0 = time.perf_counter()
        send()
        end = time.monotonic() + 1.0
        while len(rx.arrivals) == before and time.monotonic() < end:
            time.sleep(0.001)
        if len(rx.arrivals) > before:
            lat.append((rx.arrivals[before] - t0) * 1000)
        time.sleep(gap_s)
    lat.sort()
    return {
        "name": name,
        "arrived": f"{len(lat)}/{n}",
        "median_ms": round(statistics.median(lat), 1) if lat else None,
        "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--sway-user", help="start a headless sway as this user (when not in a Wayland session)")
    args = ap.parse_args()
    sway = None
    if not os.environ.get("WAYLAND_DISPLAY"):
        if not args.sway_user:
            raise SystemExit("not in a Wayland session: run inside one, or pass --sway-user USER")
        sway = start_sway(args.sway_user)
    try:
        kb = WaylandVirtualKeyboard()  # the seat needs a keyboard for our window to get the focus
        rx = Receiver()
        if not rx.win.show(5.0):
            raise SystemExit("the measuring window never got the focus")
        rx.start()
        rows = [measure("gesturectl virtual keyboard (one, long-lived)", lambda: kb.send(("g",)), rx, args.n)]
        if shutil.which("wtype"):
            rows.append(measure("wtype g (one keyboard per call)", lambda: subprocess.run(["wtype", "g"]), rx, args.n))
        else:
            print("wtype is not installed: no peer measured (apt-get install wtype)")
        rx.stop = True
        kb.close()
        print(f"{'backend':50} {'arrived':>8} {'median ms':>10} {'p95 ms':>8}")
        for r in rows:
            print(f"{r['name']:50} {r['arrived']:>8} {r['median_ms']!s:>10} {r['p95_ms']!s:>8}")
        if len(rows) == 2 and rows[0]["median_ms"] and rows[1]["median_ms"]:
            print(f"wtype / gesturectl median latency: {rows[1]['median_ms'] / rows[0]['median_ms']:.1f}x")
    finally:
        if sway is not None:
            sway[0].terminate()
            sway[0].wait(10)
            shutil.rmtree(sway[2], ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
