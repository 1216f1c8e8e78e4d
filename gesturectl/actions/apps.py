"""Launching and closing applications, safely.

- launch: an argv list (never a shell); when the app already runs (a process of the current user
  with one of its names), no second copy unless `allow_second_copy`.
- close: only apps named in the config, only processes of the current user: first ask their
  windows to close, then terminate, and kill only after `close_timeout_s`.
psutil reads the process table; subprocess starts programs. Tests pass fakes of neither: they
start and close real programs.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

import psutil

from gesturectl.actions.spec import AppSpec
from gesturectl.actions.windows import WindowSystem
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)


def missing_executables(apps: dict[str, AppSpec]) -> dict[str, str]:
    """App name -> its argv[0] for apps whose executable cannot be found on PATH."""
    return {name: a.argv[0] for name, a in apps.items() if a.argv and shutil.which(a.argv[0]) is None}


def _matches(proc: psutil.Process, names: tuple[str, ...]) -> bool:
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        cands = {proc.name()}
        cmd = proc.cmdline()
        if cmd:
            cands.add(os.path.basename(cmd[0]))
        return bool(cands & set(names))
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


class AppController:
    """Starts and closes the applications of the config for the current user."""

    def __init__(self, windows: WindowSystem | None = None, uid: int | None = None) -> None:
        self._windows = windows or WindowSystem()
        self._uid = os.getuid() if uid is None and hasattr(os, "getuid") else uid
        self._children: list[subprocess.Popen] = []

    def own_processes(self, app: AppSpec) -> list[psutil.Process]:
        """Running processes of this app that belong to the current user."""
        self._reap()
        out = []
        for p in psutil.process_iter(["uids", "username"]):
            try:
                if self._uid is not None and p.info["uids"] is not None and p.info["uids"].real != self._uid:
                    continue
            except (KeyError, AttributeError):
                continue
            if _matches(p, app.names()):
                out.append(p)
        return out

    def launch(self, name: str, app: AppSpec) -> str:
        if not app.argv:
            raise ActionError(f"app {name!r} has no argv to start it with")
        running = self.own_processes(app)
        if running and not app.allow_second_copy:
            return f"{name} is already running (pid {running[0].pid}); not starting a second copy"
        exe = shutil.which(app.argv[0])
        if exe is None:
            raise ActionError(
                f"app {name!r}: {app.argv[0]!r} is not installed or not on PATH; install it or fix apps.{name}.argv"
            )
        proc = subprocess.Popen(
            [exe, *app.argv[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            shell=False,
        )
        self._children.append(proc)
        return f"started {name} (pid {proc.pid})"

    def close(self, name: str, app: AppSpec) -> str:
        procs = self.own_processes(app)
        if not procs:
            return f"{name} is not running"
        pids = {p.pid for p in procs}
        asked = self._windows.close_windows(pids)
        wait = app.close_timeout_s
        if asked:
            gone, procs = psutil.wait_procs(procs, timeout=wait / 2)
            self._reap()
        if procs:
            for p in procs:
                _try(p.terminate)
            gone, procs = psutil.wait_procs(procs, timeout=wait / 2 if asked else wait)
        killed = len(procs)
        for p in procs:
            _try(p.kill)
        self._reap()
        how = f"asked {asked} window(s) to close" if asked else "terminated"
        return f"closed {name} (pids {sorted(pids)}; {how}" + (
            f"; killed {killed} after {wait:g} s)" if killed else ")"
        )

    def _reap(self) -> None:
        """Collect exited children so they do not linger as zombies."""
        self._children = [c for c in self._children if c.poll() is None]


def _try(fn) -> None:
    try:
        fn()
    except psutil.NoSuchProcess:
        pass
