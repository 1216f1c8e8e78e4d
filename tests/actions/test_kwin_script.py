"""The KWin focus script and its reports (the round trip with a real KWin: tests/desktop/test_kde_kwin.py)."""

from __future__ import annotations

from gesturectl.actions.kwin_windows import CLOSE_SCRIPT, FOCUS_SCRIPT, OUR_PATH, script_text, window_from_report
from gesturectl.actions.window_base import ActiveWindow


def test_the_script_calls_back_our_own_bus_name_with_values_as_json():
    text = script_text(FOCUS_SCRIPT, ":1.42")
    assert 'var args = [":1.42", "' + OUR_PATH + '"' in text
    assert "windowActivated" in text and "clientActivated" in text  # KWin 6 and KWin 5
    closing = script_text(CLOSE_SCRIPT, ':1.7"); evil("', pids=[12, 34])
    assert "var pids = [12, 34]" in closing
    assert '":1.7\\"); evil(\\""' in closing  # a hostile name stays one JSON string


def test_reports_become_active_windows():
    assert window_from_report(("Chromium", "chromium", "chromium", 4242)) == ActiveWindow(("chromium",), 4242)
    assert window_from_report(("org.kde.konsole", "konsole", "", 7)) == ActiveWindow(("org.kde.konsole", "konsole"), 7)
    assert window_from_report(("", "", "", 0)) is None  # nothing in front
