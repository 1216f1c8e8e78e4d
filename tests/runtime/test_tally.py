"""The loop's tally for status: the first frame's latency (which includes loading the model) is not counted,
and only a change of who is in view is reported (the tray redraws on it)."""

from __future__ import annotations

from gesturectl.people.stage import Selection
from gesturectl.runtime.tally import LoopTally
from gesturectl.types import Person, Scene
from tests.conftest import make_pose


def test_the_first_frame_is_timed_of_day_and_the_rest_as_latencies():
    tally = LoopTally()
    tally.processed(1.2)  # the first: loading the model
    for s in (0.01, 0.02, 0.03):
        tally.processed(s)
    f = tally.fields()
    assert f["first_frame_at"] is not None
    assert f["frame_latency_ms"] == {"n": 3, "median": 20.0, "p95": 30.0}


def test_only_a_change_of_who_is_in_view_is_reported():
    tally = LoopTally()
    two = Selection(Scene((Person(make_pose(), 1), Person(make_pose(), 2)), (640, 480), 0.0), 2)
    assert tally.frame(True, two) is True
    assert tally.frame(True, two) is False
    f = tally.fields()
    assert (f["frames"], f["people_in_view"], f["user"], f["user_in_view"]) == (2, 2, 2, True)
    assert tally.frame(False, Selection(Scene((), (640, 480), 0.1), 2)) is True
    f = tally.fields()
    assert (f["people_in_view"], f["user"], f["user_in_view"], f["person_in_view"]) == (0, 2, False, False)
