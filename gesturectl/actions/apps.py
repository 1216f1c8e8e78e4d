"""Launching and closing applications, safely.

- launch: an argv list (never a shell); when the app already runs (a process of the current user
  with one of its names), no second copy unless `allow_second_copy`.
- close: only apps named in the config, only processes of the current user (real and effective uid),
  matched by their *executable* (`/proc/PID/exe`, never argv[0], which any program can set with
  `exec -a`) or started by this daemon; never the daemon itself or any of its ancestors (so
  `process_names: [python3]` cannot make it kill itself). First ask their windows to close; an app whose
  windows were asked and that still runs after `close_timeout_s` is left running (it is most likely asking
  about unsaved work), unless `force_close`. Processes with no window to ask are terminated, and killed
  only after `close_timeout_s`.
- launch reports a failure when the program exits with an error at once (e.g. a bad argument).
- each has a quick part (checks, `Popen`, asking the windows) and a slow one returned as `Pending`
  (watching the program start; waiting for it to go): the daemon runs the slow part on a thread of its
  own, so frames keep flowing; `launch()` and `close()` do both in turn. The slow part never touches
  the window system (its connection is not thread-safe).
psutil reads the process table; subprocess starts programs. Tests pass fakes of neither: they
start and close real programs.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from functools import partial

import psutil

from gesturectl.actions.action import Pending
from gesturectl.actions.spec import AppSpec
from gesturectl.actions.windows import WindowSystem
from gesturectl.errors import ActionError

log = logging.getLogger(__name__)


def missing_executables(apps: dict[str, AppSpec]) -> dict[str, str]:
    """App name -> its argv[0] for apps whose executable cannot be found on PATH."""
    return {name: a.argv[0] for name, a in apps.items() if a.argv and shutil.which(a.argv[0]) is None}


def _matches(proc: psutil.Process, names: tuple[str, ...]) -> bool:
    """Whether the process runs one of `names` (a bare name matches the executable's file name, a path the
    executable's full path); argv[0] and the process title are never trusted."""
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        exe = proc.exe()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
        return False
    if not exe:
        return False
    exe = exe.removesuffix(" (deleted)")  # (an executable replaced by an upgrade)
    base = os.path.basename(exe)
    base_no_ext = base[:-4] if base.lower().endswith(".exe") else base
    return any(n == exe if os.sep in n else n in (base, base_no_ext) for n in names)


def protected_pids() -> set[int]:
    """This process and all its ancestors: never closed, whatever the config says."""
    me = psutil.Process()
    return {me.pid, *(p.pid for p in me.parents())}


class AppController:
    """Starts and closes the applications of the config for the current user."""

    def __init__(
        self, windows: WindowSystem | None = None, uid: int | None = None, launch_check_s: float = 0.5
    ) -> None:
        self._windows = windows or WindowSystem()
        self._uid = os.getuid() if uid is None and hasattr(os, "getuid") else uid
        self._children: dict[str, list[subprocess.Popen]] = {}
        self._children_lock = threading.Lock()  # the slow parts reap from another thread
        self._launch_check_s = launch_check_s
        self._protected = protected_pids()

    def _mine(self, p: psutil.Process) -> bool:
        if self._uid is None:
            return True
        uids = p.info.get("uids")
        return uids is not None and uids.real == self._uid and uids.effective == self._uid

    def own_processes(self, name: str, app: AppSpec) -> list[psutil.Process]:
        """Running processes of this app that belong to the current user (never this daemon or its ancestors)."""
        self._reap()
        with self._children_lock:
            started = {c.pid for c in self._children.get(name, [])}
        out = []
        for p in psutil.process_iter(["uids"]):
            try:
                if p.pid in self._protected or not self._mine(p):
                    continue
            except (KeyError, AttributeError):
                continue
            if p.pid in started or _matches(p, app.names()):
                out.append(p)
        return out

    def launch(self, name: str, app: AppSpec) -> str:
        started = self.start_launch(name, app)
        return started if isinstance(started, str) else started.finish()

    def close(self, name: str, app: AppSpec) -> str:
        started = self.start_close(name, app)
        return started if isinstance(started, str) else started.finish()

    def start_launch(self, name: str, app: AppSpec) -> str | Pending:
        """Start the app (or say why not, at once); the Pending watches that it does not fail at once."""
        if not app.argv:
            raise ActionError(f"app {name!r} has no argv to start it with")
        running = self.own_processes(name, app)
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
        with self._children_lock:  # tracked at once (reaped when it exits): a close right after finds it
            self._children.setdefault(name, []).append(proc)
        return Pending(partial(self._watch_start, name, app, proc))

    def _watch_start(self, name: str, app: AppSpec, proc: subprocess.Popen) -> str:
        try:
            code = proc.wait(self._launch_check_s)  # a program that fails at once says so here
        except subprocess.TimeoutExpired:
            code = None
        if code:
            raise ActionError(
                f"app {name!r}: {app.argv[0]!r} exited at once with status {code}; check apps.{name}.argv"
            )
        return f"started {name} (pid {proc.pid})"

    def start_close(self, name: str, app: AppSpec) -> str | Pending:
        """Ask the app's windows to close (at once); the Pending waits for it to go and, where no window could
        be asked (or `force_close`), terminates it."""
        procs = self.own_processes(name, app)
        if not procs:
            return f"{name} is not running"
        asked = self._windows.close_windows({p.pid for p in procs})
        return Pending(partial(self._see_closed, name, app, procs, asked))

    def _see_closed(self, name: str, app: AppSpec, procs: list[psutil.Process], asked: int) -> str:
        pids = sorted(p.pid for p in procs)
        wait = app.close_timeout_s
        if asked:
            gone, procs = psutil.wait_procs(procs, timeout=wait if not app.force_close else wait / 2)
            self._reap()
            if procs and not app.force_close:
                return (
                    f"asked {asked} window(s) of {name} to close; still open after {wait:g} s, so left running "
                    f"(it may be asking about unsaved work; `force_close: true` in apps.{name} terminates it)"
                )
        if procs:
            for p in procs:
                _try(p.terminate)
            gone, procs = psutil.wait_procs(procs, timeout=wait / 2 if asked else wait)
        killed = len(procs)
        for p in procs:
            _try(p.kill)
        self._reap()
        how = f"asked {asked} window(s) to close" if asked else "terminated"
        return f"closed {name} (pids {pids}; {how}" + (f"; killed {killed} after {wait:g} s)" if killed else ")")

    def _reap(self) -> None:
        """Collect exited children so they do not linger as zombies."""
        with self._children_lock:
            self._children = {n: [c for c in cs if c.poll() is None] for n, cs in self._children.items()}


def _try(fn) -> None:
    try:
        fn()
    except psutil.NoSuchProcess:
        pass
