"""The config loader against careless and hostile files: every input is a Config or one ConfigError, quickly
and in little memory (alias bombs, deep nesting, huge integers, bytes that are not UTF-8, odd types deep
inside, keys of mixed types), and the YAML 1.1 spellings users type mean what they mean."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gesturectl.commands import Command
from gesturectl.config import Config, config_warnings, default_config_text, load_config, parse_config
from gesturectl.errors import ConfigError
from gesturectl.safeyaml import YamlLimitError, YamlLimits, load_limited

#: The bomb of the issue: 432 bytes that PyYAML + validation expanded for 11 s and 1.8 GB.
BOMB = "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, n in zip(["", "a", "b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f", "g", "h"])
)
BOMB_IN_A_SECTION = BOMB + "apps:\n  x:\n    argv: *h\n"


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bounded(fn, *args, max_s: float = 5.0, max_mb: float = 100.0):
    """fn(*args) -> its result or the ConfigError it raised; fails when it takes longer than max_s or raises
    this process's peak memory by more than max_mb (the peak only grows: any blow-up shows)."""
    before = peak_rss_mb()
    t0 = time.perf_counter()
    try:
        out = fn(*args)
    except ConfigError as e:
        out = e
    took = time.perf_counter() - t0
    grew = peak_rss_mb() - before
    assert took < max_s, f"took {took:.1f} s"
    assert grew < max_mb, f"peak memory grew by {grew:.0f} MB"
    return out


@pytest.mark.parametrize("text", [BOMB, BOMB_IN_A_SECTION], ids=["top", "in_section"])
def test_an_alias_bomb_is_refused_before_it_expands(text):
    assert len(text.encode()) < 600
    err = bounded(parse_config, text, "bomb.yaml", max_s=1.0, max_mb=20)
    assert isinstance(err, ConfigError) and "alias bomb" in str(err) and str(err).startswith("bomb.yaml: refused")


def test_aliases_used_sensibly_still_work():
    text = "apps:\n  a: &app {argv: [xterm]}\n  b: *app\nactions:\n  x: {launch: b}\n"
    assert parse_config(text).apps["b"].argv == ("xterm",)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: " + "[" * 5000 + "]" * 5000, "nested more than"),
        ("gestures: " + "{a: " * 3000 + "1" + "}" * 3000, "nested more than"),
        ("daemon: {idle_fps: " + "9" * 5000 + "}", "5000 digits"),
        ("a: &a [*a]\n", "contains itself"),
        ("? [a, b]\n: 1\n", "a key must be a name"),
        ("x: &x [[[1]]]\n" + "".join(f"x{i}: &x{i} [*x{i - 1 if i else ''}]\n" for i in range(60)), "deep"),
    ],
    ids=["deep_list", "deep_map", "huge_int", "self_alias", "list_key", "deep_via_aliases"],
)
def test_limits_give_one_clear_error(text, words):
    err = bounded(parse_config, text, "c.yaml")
    assert isinstance(err, ConfigError) and words in str(err) and "Traceback" not in str(err)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("bindings: [{gesture: [1], action: {a: 1}, when: {app: [x]}}]", "bindings.0.gesture: unknown gesture a list"),
        ("actions: {x: {launch: [a]}}", "actions.x: unknown app a list"),
        ("actions: {x: {close: {a: 1}}}", "actions.x: unknown app a dict"),
        ("apps: 5\nactions: {x: {launch: a}}", "apps (line 1)"),
        ("apps: {1: {argv: [a]}, b: {argv: [b]}}\nactions: {x: {launch: zz}}", "defined: ['1', 'b'"),
        ("gestures: {definitions: {1: {phases: []}, on: 2}}", "gestures.definitions"),
        ("bindings: {a: 1}", "bindings (line 1)"),
    ],
)
def test_odd_types_deep_inside_are_problems_not_tracebacks(text, words):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert words in str(e.value)


def test_not_utf8_too_big_and_bom(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_bytes(b"pose:\n  model: full\n  # caf\xe9\n")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 on line 3\); save the file as UTF-8"):
        load_config(p)
    p.write_bytes(b"# x\n" * 400_000)
    with pytest.raises(ConfigError, match="larger than"):
        load_config(p)
    p.write_bytes("\ufeffdaemon: {idle_fps: 7}\n".encode())
    assert load_config(p).daemon.idle_fps == 7


def test_yaml_1_1_spellings_mean_what_users_mean():
    assert parse_config("daemon: {tray: off}").daemon.tray == "off"
    assert parse_config("daemon: {tray: no}").daemon.tray == "off"
    assert parse_config("daemon: {tray: on}").daemon.tray == "auto"
    assert parse_config("daemon: {source: 1}").daemon.source == "1"
    with pytest.raises(ConfigError, match="daemon.source"):
        parse_config("daemon: {source: [1]}")


def test_settings_that_silently_disable_everything_are_warned_about():
    assert config_warnings(parse_config("")) == []
    w = config_warnings(parse_config("gestures: {max_dropout_s: 0, min_joint_score: 1}"))
    assert any(m.startswith("gestures.max_dropout_s is 0:") for m in w)
    assert any(m.startswith("gestures.min_joint_score is 1:") for m in w)
    w = config_warnings(parse_config("bindings: []"))
    assert w == ["bindings: no enabled gesture is bound to an action; nothing will happen"]


def test_a_long_rejected_value_is_shown_cut():
    with pytest.raises(ConfigError) as e:
        parse_config("daemon: {pause_hotkey: [" + ", ".join(["nokey"] * 5000) + "]}")
    assert len(str(e.value)) < 2000


def test_reload_of_a_bomb_keeps_the_running_config_at_once(tmp_path):
    from tests.runtime.test_daemon_logic import Harness

    h = Harness(tmp_path, "daemon: {idle_fps: 30}\n")
    h.cfg_path.write_text(BOMB_IN_A_SECTION)
    t0 = time.perf_counter()
    r = h.daemon.handle(Command.RELOAD)
    assert time.perf_counter() - t0 < 1.0
    assert r["ok"] is False and "alias bomb" in r["error"] and h.daemon.cfg.daemon.idle_fps == 30


# -- properties -----------------------------------------------------------------------------------------------

PROPS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["full", "lite", "ctrl", "mod", "zoom_in", "terminal", "chrome", "auto", "off", "-1", "1e999"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "pose",
            "gestures",
            "apps",
            "actions",
            "bindings",
            "daemon",
            "definitions",
            "phases",
            "when",
            "argv",
            "hotkey",
            "launch",
            "close",
            "control",
            "gesture",
            "action",
            "app",
            "any_of",
            "above",
            "speed",
            "max",
            "hold_s",
            "zoom_in",
            "terminal",
            "smoothing",
            "engage",
            "source",
            "tray",
            "model",
            "repeat",
            "motion",
        ]
    ),
    st.text(max_size=6),
)
trees = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(keys, c, max_size=4), max_leaves=30)


@PROPS
@given(st.text(max_size=400))
def test_any_text_is_a_config_or_a_config_error(text):
    out = bounded(parse_config, text)
    assert isinstance(out, (Config, ConfigError))


@PROPS
@given(st.binary(max_size=400))
def test_any_bytes_on_disk_are_a_config_or_a_config_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("c") / "c.yaml"
    p.write_bytes(data)
    assert isinstance(bounded(load_config, p), (Config, ConfigError))


@PROPS
@given(st.dictionaries(keys, trees, max_size=6))
def test_any_tree_is_a_config_or_a_config_error(tree):
    text = yaml.safe_dump(tree)
    assert isinstance(bounded(parse_config, text), (Config, ConfigError))


DEFAULTS = yaml.safe_load(default_config_text())


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(DEFAULTS) if p]


@PROPS
@given(st.lists(st.tuples(st.sampled_from(PATHS), trees), min_size=1, max_size=3))
@pytest.mark.slow
def test_the_default_config_with_anything_anywhere_is_a_config_or_a_config_error(changes):
    import copy

    data = copy.deepcopy(DEFAULTS)
    for path, value in changes:
        node = data
        try:
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    assert isinstance(bounded(parse_config, yaml.safe_dump(data)), (Config, ConfigError))


@PROPS
@given(st.integers(1, 12), st.integers(2, 12))
def test_alias_chains_of_any_shape_stay_bounded(depth, width):
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, depth + 1)]
    out = bounded(parse_config, "\n".join(lines), max_s=2.0, max_mb=20)
    assert isinstance(out, ConfigError)


def test_load_limited_is_safe_load_on_ordinary_documents():
    text = default_config_text()
    assert load_limited(text) == yaml.safe_load(text)
    with pytest.raises(YamlLimitError):
        load_limited("a: 1\n" * 10, YamlLimits(max_chars=20))


def test_a_section_written_twice_is_an_error_naming_both_lines_not_a_silent_loss():
    """Appending `pose:` to a file that has one replaced the whole first section without a word (PyYAML keeps the
    last of two equal keys): the file is refused, and the running config stays on reload."""
    text = default_config_text() + "\npose:\n  model: lite\n"
    first = 1 + default_config_text().splitlines().index("pose:")
    with pytest.raises(ConfigError) as e:
        parse_config(text, "my.yaml")
    last = len(text.splitlines()) - 1
    assert f"'pose' is written twice in the same section (line {first} and line {last})" in str(e.value)
    assert "my.yaml: not valid YAML" in str(e.value)
    with pytest.raises(ConfigError, match=r"'argv' is written twice"):
        parse_config("apps:\n  t:\n    argv: [xterm]\n    argv: [xeyes]\n")
    # keys brought in by a merge may still be overridden, as YAML intends
    merged = load_limited("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 3\n")
    assert merged["x"] == {"a": 3, "b": 2}
