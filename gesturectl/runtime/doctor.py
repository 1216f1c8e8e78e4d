"""`gesturectl doctor`'s checks: one `Check` per part of the machine gesturectl needs, each with the fix.

Every check really does the thing (opens the camera and reads a frame, runs the model, sends a key into a
window of its own and sees it arrive, asks the window system what is in front), so a ✓ means it works
here, now. Checks never raise: a failure is a ✗ with the reason. `essential` parts decide the exit code.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from gesturectl.errors import first_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One line of the report. `ok` None means informational (neither works nor fails)."""

    part: str
    ok: bool | None
    detail: str
    fix: str = ""
    essential: bool = False

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "·"}[self.ok]
        text = f"{mark} {self.part}: {self.detail}"
        return text + (f"\n    fix: {self.fix}" if self.fix and self.ok is not True else "")

    def as_dict(self) -> dict:
        return asdict(self)


def can_work(checks: list[Check]) -> bool:
    """Whether every essential part works."""
    return all(c.ok for c in checks if c.essential)


def check_config(path: Path | None):
    """(the check, the config or None)."""
    from gesturectl.config import load_config

    try:
        cfg = load_config(path)
    except Exception as e:
        detail = "; ".join(ln.strip() for ln in str(e).splitlines() if ln.strip())
        return Check("config", False, detail, f"edit {path}", True), None
    return Check("config", True, str(path) if path else "built-in defaults", essential=True), cfg


def check_source(spec: str | None):
    """(the check, an image from it or None). No spec: the cameras, the first one opened and read."""
    from gesturectl.sources import open_source
    from gesturectl.sources.camera import list_cameras

    found = []
    if spec is None:
        found = list_cameras()
        if not found:
            fix = "plug in a webcam and close programs using it"
            if sys.platform.startswith("linux"):
                fix += "; check you may open /dev/video* (`sudo usermod -aG video $USER`, then log in again)"
            return Check("camera", False, "no camera found", fix + "; or run with --source VIDEO|demo", True), None
        spec = str(found[0][0])
    try:
        src = open_source(spec)
        try:
            item = next(iter(src))
        finally:
            src.close()
    except Exception as e:
        fix = "close programs using it, or try another source"
        return Check("camera" if found else "source", False, f"{spec}: {first_line(e)}", fix, True), None
    image = getattr(item, "image", None)
    what = f"a {image.shape[1]}x{image.shape[0]} frame" if image is not None else "a pose sample"
    cams = f"{len(found)} found ({'; '.join(d for _, d in found)}); " if found else ""
    part = "camera" if found else "source"
    return Check(part, True, f"{cams}{spec} opened and delivered {what}", essential=True), image


def check_model(settings, image: np.ndarray | None, runs: int = 10) -> Check:
    """The pose model loads and runs; its median ms per frame."""
    from gesturectl.pose.factory import build_estimator
    from gesturectl.types import Frame

    on = "a camera frame" if image is not None else "an empty frame (person detector only)"
    image = image if image is not None else np.full((480, 640, 3), 114, np.uint8)
    try:
        est = build_estimator(settings)
        est.estimate(Frame(image, 0.0, 0))  # warm-up
        ms = []
        for i in range(runs):
            t0 = time.perf_counter()
            est.estimate(Frame(image, (i + 1) / 30, i + 1))
            ms.append((time.perf_counter() - t0) * 1000)
    except Exception as e:
        return Check("pose model", False, first_line(e), "reinstall gesturectl, or fix pose.model in the config", True)
    return Check("pose model", True, f"{settings.model}: {statistics.median(ms):.1f} ms per frame on {on}", "", True)


def check_display() -> Check:
    """Which display server and compositor/window manager this session has."""
    from gesturectl.actions.keyboard import session_type
    from gesturectl.actions.windows import x11_wm_name

    if not sys.platform.startswith("linux"):
        return Check("display", True, sys.platform)
    kind = session_type()
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "")
    if kind == "wayland":
        comp = (
            "sway"
            if os.environ.get("SWAYSOCK")
            else "Hyprland"
            if os.environ.get("HYPRLAND_INSTANCE_SIGNATURE")
            else ""
        )
        name = comp or desktop or "unknown compositor"
        xw = f"; XWayland at {os.environ['DISPLAY']}" if os.environ.get("DISPLAY") else ""
        return Check("display", True, f"Wayland ({name}) at {os.environ.get('WAYLAND_DISPLAY')}{xw}")
    if kind == "x11":
        wm = x11_wm_name() or "none found"
        return Check("display", True, f"X11 at {os.environ['DISPLAY']}, window manager: {wm}")
    return Check("display", False, "no display server (neither WAYLAND_DISPLAY nor DISPLAY is set)",
                 "run gesturectl inside your desktop session", True)  # fmt: skip


def check_keys_and_focus(preference: str) -> list[Check]:
    """The keyboard backend, a real key round trip into a window of ours, and focused-app detection."""
    from gesturectl.actions.key_probe import APP_ID, probe_keys
    from gesturectl.actions.keyboard import select_keyboard
    from gesturectl.actions.windows import select_window_system

    windows, why = select_window_system()
    focus_fix = "see docs/desktops.md for the desktops where the focused app is known"
    try:
        kb = select_keyboard(preference)
    except Exception as e:
        lines = str(e).splitlines()
        fix = next((ln[5:] for ln in lines if ln.startswith("fix: ")), "")
        keys = Check(
            "keystrokes", False, "; ".join(ln.strip() for ln in lines[1:] if not ln.startswith("fix")), fix, True
        )
        focus = Check("focused app", False if why else None, why or f"{windows.name} (not checked: no keystroke path)")
        return [keys, focus]
    try:
        probe = probe_keys(kb, windows)
    finally:
        kb.close()
    keys = Check(
        "keystrokes",
        probe.ok,
        f"{kb.name}: {probe.detail}" + (f" (chosen: {kb.chosen_because})" if kb.chosen_because else ""),
        "" if probe.ok else "keep the focus on the probe window while doctor runs; see docs/desktops.md",
        True,
    )
    if windows.name == "none":
        return [keys, Check("focused app", False, why or "unknown", focus_fix)]
    note = f" ({why})" if why else ""
    seen = probe.focused
    if seen is None:
        detail = f"{windows.name} did not say which window is in front{note}"
        return [keys, Check("focused app", False, detail, focus_fix)]
    ours = seen.pid == os.getpid() or APP_ID in seen.classes
    detail = f"{windows.name}: saw " + ("our probe window in front" if ours else f"{seen.classes} (pid {seen.pid})")
    detail += note
    return [keys, Check("focused app", ours, detail, "" if ours else focus_fix)]


def check_tray() -> Check:
    from gesturectl.runtime.tray import tray_available

    ok, why = tray_available()
    return Check("tray", ok, "a system tray is there" if ok else why, "" if ok else
                 "control with gesturectl pause|resume|reload|stop|status instead")  # fmt: skip


def check_notifications() -> Check:
    """Whether a notification service (org.freedesktop.Notifications) answers on the session bus."""
    import shutil
    import subprocess

    if not sys.platform.startswith("linux"):
        return Check("notifications", None, "the system's own")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return Check("notifications", False, "no D-Bus session bus", "run inside a desktop session")
    busctl = shutil.which("busctl")
    if busctl is None:
        return Check("notifications", None, "not checked (busctl is not installed)")
    r = subprocess.run([busctl, "--user", "status", "org.freedesktop.Notifications"], capture_output=True, timeout=5)
    if r.returncode == 0:
        return Check("notifications", True, "a notification service answers")
    return Check("notifications", False, "no notification service", "start one (e.g. mako, dunst) or ignore")


def check_autostart() -> Check:
    import shutil

    from gesturectl.runtime.autostart import enabled, entry_for, installed_command, methods_for

    command = installed_command(sys.argv[0], sys.executable, shutil.which("gesturectl"))
    entries = [entry_for(m, command, os.environ, Path.home()) for m in methods_for()]
    on = enabled(entries)
    if on:
        return Check("autostart", True, f"enabled ({on[0].method}): {on[0].path}")
    return Check("autostart", None, "disabled", "gesturectl autostart enable")


def check_folders() -> Check:
    """The runtime folder (control socket) is private and ours; the log folder is writable."""
    from gesturectl.paths import log_dir, runtime_dir

    try:
        rt = runtime_dir()
        if hasattr(os, "getuid") and rt.stat().st_mode & 0o077:
            return Check("folders", False, f"{rt} is open to other users", f"chmod 700 {rt}", True)
        logs = log_dir()
        with tempfile.NamedTemporaryFile(dir=logs):
            pass
    except Exception as e:
        return Check("folders", False, first_line(e), "set GESTURECTL_RUNTIME_DIR / GESTURECTL_STATE_DIR", True)
    return Check("folders", True, f"runtime {rt} (private), logs {logs} (writable)", essential=True)


def run_checks(config_path: Path | None, source: str | None) -> list[Check]:
    """Every check, in the order of the report."""
    config, cfg = check_config(config_path)
    checks = [config]
    src, image = check_source(source if source is not None else None)
    checks.append(src)
    if cfg is not None:
        checks.append(check_model(cfg.pose, image))
    checks.append(check_display())
    checks += check_keys_and_focus(cfg.daemon.keyboard if cfg is not None else "auto")
    checks += [check_tray(), check_notifications(), check_autostart(), check_folders()]
    return checks
