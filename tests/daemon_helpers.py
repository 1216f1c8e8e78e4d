"""Helpers for tests that run `gesturectl run` in a subprocess."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading

import pytest

from gesturectl.sources.traces import TraceHeader, TraceWriter
from gesturectl.synth.puppet import perform


def write_trace(path, script, seed=11):
    with open(path, "w", encoding="utf-8") as f:
        w = TraceWriter(f, TraceHeader("coco17", (640, 480), 30.0))
        for t, pose in perform(script, seed=seed, noise_px=1.0):
            w.write(t, pose)


class Daemon:
    """`gesturectl run` in a subprocess, its stdout lines in a queue."""

    def __init__(self, env, tmp, source, *extra):
        self.env = dict(
            env,
            GESTURECTL_RUNTIME_DIR=str(tmp / "rt"),
            GESTURECTL_STATE_DIR=str(tmp / "state"),
            GESTURECTL_CONFIG_DIR=str(tmp / "cfg"),
            PYTHONUNBUFFERED="1",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gesturectl", "run", "--source", str(source), *extra],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.err.append), daemon=True).start()

    @staticmethod
    def _read(stream, put):
        for line in stream:
            put(line.rstrip("\n"))

    def next_line(self, timeout=30.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no event within {timeout} s; stderr:\n" + "\n".join(self.err))

    def wait(self, timeout=60):
        rc = self.proc.wait(timeout)
        return rc

    def control(self, cmd: str) -> dict:
        r = subprocess.run(
            [sys.executable, "-m", "gesturectl", cmd, "--json"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
        )
        return json.loads(r.stdout) if r.stdout.strip() else {"ok": False, "stderr": r.stderr}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
