"""doctor's report lines and verdict, and the checks that need no desktop."""

from __future__ import annotations

import os

import pytest

from gesturectl.runtime.doctor import Check, can_work, check_config, check_folders, check_source


def test_lines_carry_a_mark_and_the_fix_only_when_not_ok():
    assert Check("tray", True, "a system tray is there", "ignored").line() == "✓ tray: a system tray is there"
    assert Check("camera", False, "none", "plug one in", True).line() == "✗ camera: none\n    fix: plug one in"
    assert Check("autostart", None, "disabled", "gesturectl autostart enable").line().startswith("· autostart")


def test_only_essential_parts_decide_whether_it_can_work():
    tray_missing = Check("tray", False, "no tray")
    assert can_work([Check("keys", True, "", essential=True), tray_missing])
    assert not can_work([Check("keys", False, "", essential=True), tray_missing])


def test_a_broken_config_is_named(tmp_path):
    bad = tmp_path / "config.yaml"
    bad.write_text("daemon:\n  keyboard: telepathy\n")
    check, cfg = check_config(bad)
    assert cfg is None and check.ok is False and check.essential and "keyboard" in check.detail


def test_a_source_that_cannot_open_is_named(tmp_path):
    check, image = check_source(str(tmp_path / "missing.mp4"))
    assert check.ok is False and check.part == "source" and image is None
    check, image = check_source("demo")
    assert check.ok and check.detail == "demo opened and delivered a pose sample"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_folders_open_to_other_users_fail(tmp_path, monkeypatch):
    monkeypatch.setenv("GESTURECTL_RUNTIME_DIR", str(tmp_path / "rt"))
    monkeypatch.setenv("GESTURECTL_STATE_DIR", str(tmp_path / "state"))
    assert check_folders().ok
    # runtime_dir() repairs the mode itself; a state folder nobody can write into is what fails
    (tmp_path / "state").chmod(0o500)
    try:
        if os.geteuid() == 0:
            pytest.skip("root writes anywhere")
        assert check_folders().ok is False
    finally:
        (tmp_path / "state").chmod(0o700)
