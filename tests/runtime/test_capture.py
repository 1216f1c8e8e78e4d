"""The capture thread: a source that cannot be opened is retried with backoff and reported; a file that
ends is reported once and not replayed; a camera that fails midway is reported and reopened, a file that fails
midway ends (reading it again would repeat its gestures)."""

from __future__ import annotations

from gesturectl.errors import SourceError
from gesturectl.runtime.capture import Capture, Captured, LatestSlot, SourceEvent
from gesturectl.sources.base import PoseSample


class ListSource:
    live = False
    fps = 1000.0

    def __init__(self, items, fail_after=None):
        self._items, self._fail_after, self.closed = items, fail_after, False

    def __iter__(self):
        for i, item in enumerate(self._items):
            if self._fail_after is not None and i == self._fail_after:
                raise SourceError("bad trace frame (line 3)")
            yield item

    def close(self):
        self.closed = True


def drain(slot: LatestSlot, until_kind: str, limit: int = 200):
    got = []
    for _ in range(limit):
        item = slot.get(5.0)
        assert item is not None, f"nothing arrived; got so far {got}"
        got.append(item)
        if isinstance(item, SourceEvent) and item.kind == until_kind:
            return got
    raise AssertionError(got)


def samples(n):
    return [PoseSample(i / 1000.0, None) for i in range(n)]


def test_unopenable_source_is_retried_with_backoff_then_read_to_the_end():
    attempts = []
    source = ListSource(samples(3))

    def opener():
        attempts.append(1)
        if len(attempts) < 3:
            raise SourceError("camera 0 cannot be opened (unplugged?)")
        return source

    slot = LatestSlot()
    cap = Capture(opener, slot, retry_min_s=0.01, retry_max_s=0.02)
    cap.start()
    got = drain(slot, "ended")
    cap.stop()
    events = [g for g in got if isinstance(g, SourceEvent)]
    assert [e.kind for e in events] == ["lost", "lost", "started", "ended"]
    assert events[0].retry_s == 0.01 and events[1].retry_s == 0.02 and "unplugged" in events[0].message
    assert all(isinstance(g.item, PoseSample) for g in got if isinstance(g, Captured))
    assert source.closed and len(attempts) == 3


def test_a_live_source_failing_midway_is_reported_and_reopened():
    first, second = ListSource(samples(5), fail_after=2), ListSource(samples(2))
    first.live = second.live = True
    sources = [first, second]
    slot = LatestSlot()
    cap = Capture(lambda: sources.pop(0) if sources else ListSource([]), slot, retry_min_s=0.01)
    cap.start()
    got = drain(slot, "started") + drain(slot, "started")
    cap.stop()
    kinds = [g.kind for g in got if isinstance(g, SourceEvent)]
    assert kinds == ["started", "lost", "started"]
    lost = next(g for g in got if isinstance(g, SourceEvent) and g.kind == "lost")
    assert "bad trace frame" in lost.message


def test_a_file_failing_midway_ends_and_is_not_read_again():
    sources = [ListSource(samples(5), fail_after=2), ListSource(samples(2))]
    slot = LatestSlot()
    cap = Capture(lambda: sources.pop(0), slot, retry_min_s=0.01)
    cap.start()
    got = drain(slot, "ended")
    cap.stop()
    events = [g for g in got if isinstance(g, SourceEvent)]
    assert [e.kind for e in events] == ["started", "ended"] and len(sources) == 1
    assert events[-1].message == "the source failed: bad trace frame (line 3)"


def test_the_slot_keeps_the_newest_frame_and_never_drops_a_state_change():
    slot = LatestSlot()
    for i in range(3):
        slot.put(Captured(PoseSample(float(i), None), float(i)))
    assert slot.dropped == 2 and slot.get(0.1).wall == 2.0
    slot.put(SourceEvent("started"))
    assert slot.get(0.1).kind == "started" and slot.get(0.01) is None


def test_frames_the_pace_does_not_want_are_grabbed_but_never_decoded(tmp_path):
    """A real video through the capture thread: only every third frame is wanted, and only those are decoded."""
    import cv2
    import numpy as np

    from gesturectl.sources.files import VideoFileSource

    path = tmp_path / "clip.avi"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 1000.0, (64, 48))
    for i in range(30):
        out.write(np.full((48, 64, 3), i * 8, np.uint8))
    out.release()

    class Counting(VideoFileSource):
        decoded = 0

        def _decode(self, index):
            Counting.decoded += 1
            return super()._decode(index)

    wanted = iter([i % 3 == 0 for i in range(30)])
    slot = LatestSlot()
    cap = Capture(lambda: Counting(path), slot, wants=lambda wall: next(wanted))
    cap.start()
    got = [g for g in drain(slot, "ended") if isinstance(g, Captured)]
    cap.stop()
    assert [c.item.index for c in got] == list(range(0, 30, 3))
    assert Counting.decoded == 10 and cap.skipped == 20
    assert abs(float(got[1].item.image.mean()) - 3 * 8) < 3  # the wanted frame itself, not a neighbour


class CountingSource(ListSource):
    """A file-like source that counts what it has been asked for."""

    def __init__(self, items):
        super().__init__(items)
        self.read = 0

    def __iter__(self):
        for item in self._items:
            self.read += 1
            yield item


def test_a_file_paused_by_the_user_reads_nothing_and_goes_on_from_the_same_frame():
    """A file is not released (reopening would replay it): while paused it waits where it is, reading
    nothing (a paused daemon on a video costs nothing), and then goes on from the next frame, paced as if the
    pause had not happened."""
    import time

    source = CountingSource([PoseSample(i / 20.0, None) for i in range(10)])  # 20 fps
    slot = LatestSlot()
    cap = Capture(lambda: source, slot)
    cap.start()
    got = drain(slot, "started")
    first = slot.get(5.0)
    assert isinstance(first, Captured) and first.item.t == 0.0
    cap.release(True)
    time.sleep(0.1)  # the frame due next may still be read and handed on: then reading stops
    read_at_pause = source.read
    for _ in range(3):
        slot.get(0.01)
    time.sleep(0.4)  # 8 frames' worth of time
    assert source.read == read_at_pause  # nothing read while paused
    assert not source.closed
    cap.release(False)
    got = drain(slot, "ended")
    cap.stop()
    frames = [g for g in got if isinstance(g, Captured)]
    ts = [round(f.item.t, 2) for f in frames]
    assert ts and ts[-1] >= 0.4 and source.read == 10  # read to the end after the pause (the slot may
    assert all(round(b - a, 2) == 0.05 for a, b in zip(ts, ts[1:]))  # drop the last for "ended"), frame by frame
    gaps = [b.wall - a.wall for a, b in zip(frames, frames[1:])]
    assert all(g < 0.2 for g in gaps)  # paced at 20 fps again, not bursting to catch up with the wall clock
