import pytest

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
    assert "pose.colour (line 5): Extra inputs are not permitted" in msg


def test_unknown_section_and_bad_yaml():
    with pytest.raises(ConfigError, match=r"colours \(line 2\): Extra inputs"):
        parse_config("gestures: {}\ncolours: {}\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_config("pose: [unclosed\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        parse_config("- a\n- b\n")


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml: cannot read the config file"):
        load_config(tmp_path / "nope.yaml")
