import pytest
import yaml

from gesturectl.config import default_config_text, load_config, parse_config
from gesturectl.errors import ConfigError
from tests.conftest import ROOT


def test_shipped_config_yaml_is_the_packaged_default():
    assert (ROOT / "config.yaml").read_text() == default_config_text()
    cfg = load_config(ROOT / "config.yaml")
    assert cfg.pose.model == "full" and cfg.pose.threads == 1


def test_empty_file_means_defaults():
    assert parse_config("").pose.min_presence == 0.5


def test_every_problem_is_reported_with_path_and_line():
    text = "version: 1\npose:\n  model: heavy\n  min_presence: 1.5\n  colour: red\n"
    with pytest.raises(ConfigError) as e:
        parse_config(text, "my.yaml")
    msg = str(e.value)
    assert "my.yaml: 3 problem(s)" in msg
    assert "pose.model (line 3): must be lite, full, or the path of a heatmap model" in msg and "'heavy'" in msg
    assert "pose.min_presence (line 4)" in msg and "1.5" in msg
    assert "pose.colour (line 5): unknown setting 'colour' (valid here: model, " in msg


def test_unknown_section_and_bad_yaml():
    with pytest.raises(
        ConfigError, match=r"colours \(line 2\): unknown setting 'colours' \(valid here: version, pose, gestures, "
    ):
        parse_config("gestures: {}\ncolours: {}\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_config("pose: [unclosed\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        parse_config("- a\n- b\n")


def test_a_misspelt_setting_is_named_with_the_one_meant():
    with pytest.raises(ConfigError) as e:
        parse_config(
            "pose:\n  modle: lite\nactions:\n  a: {luanch: terminal}\n"
            "bindings:\n  - {gesture: zoom_in, action: a, whem: {}}\n"
        )
    msg = str(e.value)
    assert "pose.modle (line 2): unknown setting 'modle'; did you mean 'model'? (valid here: model, " in msg
    assert "actions.a.luanch (line 4): unknown setting 'luanch'; did you mean 'launch'?" in msg
    assert (
        "bindings.0.whem (line 6): unknown setting 'whem'; did you mean 'when'? (valid here: gesture, action, when)"
        in msg
    )
    assert "Extra inputs" not in msg and "(got " not in msg


def test_a_gestures_settings_one_level_too_high_are_pointed_to_their_place():
    with pytest.raises(ConfigError, match=r"a gesture's settings go under gestures\.definitions\.zoom_in"):
        parse_config("gestures:\n  zoom_in: {cooldown_s: 2}\n")
    assert (
        parse_config("gestures:\n  definitions:\n    zoom_in: {cooldown_s: 2}\n")
        .gestures.definitions["zoom_in"]
        .cooldown_s
        == 2
    )


@pytest.mark.parametrize(
    ("setting", "text", "want"),
    [
        ("actions.a.hotkey", 'actions: {a: {hotkey: "ctrl+="}}', ("ctrl", "=")),
        ("actions.a.hotkey", 'actions: {a: {hotkey: "ctrl + -"}}', ("ctrl", "-")),
        ("daemon.pause_hotkey", 'daemon: {pause_hotkey: "ctrl+alt+p"}', ("ctrl", "alt", "p")),
        ("apps.t.argv", 'apps: {t: {argv: "xterm -e htop"}}', ("xterm", "-e", "htop")),
        ("apps.t.process_names", "apps: {t: {argv: [xterm], process_names: xterm}}", ("xterm",)),
    ],
)
def test_one_string_where_a_list_belongs_gets_the_list_it_meant(setting, text, want):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    line = next(ln for ln in str(e.value).splitlines() if ln.strip().startswith(setting))
    assert "expected a list, one item each, e.g. [" in line and "valid tuple" not in line
    suggested = line.split("e.g. ", 1)[1].split("]", 1)[0] + "]"
    assert tuple(yaml.safe_load(suggested)) == want  # the suggestion is YAML that reads back as meant
    if setting.endswith("argv"):
        assert "never split or run through a shell" in line


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml: cannot read the config file"):
        load_config(tmp_path / "nope.yaml")


def test_a_section_of_the_wrong_shape_is_one_problem_not_a_cascade():
    """`apps: [xterm]` replaces the default apps: the actions and bindings that name them are not listed too."""
    with pytest.raises(ConfigError) as e:
        parse_config("apps: [xterm]\n")
    msg = str(e.value)
    assert "1 problem(s)" in msg and "unknown app" not in msg
    assert "apps (line 1): expected one `name: settings` entry per line, e.g. `editor: {argv: [gedit]}`" in msg
    assert parse_config("apps:\n  editor: {argv: [gedit]}\n").apps["editor"].argv == ("gedit",)  # the example holds


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "bindings: [zoom_in]\n",
            "bindings.0 (line 1): expected settings written as `name: value` (valid here: gesture, action, when)",
        ),
        ("bindings: {gesture: zoom_in}\n", "bindings (line 1): expected a list, one item each"),
        ("pose: 3\n", "pose (line 1): expected settings written as `name: value` (valid here: model, "),
        ("daemon: {notify: maybe}\n", "daemon.notify (line 1): expected true or false (got 'maybe')"),
        ("pose: {threads: fast}\n", "pose.threads (line 1): expected a whole number (got 'fast')"),
    ],
)
def test_wrong_shapes_are_said_in_plain_words(text, line):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert line in str(e.value) and "instance of" not in str(e.value) and "valid tuple" not in str(e.value)


def test_misspelt_settings_deep_inside_a_gesture_are_named_too():
    text = (
        "gestures:\n  definitions:\n    pause:\n      phases:\n        - name: x\n          when:\n"
        "            - {abov: [left_wrist, head], margin: 0.2}\n          hodl_s: 1.0\n"
        "bindings:\n  - {gesture: pause, action: toggle_pause, when: {ap: chrome}}\n"
    )
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    msg = str(e.value)
    assert "phases.0.when.0.abov (line 7): unknown setting 'abov'; did you mean 'above'?" in msg
    assert "phases.0.hodl_s (line 8): unknown setting 'hodl_s'; did you mean 'hold_s'?" in msg
    assert "bindings.0.when.ap (line 10): unknown setting 'ap'; did you mean 'app'? (valid here: app)" in msg
