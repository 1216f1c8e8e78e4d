"""The keyboard base owns which keys are down: an interruption between a press and its bookkeeping, a refused
key, or a failing release never leaves a key recorded as up while it is down."""

from __future__ import annotations

import os
import signal

import pytest

from gesturectl.errors import ActionError
from tests.fakes import RecordingKeyboard


class Interrupted(RecordingKeyboard):
    """Raises KeyboardInterrupt right after the OS has the press of `key` (a signal at the worst moment)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def _press(self, key: str) -> None:
        super()._press(key)
        if key == self.key:
            raise KeyboardInterrupt


class FlakyRelease(RecordingKeyboard):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    def _release(self, key: str) -> None:
        if key == "ctrl" and self.fail:
            raise OSError("display went away")
        super()._release(key)


def test_an_interruption_right_after_a_press_still_releases_that_key():
    kb = Interrupted("shift")
    with pytest.raises(KeyboardInterrupt):
        kb.send(("ctrl", "shift", "t"))
    assert kb.log == [("down", "ctrl"), ("down", "shift"), ("up", "shift"), ("up", "ctrl")]
    assert kb.held() == ()


def test_a_refused_key_releases_the_others_and_is_not_released_itself():
    kb = RecordingKeyboard(fail_on="t")
    with pytest.raises(ActionError):
        kb.send(("ctrl", "t"))
    assert kb.log == [("down", "ctrl"), ("up", "ctrl")] and kb.held() == ()


def test_a_failed_release_is_kept_and_retried_by_release_all():
    kb = FlakyRelease()
    with pytest.raises(ActionError, match="could not release ctrl: display went away"):
        kb.send(("ctrl", "="))
    assert kb.held() == ("ctrl",)
    kb.fail = False
    kb.release_all()
    assert kb.held() == () and kb.log[-1] == ("up", "ctrl")


def test_stop_signals_end_start_up_at_once_and_then_ask_the_loop_to_stop():
    from gesturectl.cli.run import STOP_SIGNALS, StopSignals

    sigs = [getattr(signal, n) for n in STOP_SIGNALS if hasattr(signal, n)]
    old = {s: signal.getsignal(s) for s in sigs}
    try:
        sig = StopSignals()
        sig.install()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGHUP)  # the handler runs before the next bytecode
        stops = []
        sig.stop_with(lambda: stops.append(1))
        assert stops == [1]  # a signal during start-up is remembered
        os.kill(os.getpid(), signal.SIGTERM)
        assert stops == [1, 1]
    finally:
        for s, h in old.items():
            signal.signal(s, h)
