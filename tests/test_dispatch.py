"""Dispatcher: bindings, pause toggling, per-app rules (pure; the foreground app is passed in)."""

from __future__ import annotations

from gesturectl.config import load_config
from gesturectl.dispatch import Dispatcher
from gesturectl.types import GestureEvent

CFG = load_config(None)


def test_default_bindings():
    d = Dispatcher(CFG, foreground=lambda: "chrome")
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action is not None and z.action.spec.hotkey == ("mod", "=") and z.when_app == "chrome"
    [o] = d.dispatch(GestureEvent("open_app", 2.0))
    assert o.action.spec.launch == "terminal" and o.action.app.argv == ("xterm",)
    [c] = d.dispatch(GestureEvent("close_app", 3.0))
    assert c.action.spec.close == "terminal"


def test_app_rule_skips_when_another_window_is_in_front():
    front = {"app": "terminal"}
    d = Dispatcher(CFG, foreground=lambda: front["app"])
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action is None and "chrome is not in front" in z.skipped
    front["app"] = None
    [z] = d.dispatch(GestureEvent("zoom_out", 1.0))
    assert z.action is None and "another window" in z.skipped
    front["app"] = "chrome"
    [z] = d.dispatch(GestureEvent("zoom_out", 1.0))
    assert z.action is not None


def test_pause_toggles_and_blocks_everything_but_itself():
    d = Dispatcher(CFG, foreground=lambda: "chrome")
    [p] = d.dispatch(GestureEvent("pause", 1.0))
    assert d.paused and p.action.spec.control == "toggle_pause"
    [z] = d.dispatch(GestureEvent("zoom_in", 2.0))
    assert z.action is None and z.skipped == "paused"
    [o] = d.dispatch(GestureEvent("open_app", 2.5))
    assert o.action is None
    d.dispatch(GestureEvent("pause", 3.0))
    assert not d.paused
    [z] = d.dispatch(GestureEvent("zoom_in", 4.0))
    assert z.action is not None


def test_unknown_foreground_in_dry_runs_reports_the_rule():
    d = Dispatcher(CFG, foreground=None)
    [z] = d.dispatch(GestureEvent("zoom_in", 1.0))
    assert z.action is not None and z.when_app == "chrome"
    assert d.dispatch(GestureEvent("wave", 1.0)) == []


def test_sink_turns_any_backend_failure_into_a_named_error_and_releases_keys():
    import pytest

    from gesturectl.actions.apps import AppController
    from gesturectl.actions.keyboard import RecordingKeyboard
    from gesturectl.actions.sink import OsActionSink
    from gesturectl.errors import ActionError

    kb = RecordingKeyboard(fail_on="=")
    sink = OsActionSink(kb, AppController())
    [z] = Dispatcher(CFG, foreground=lambda: "chrome").dispatch(GestureEvent("zoom_in", 1.0))
    with pytest.raises(ActionError, match="action 'zoom_in' failed: cannot press ="):
        sink.perform(z.action)
    assert kb.log == [("down", "ctrl"), ("up", "ctrl")]  # what was pressed was released
    ok = OsActionSink(RecordingKeyboard(), AppController())
    assert ok.perform(z.action) == "sent ctrl+="
