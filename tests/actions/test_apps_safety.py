"""`close` only ever signals processes of the user whose *executable* matches (never argv[0]), never the daemon
itself or its ancestors; `launch` reports a program that dies at once. Real processes throughout: each test
runs its own uniquely named copies of `sleep` or of Python, so no other process on the machine can match."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import uuid

import psutil
import pytest

from gesturectl.actions.apps import AppController
from gesturectl.actions.spec import AppSpec
from gesturectl.errors import ActionError
from tests.conftest import ROOT


@pytest.fixture()
def sleeper(tmp_path):
    """A copy of `sleep` under a name no other program has."""
    exe = tmp_path / f"gesturectl-sleeper-{uuid.uuid4().hex[:8]}"
    shutil.copy(shutil.which("sleep"), exe)
    return exe


def alive(p: subprocess.Popen) -> bool:
    return p.poll() is None


def test_a_program_that_only_calls_itself_by_the_name_is_never_closed(sleeper):
    name = sleeper.name
    impostor = subprocess.Popen(["bash", "-c", f"exec -a {name} sleep 30"])  # argv[0] says name, exe is sleep
    real = subprocess.Popen([str(sleeper), "30"])
    try:
        time.sleep(0.3)
        assert psutil.Process(impostor.pid).cmdline()[0] == name
        apps = AppController()
        spec = AppSpec(process_names=(name,), close_timeout_s=1.0)
        assert [p.pid for p in apps.own_processes("x", spec)] == [real.pid]
        assert apps.close("x", spec).startswith("closed x (pids [")
        real.wait(5)
        assert alive(impostor)
    finally:
        for p in (impostor, real):
            p.kill()
            p.wait()


DAEMON = r"""
import json, sys
from gesturectl.actions.apps import AppController
from gesturectl.actions.spec import AppSpec
spec = AppSpec(process_names=(sys.argv[1],), close_timeout_s=1.0)
print(json.dumps(AppController().close("me", spec)), flush=True)
"""

ANCESTOR = r"""
import subprocess, sys
sys.exit(subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]]).returncode)
"""


@pytest.mark.slow
def test_close_never_signals_the_daemon_or_its_ancestors(tmp_path):
    """A Python copy named uniquely plays the daemon (and, one level up, its parent), with
    `process_names: [<that name>]`: the sibling copy is closed, the daemon and its parent live on."""
    real = os.path.realpath(sys.executable)
    py = tmp_path / f"gesturectl-py-{uuid.uuid4().hex[:8]}"
    shutil.copy(real, py)
    env = dict(
        os.environ,
        PYTHONHOME=sys.base_prefix,
        PYTHONPATH=os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]]),
        LD_LIBRARY_PATH=os.pathsep.join(
            filter(None, [sysconfig.get_config_var("LIBDIR"), os.environ.get("LD_LIBRARY_PATH")])
        ),
    )
    sibling = subprocess.Popen([str(py), "-c", "import time; time.sleep(30)"], env=env)
    try:
        r = subprocess.run(
            [str(py), "-c", ANCESTOR, DAEMON, py.name], env=env, capture_output=True, text=True, timeout=60
        )
        assert r.returncode == 0, r.stderr[-2000:]  # neither the daemon nor its parent was killed
        # (the sibling is this test's child: it stays a zombie until reaped below, so it may also be "killed")
        assert f'"closed me (pids [{sibling.pid}]; terminated' in r.stdout, r.stdout + r.stderr[-1000:]
        sibling.wait(5)
    finally:
        sibling.kill()
        sibling.wait()


def test_only_processes_of_this_user(sleeper):
    real = subprocess.Popen([str(sleeper), "30"])
    try:
        time.sleep(0.2)
        other_user = AppController(uid=os.getuid() + 12345)
        spec = AppSpec(process_names=(sleeper.name,))
        assert other_user.own_processes("x", spec) == []
        assert other_user.close("x", spec) == "x is not running"
        assert alive(real)
    finally:
        real.kill()
        real.wait()


def test_launch_reports_a_program_that_fails_at_once_and_tracks_what_it_started(tmp_path):
    apps = AppController()
    with pytest.raises(ActionError, match="exited at once with status 3"):
        apps.launch("bad", AppSpec(argv=("sh", "-c", "exit 3")))
    spec = AppSpec(argv=("sh", "-c", "sleep 30"), process_names=("no-such-program-name",), close_timeout_s=1.0)
    assert apps.launch("mine", spec).startswith("started mine (pid ")
    procs = apps.own_processes("mine", spec)  # started by us: matched although its executable is sh
    assert len(procs) == 1
    assert apps.close("mine", spec).startswith(f"closed mine (pids [{procs[0].pid}]")
