"""Dispatcher: bindings, pause, per-app rules (pure; the foreground app and the pause state are passed in);
the OS sink turns every backend failure into a named error and releases what it pressed."""

from __future__ import annotations

import pytest

from gesturectl.actions.action import Close, Control, Hotkey, Launch
from gesturectl.actions.apps import AppController
from gesturectl.actions.dispatch import NO_BINDING, Dispatcher
from gesturectl.actions.sink import OsActionSink
from gesturectl.commands import Command
from gesturectl.config import load_config
from gesturectl.errors import ActionError
from gesturectl.types import GestureEvent
from tests.fakes import RecordingKeyboard

CFG = load_config(None)


def dispatcher(foreground=None) -> Dispatcher:
    return Dispatcher(CFG.bindings, CFG.actions, CFG.apps, foreground)


def test_default_bindings():
    d = dispatcher(lambda: "chrome")
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action == Hotkey(("mod", "=")) and z.when_app == "chrome"
    [o] = d.dispatch(GestureEvent("open_app", 2.0))
    assert isinstance(o.action, Launch) and o.action.name == "terminal" and o.action.app.argv == ("xterm",)
    [c] = d.dispatch(GestureEvent("close_app", 3.0))
    assert isinstance(c.action, Close) and c.action.name == "terminal"
    [p] = d.dispatch(GestureEvent("pause", 4.0))
    assert p.action == Control(Command.TOGGLE_PAUSE)


def test_app_rule_skips_when_another_window_is_in_front():
    front = {"app": "terminal"}
    d = dispatcher(lambda: front["app"])
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action is None and "chrome is not in front" in z.skipped
    front["app"] = None
    [z] = d.dispatch(GestureEvent("zoom_out", 1.0))
    assert z.action is None and "another window" in z.skipped
    front["app"] = "chrome"
    [z] = d.dispatch(GestureEvent("zoom_out", 1.0))
    assert z.action is not None


def test_paused_or_busy_blocks_everything_but_the_pause_control():
    d = dispatcher(lambda: "chrome")
    [z] = d.dispatch(GestureEvent("zoom_in", 2.0), paused=True)
    assert z.action is None and z.skipped == "paused"
    [o] = d.dispatch(GestureEvent("open_app", 2.5), paused=True, busy=True)
    assert o.action is None and o.skipped == "paused"
    [o] = d.dispatch(GestureEvent("open_app", 2.5), busy=True)
    assert o.action is None and o.skipped == "you are using the keyboard or mouse"
    [p] = d.dispatch(GestureEvent("pause", 3.0), paused=True, busy=True)
    assert p.action == Control(Command.TOGGLE_PAUSE) and p.skipped is None


def test_unknown_foreground_in_dry_runs_reports_the_rule_and_unbound_gestures_say_so():
    d = dispatcher(None)
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action is not None and z.when_app == "chrome"
    [w] = d.dispatch(GestureEvent("wave", 1.0))
    assert w.action is None and w.skipped == NO_BINDING


def test_sink_turns_any_backend_failure_into_a_named_error_and_releases_keys():
    kb = RecordingKeyboard(fail_on="=")
    sink = OsActionSink(kb, AppController())
    [z] = dispatcher(lambda: "chrome").dispatch(GestureEvent("zoom_in", 1.0))
    with pytest.raises(ActionError, match="action 'hotkey mod[+]=' failed: cannot press ="):
        sink.perform(z.action)
    assert kb.log == [("down", "ctrl"), ("up", "ctrl")]  # what was pressed was released
    ok = OsActionSink(RecordingKeyboard(), AppController())
    assert ok.perform(z.action) == "sent ctrl+="
    with pytest.raises(ActionError, match="control actions are the daemon's"):
        ok.perform(Control(Command.PAUSE))
