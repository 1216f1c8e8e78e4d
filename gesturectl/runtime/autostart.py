"""Starting the daemon at login: one file per method, written, recognised and removed by gesturectl only.

Methods and where their file goes:

- `xdg` (Linux, default): `$XDG_CONFIG_HOME/autostart/gesturectl.desktop`, the XDG autostart entry that
  GNOME, KDE, XFCE, Cinnamon, MATE, LXQt start at login (sway and Hyprland need `exec gesturectl run`
  in their own config, or the systemd method with a session that starts graphical-session.target);
- `systemd` (Linux): `$XDG_CONFIG_HOME/systemd/user/gesturectl.service`, enabled by the link that
  `systemctl --user enable` would make in `graphical-session.target.wants/`;
- `launchd` (macOS): `~/Library/LaunchAgents/io.github.gesturectl.plist` with RunAtLoad;
- `startup` (Windows): `gesturectl.vbs` in the Startup folder, which starts the daemon without a console.

Each file carries gesturectl's mark, so `disable` removes only what `enable` wrote and `enable` never
overwrites a file someone else wrote. Contents are pure functions of the command (tests check them).
"""

from __future__ import annotations

import os
import plistlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MARK = "written by `gesturectl autostart`"
LABEL = "io.github.gesturectl"
METHODS = ("xdg", "systemd", "launchd", "startup")


def methods_for(platform: str = sys.platform) -> tuple[str, ...]:
    """The methods this platform has, the default first."""
    if platform == "darwin":
        return ("launchd",)
    if platform == "win32":
        return ("startup",)
    return ("xdg", "systemd")


def _desktop_quote(arg: str) -> str:
    """An Exec argument per the Desktop Entry spec (quoted when needed, `%` doubled)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def desktop_entry(command: Sequence[str]) -> str:
    """The XDG autostart entry (validated by `desktop-file-validate` in the tests)."""
    exec_line = " ".join(_desktop_quote(a) for a in command).replace("\\", "\\\\")
    return (
        "[Desktop Entry]\n"
        f"# {MARK}; remove it with `gesturectl autostart disable`\n"
        "Type=Application\n"
        "Name=gesturectl\n"
        "GenericName=Gesture control\n"
        "Comment=Control the desktop with body gestures seen by the webcam\n"
        f"Exec={exec_line}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-Gesturectl-Autostart=true\n"
    )


def _systemd_quote(arg: str) -> str:
    if arg and not any(c in arg for c in " \t\"'\\%$;"):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$") + '"'


def systemd_unit(command: Sequence[str]) -> str:
    """A user service tied to the graphical session (checked by `systemd-analyze verify` in the tests)."""
    return (
        f"# {MARK}; remove it with `gesturectl autostart disable`\n"
        "[Unit]\n"
        "Description=gesturectl: gesture control from the webcam\n"
        "PartOf=graphical-session.target\n"
        "After=graphical-session.target\n\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={' '.join(_systemd_quote(a) for a in command)}\n"
        "Restart=on-failure\n"
        "RestartSec=5\n\n"
        "[Install]\n"
        "WantedBy=graphical-session.target\n"
    )


def launch_agent(command: Sequence[str]) -> str:
    """A macOS LaunchAgent that starts the daemon at login (not kept alive: `gesturectl stop` means stop)."""
    plist = {
        "Label": LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
        "Comment": MARK,
    }
    return plistlib.dumps(plist).decode()


def windows_startup(command: Sequence[str]) -> str:
    """A VBScript for the Startup folder that runs the command with no console window."""
    line = " ".join('""' + a.replace('"', '""') + '""' for a in command)
    return f'\' {MARK}\r\nCreateObject("WScript.Shell").Run "{line}", 0, False\r\n'


@dataclass(frozen=True)
class Entry:
    """One method's file: where it goes, what it holds, and extra links (systemd's enable link)."""

    method: str
    path: Path
    text: str
    links: tuple[Path, ...] = ()


def entry_for(method: str, command: Sequence[str], env: Mapping[str, str], home: Path) -> Entry:
    """The file for `method` under this user's folders (env: XDG_CONFIG_HOME, APPDATA)."""
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    if method == "xdg":
        return Entry(method, config / "autostart" / "gesturectl.desktop", desktop_entry(command))
    if method == "systemd":
        unit = config / "systemd" / "user" / "gesturectl.service"
        link = unit.parent / "graphical-session.target.wants" / unit.name
        return Entry(method, unit, systemd_unit(command), (link,))
    if method == "launchd":
        return Entry(method, home / "Library" / "LaunchAgents" / f"{LABEL}.plist", launch_agent(command))
    if method == "startup":
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        folder = appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup"
        return Entry(method, folder / "gesturectl.vbs", windows_startup(command))
    raise ValueError(f"unknown autostart method {method!r}; valid: {', '.join(METHODS)}")


def is_ours(path: Path) -> bool:
    try:
        return MARK in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def enable(entry: Entry, others: Sequence[Entry]) -> str:
    """Write the entry (and its links); what happened, in one line. Raises ValueError when it must not."""
    for o in others:
        if o.path.exists() and is_ours(o.path):
            raise ValueError(f"already enabled by the {o.method} method ({o.path}); disable it first")
    if entry.path.exists() and not is_ours(entry.path):
        raise ValueError(f"{entry.path} exists and was not written by gesturectl; leaving it alone")
    if (
        entry.path.exists()
        and entry.path.read_text(encoding="utf-8") == entry.text
        and all(link.exists() for link in entry.links)
    ):
        return f"already enabled: {entry.path}"
    entry.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.path.with_name(entry.path.name + ".tmp")
    tmp.write_text(entry.text, encoding="utf-8", newline="")
    os.replace(tmp, entry.path)
    for link in entry.links:
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(entry.path)
    return f"enabled: {entry.path}"


def disable(entries: Sequence[Entry]) -> list[str]:
    """Remove every file gesturectl wrote (and its links); one line per file removed or left alone."""
    out = []
    for e in entries:
        if not e.path.exists():
            continue
        if not is_ours(e.path):
            out.append(f"left alone (not written by gesturectl): {e.path}")
            continue
        for link in e.links:
            if link.is_symlink() and Path(os.readlink(link)) == e.path:
                link.unlink()
        e.path.unlink()
        out.append(f"removed: {e.path}")
    return out


def enabled(entries: Sequence[Entry]) -> list[Entry]:
    """The entries whose file gesturectl wrote and which are in place."""
    return [e for e in entries if e.path.exists() and is_ours(e.path)]


def foreign_starters(entry: Entry) -> list[Path]:
    """Other XDG autostart entries (not gesturectl's) that already start gesturectl at login."""
    if entry.method != "xdg" or not entry.path.parent.is_dir():
        return []
    out = []
    for p in sorted(entry.path.parent.glob("*.desktop")):
        if p == entry.path or is_ours(p):
            continue
        try:
            lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        if any(ln.startswith("Exec=") and "gesturectl" in ln and " run" in ln for ln in lines):
            out.append(p)
    return out


def installed_command(argv0: str, executable: str, which: str | None) -> list[str]:
    """The command that starts the installed daemon: the `gesturectl` script this process runs from,
    else the one next to the interpreter, else the one on PATH, else `python -m gesturectl`; plus `run`."""
    candidates = [Path(argv0)] if Path(argv0).name.startswith("gesturectl") else []
    bin_dir = Path(executable).parent
    candidates += [bin_dir / "gesturectl", bin_dir / "gesturectl.exe"]
    candidates += [Path(which)] if which else []
    for c in candidates:
        if c.is_file() and c.suffix != ".py":
            return [str(c.resolve() if not c.is_absolute() else c), "run"]
    return [executable, "-m", "gesturectl", "run"]
