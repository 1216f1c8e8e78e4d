"""The daemon's window system when the compositor or X server is not ready at start: tried again, then used."""

from __future__ import annotations

import pytest

from gesturectl.actions import windows as windows_mod
from gesturectl.actions.window_base import ActiveWindow, WindowSystem
from gesturectl.actions.window_retry import RetryingWindowSystem


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class LateCompositor(WindowSystem):
    """Refuses to connect until `ready` is set (KWin before it exports its scripting object)."""

    name = "kwin"
    ready = False
    tries = 0

    def __init__(self) -> None:
        type(self).tries += 1
        if not type(self).ready:
            raise ConnectionError("org.kde.KWin has no /Scripting yet")

    def active(self) -> ActiveWindow | None:
        return ActiveWindow(("chromium",), 4242)

    def close_windows(self, pids: set[int]) -> int:
        return len(pids)


@pytest.fixture(autouse=True)
def not_ready():
    LateCompositor.ready, LateCompositor.tries = False, 0


def test_it_knows_nothing_until_the_compositor_answers_then_uses_it():
    clock, told = Clock(), []
    ws = RetryingWindowSystem([LateCompositor], retry_s=5.0, clock=clock, on_ready=told.append)
    assert ws.name == "none" and ws.active() is None and ws.close_windows({1}) == 0
    assert LateCompositor.tries == 0  # the caller had just tried: no retry before retry_s
    clock.t += 5.0
    assert ws.active() is None and LateCompositor.tries == 1  # tried again, still not ready
    LateCompositor.ready = True
    clock.t += 1.0
    assert ws.active() is None and LateCompositor.tries == 1  # not before another retry_s
    clock.t += 4.0
    assert ws.active() == ActiveWindow(("chromium",), 4242)
    assert ws.name == "kwin" and told == ["kwin"]
    assert ws.close_windows({1, 2}) == 2
    clock.t += 60.0
    ws.active()
    assert LateCompositor.tries == 2  # connected once, never rebuilt


def test_the_daemon_gets_a_retrying_system_when_the_session_is_there_but_not_answering(monkeypatch):
    monkeypatch.setattr(windows_mod.sys, "platform", "linux")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":97")  # an X server that is not (yet) there
    monkeypatch.setattr(windows_mod, "X11Windows", LateCompositor)
    ws, why = windows_mod.select_window_system(retry=True)
    assert isinstance(ws, RetryingWindowSystem) and "tried again every 5 s" in why
    once, why_once = windows_mod.select_window_system()  # doctor: says what is wrong now
    assert type(once) is WindowSystem and why_once.endswith("will not fire")


def test_no_retry_where_the_environment_says_there_is_no_session(monkeypatch):
    monkeypatch.setattr(windows_mod.sys, "platform", "linux")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(windows_mod, "X11Windows", LateCompositor)
    ws, why = windows_mod.select_window_system(retry=True)
    assert type(ws) is WindowSystem and why.endswith("will not fire")


def test_the_daemons_app_rules_start_working_once_the_compositor_answers(monkeypatch):
    """`run`'s desktop edges: a window system that is retrying still gets a foreground reader (not the
    'no app is in front' stub), so `when: {app: chrome}` rules fire as soon as the compositor answers."""
    from gesturectl.actions.spec import AppSpec
    from gesturectl.config import load_config
    from gesturectl.runtime import desktop

    clock = Clock()
    retrying = RetryingWindowSystem([LateCompositor], retry_s=5.0, clock=clock)
    monkeypatch.setattr(windows_mod, "select_window_system", lambda retry=False: (retrying, "not yet"))
    edges, notes = desktop.desktop_edges(load_config(None), dry_run=True)
    read = edges.foreground_for({"chrome": AppSpec(argv=("chromium",), window_classes=("chromium",))})
    assert read is not None and read() is None
    LateCompositor.ready = True
    clock.t += 5.0
    assert read() == "chrome"
