"""The tray's states without a desktop: which icon a status gets, the tooltip, and that the icons differ."""

from __future__ import annotations

import dataclasses

import pytest

from gesturectl.runtime.status import Status

tray = pytest.importorskip("gesturectl.runtime.tray")
Image = pytest.importorskip("PIL.Image")

BASE = Status(
    state="running",
    source="0",
    source_state="started",
    source_message="",
    pose_error=None,
    paused=False,
    paused_by=None,
    frames=10,
    dropped_frames=0,
    events=0,
    last_event=None,
    latency_ms=None,
    config="built-in defaults",
    dry_run=False,
    uptime_s=1.0,
    person_in_view=True,
)


@pytest.mark.parametrize(
    "changes, kind, title",
    [
        ({}, "active", "gesturectl: watching"),
        ({"person_in_view": False}, "nobody", "gesturectl: nobody in view"),
        ({"state": "paused", "paused": True}, "paused", "gesturectl: paused"),
        ({"state": "no camera"}, "error", "gesturectl: no camera"),
        ({"state": "pose model error"}, "error", "gesturectl: pose model error"),
        ({"state": "starting"}, "starting", "gesturectl: starting"),
    ],
)
def test_each_state_gets_its_icon_and_words(changes, kind, title):
    st = dataclasses.replace(BASE, **changes)
    assert tray.tray_kind(st) == kind
    assert tray.tooltip(st) == title


def test_the_tooltip_names_the_last_event():
    st = dataclasses.replace(BASE, last_event={"line": "zoom_in -> hotkey ctrl+= (chrome)", "at": "12:03:04"})
    assert tray.tooltip(st) == "gesturectl: watching; last: zoom_in -> hotkey ctrl+= (chrome) at 12:03:04"


def test_the_four_icons_differ_in_shape_not_only_colour():
    icons = {k: tray.icon_image(k) for k in ("active", "paused", "nobody", "error")}
    masks = {k: bytes(v.convert("L").point(lambda p: 255 if p > 200 else 0).tobytes()) for k, v in icons.items()}
    assert len(set(masks.values())) == 4  # the white glyphs (or their absence) differ
    assert icons["nobody"].getpixel((32, 60))[3] == 0  # a ring, not a disc: transparent outside it
    assert icons["nobody"].getpixel((16, 40))[3] == 0  # and inside it
