"""Autostart entries: their contents (checked by the platforms' own validators where installed), and
enable/disable that never duplicate and never touch files gesturectl did not write."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gesturectl.runtime.autostart import (
    disable,
    enable,
    enabled,
    entry_for,
    foreign_starters,
    installed_command,
    methods_for,
)

ODD = ["/opt/my apps/gesturectl", "run", "--config", '/home/me/50% "odd" $dir/config.yaml']


def _validate_desktop(path):
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("needs desktop-file-validate (apt-get install desktop-file-utils)")
    r = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


@pytest.mark.parametrize("command", [["/usr/bin/gesturectl", "run"], ODD])
def test_the_xdg_entry_is_valid_and_its_exec_quotes_every_argument(tmp_path, command):
    e = entry_for("xdg", command, {}, tmp_path)
    assert e.path == tmp_path / ".config" / "autostart" / "gesturectl.desktop"
    enable(e, [])
    _validate_desktop(e.path)
    exec_line = next(ln for ln in e.path.read_text().splitlines() if ln.startswith("Exec="))
    if command is ODD:  # spaces quoted, % doubled, " and $ escaped (and the escape's backslash doubled)
        assert exec_line == (
            'Exec="/opt/my apps/gesturectl" run --config "/home/me/50%% \\\\"odd\\\\" \\\\$dir/config.yaml"'
        )


def test_the_systemd_unit_verifies_and_enabling_links_it_into_the_session(tmp_path):
    gesturectl = tmp_path / "bin" / "gesturectl"
    gesturectl.parent.mkdir()
    gesturectl.write_text("#!/bin/sh\n")
    gesturectl.chmod(0o755)
    e = entry_for("systemd", [str(gesturectl), "run"], {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}, tmp_path)
    assert enable(e, []).startswith("enabled:")
    link = tmp_path / "cfg" / "systemd" / "user" / "graphical-session.target.wants" / "gesturectl.service"
    assert link.is_symlink() and link.resolve() == e.path
    if shutil.which("systemd-analyze"):
        r = subprocess.run(["systemd-analyze", "verify", str(e.path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert disable([e]) == [f"removed: {e.path}"]
    assert not link.exists() and not link.is_symlink() and not e.path.exists()


def test_the_launch_agent_and_the_startup_script_start_the_command(tmp_path):
    agent = entry_for("launchd", ODD, {}, tmp_path)
    plist = plistlib.loads(agent.text.encode())
    assert agent.path == tmp_path / "Library" / "LaunchAgents" / "io.github.gesturectl.plist"
    assert plist["ProgramArguments"] == ODD and plist["RunAtLoad"] is True and plist["KeepAlive"] is False
    win = entry_for("startup", [r"C:\Users\me\pipx\gesturectl.exe", "run"], {"APPDATA": str(tmp_path)}, tmp_path)
    assert win.path.parent.name == "Startup" and win.path.name == "gesturectl.vbs"
    assert 'Run """C:\\Users\\me\\pipx\\gesturectl.exe"" ""run""", 0, False' in win.text


def test_enable_twice_writes_once_and_disable_leaves_others_alone(tmp_path):
    e = entry_for("xdg", ["/usr/bin/gesturectl", "run"], {}, tmp_path)
    other = e.path.parent / "nextcloud.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nType=Application\nName=Nextcloud\nExec=nextcloud\n")
    assert enable(e, []).startswith("enabled:")
    first = e.path.stat().st_mtime_ns
    assert enable(e, []).startswith("already enabled:")
    assert e.path.stat().st_mtime_ns == first
    assert sorted(p.name for p in e.path.parent.iterdir()) == ["gesturectl.desktop", "nextcloud.desktop"]
    assert disable([e]) == [f"removed: {e.path}"]
    assert disable([e]) == []
    assert other.exists()


def test_a_file_gesturectl_did_not_write_is_never_overwritten_or_removed(tmp_path):
    e = entry_for("xdg", ["/usr/bin/gesturectl", "run"], {}, tmp_path)
    e.path.parent.mkdir(parents=True)
    e.path.write_text("[Desktop Entry]\nType=Application\nName=mine\nExec=/usr/bin/gesturectl run\n")
    with pytest.raises(ValueError, match="not written by gesturectl"):
        enable(e, [])
    assert disable([e]) == [f"left alone (not written by gesturectl): {e.path}"]
    assert e.path.exists() and enabled([e]) == []


def test_one_method_at_a_time_and_hand_made_starters_are_found(tmp_path):
    xdg = entry_for("xdg", ["/usr/bin/gesturectl", "run"], {}, tmp_path)
    unit = entry_for("systemd", ["/usr/bin/gesturectl", "run"], {}, tmp_path)
    enable(xdg, [unit])
    with pytest.raises(ValueError, match="already enabled by the xdg method"):
        enable(unit, [xdg])
    disable([xdg, unit])
    hand = xdg.path.parent / "gestures.desktop"
    hand.write_text("[Desktop Entry]\nType=Application\nName=g\nExec=gesturectl run --source 0\n")
    assert foreign_starters(xdg) == [hand]


def test_the_command_points_at_the_installed_script(tmp_path):
    script = tmp_path / "bin" / "gesturectl"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    python = tmp_path / "bin" / "python3"
    assert installed_command(str(script), str(python), None) == [str(script), "run"]
    assert installed_command("-m", str(python), None) == [str(script), "run"]  # next to the interpreter
    assert installed_command("-m", "/nowhere/python3", None) == ["/nowhere/python3", "-m", "gesturectl", "run"]
    assert methods_for("linux") == ("xdg", "systemd") and methods_for("darwin") == ("launchd",)
    assert methods_for("win32") == ("startup",)


def test_the_cli_enables_reports_and_disables(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "PATH": "/usr/bin:/bin"}

    def cli(*args):
        r = subprocess.run(
            [sys.executable, "-m", "gesturectl", "autostart", *args], env=env, capture_output=True, text=True
        )
        return r.returncode, r.stdout + r.stderr

    assert cli("status") == (0, "disabled\n")
    rc, out = cli("enable")
    assert rc == 0 and "enabled:" in out and f"starts: {Path(sys.executable).parent / 'gesturectl'} run" in out
    _validate_desktop(tmp_path / "cfg" / "autostart" / "gesturectl.desktop")
    rc, out = cli("status", "--json")
    assert '"enabled": true' in out and '"method": "xdg"' in out
    rc, out = cli("enable", "--method", "systemd")
    assert rc == 2 and "already enabled by the xdg method" in out
    assert cli("disable")[1].startswith("removed:")
    assert cli("status") == (0, "disabled\n")
