"""The trace reader against broken and hostile files: every input is a header and frames, or one SourceError
naming the line (bytes that are not UTF-8, deep JSON, a list as header, wrong image sizes, fps 0, truncation)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gesturectl.errors import SourceError
from gesturectl.sources.traces import MAX_LINE_BYTES, read_trace
from gesturectl.types import Pose

HEAD = {"format": "gesturectl-trace", "version": 1, "layout": "coco17", "image_size": [640, 480], "fps": 30}
FRAME = {"t": 0.0, "keypoints": [[10.0, 20.0, 0.9]] * 17}


def lines(*items) -> bytes:
    return b"".join((i if isinstance(i, bytes) else json.dumps(i).encode()) + b"\n" for i in items)


def read_all(path):
    header, frames = read_trace(path)
    return header, list(frames)


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (b"\xff\xfe" + lines(HEAD), ":1:", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", ":1:", "nested too deep"),
        (lines([HEAD]), ":1:", "header must be a JSON object, got list"),
        (lines({**HEAD, "image_size": [1, 2, 3]}), ":1:", "image_size must be [width, height]"),
        (lines({**HEAD, "image_size": ["a", "b"]}), ":1:", "image_size must be a number"),
        (lines({**HEAD, "image_size": [0, 480]}), ":1:", "image_size must be >= 1"),
        (lines({**HEAD, "image_size": [640.5, 480]}), ":1:", "whole pixels"),
        (lines({**HEAD, "fps": 0}), ":1:", "fps must be > 0"),
        (lines({**HEAD, "fps": "30"}), ":1:", "fps must be a number"),
        (lines({**HEAD, "layout": ["coco17"]}), ":1:", "layout must be one of"),
        (b"", ": the trace is empty", "gesturectl record"),
        (b"\n", ":1:", "not JSON"),
        (b"x" * (MAX_LINE_BYTES + 10), ":1:", "longer than"),
        (lines(HEAD, FRAME) + b"\xff\n", ":3:", "not UTF-8"),
        (lines(HEAD, FRAME) + b"[" * 100_000 + b"\n", ":3:", "nested too deep"),
        (lines(HEAD, [1]), ":2:", "a frame must be"),
        (lines(HEAD) + b'{"t": NaN, "keypoints": null}\n', ":2:", "t must be a number"),
        (lines(HEAD, {**FRAME, "keypoints": [[1, 2]] * 17}), ":2:", "17 [x, y, score] triples"),
        (lines(HEAD, {**FRAME, "keypoints": [[1, "a", 2]] * 17}), ":2:", "keypoints must be numbers"),
        (lines(HEAD, {**FRAME, "keypoints": [[1, [2], 2]] * 17}), ":2:", "keypoints must be numbers"),
        (lines(HEAD, {**FRAME, "keypoints": [[1e300, 2, 1]] * 17}), ":2:", "finite pixel positions"),
        (lines(HEAD, FRAME)[:-20], ":2:", "not JSON"),  # truncated in the middle of a frame
    ],
)
def test_each_broken_trace_is_one_source_error_naming_the_line(tmp_path, data, where, words):
    p = tmp_path / "t.jsonl"
    p.write_bytes(data)
    with pytest.raises(SourceError) as e:
        read_all(p)
    assert f"{p}{where}" in str(e.value) and words in str(e.value)


def test_scores_out_of_range_are_clipped_and_a_good_trace_reads(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(lines(HEAD, FRAME, {"t": 0.1, "keypoints": None}, {**FRAME, "t": 0.2, "keypoints": [[1, 2, 7]] * 17}))
    header, frames = read_all(p)
    assert header.fps == 30.0 and [t for t, _ in frames] == [0.0, 0.1, 0.2]
    assert frames[1][1] is None and float(frames[2][1].scores.max()) == 1.0


PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=20,
)


def check(path) -> None:
    t0 = time.perf_counter()
    try:
        header, frames = read_all(path)
        assert all(p is None or isinstance(p, Pose) for _, p in frames)
    except SourceError:
        pass
    assert time.perf_counter() - t0 < 5.0


@PROPS
@given(st.binary(max_size=600))
def test_any_bytes_are_a_trace_or_a_source_error(tmp_path, data):
    p = tmp_path / "t.jsonl"
    p.write_bytes(data)
    check(p)


@PROPS
@given(st.dictionaries(st.sampled_from(sorted(HEAD)), json_values, max_size=5), st.lists(json_values, max_size=4))
def test_any_header_fields_and_frames_are_a_trace_or_a_source_error(tmp_path, changes, frames):
    p = tmp_path / "t.jsonl"
    p.write_bytes(lines({**HEAD, **changes}, *frames))
    check(p)


@PROPS
@given(
    st.dictionaries(st.sampled_from(["t", "keypoints"]), json_values, max_size=2),
    st.lists(st.lists(st.floats() | st.integers() | st.text(max_size=2), max_size=4), max_size=34),
)
def test_any_frame_is_a_pose_or_a_source_error(tmp_path, rec, kps):
    p = tmp_path / "t.jsonl"
    p.write_bytes(lines(HEAD, {**FRAME, **rec}, {**FRAME, "keypoints": kps}))
    check(p)
