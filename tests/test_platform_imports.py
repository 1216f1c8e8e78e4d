"""Every gesturectl module imports on Windows and macOS: platform-only modules (fcntl, termios, Xlib, pwd, ...)
are imported only inside the functions that need them. Checked here by importing every module in a fresh
interpreter with `sys.platform` patched and those modules made unimportable (the third-party libraries are
imported first, as they are: what is checked is our own code)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = r"""
import importlib, pkgutil, socket, sys
import numpy, yaml, pydantic, platformdirs, psutil, cv2, onnxruntime, PIL  # the real third-party libraries
import asyncio, sysconfig
sysconfig.get_config_vars()  # (read for this machine before the platform is patched)
for optional in ("fastapi", "uvicorn", "uvicorn.main", "starlette", "pynput", "pystray"):
    try:
        importlib.import_module(optional)
    except Exception:
        pass
platform, blocked = sys.argv[1], sys.argv[2].split(",")
sys.platform = platform
for name in blocked:
    sys.modules[name] = None  # "import fcntl" now raises ImportError, as it does there
if platform == "win32" and hasattr(socket, "AF_UNIX"):
    del socket.AF_UNIX
import gesturectl
bad = []
for mod in pkgutil.walk_packages(gesturectl.__path__, "gesturectl."):
    if mod.name.endswith("__main__") or mod.name.startswith("gesturectl.simple_baselines"):
        continue  # (__main__ runs the CLI; simple_baselines is the optional PyTorch side, torch does its own)
    try:
        importlib.import_module(mod.name)
    except Exception as e:
        bad.append(f"{mod.name}: {type(e).__name__}: {e}")
print("\n".join(bad))
"""

POSIX_ONLY = "fcntl,termios,pwd,grp,resource,Xlib,evdev"


@pytest.mark.parametrize(("platform", "blocked"), [("win32", POSIX_ONLY), ("darwin", "Xlib,evdev")])
def test_every_module_imports_on_other_platforms(platform, blocked):
    r = subprocess.run(
        [sys.executable, "-c", PROBE, platform, blocked], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "", f"modules that do not import on {platform}:\n{r.stdout}"


def test_the_control_channel_is_tcp_with_a_token_on_windows_only():
    from gesturectl.runtime.control import default_transport

    assert default_transport("win32") == "tcp"
    assert default_transport("linux") == default_transport("darwin") == "unix"
