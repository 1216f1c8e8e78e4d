"""Arguments and helpers several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_config(p: argparse.ArgumentParser, default_help: str = "built-in defaults") -> None:
    p.add_argument("--config", type=Path, help=f"config file (default: {default_help})")


def add_verbose(p: argparse.ArgumentParser) -> None:
    """`-v` after the command as well as before it."""
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log details and per-stage CPU times"
    )


def user_config_or_none(arg: Path | None) -> Path | None:
    """The config a command should read: --config, else the user's file if it exists, else None (defaults)."""
    if arg is not None:
        return arg
    from gesturectl.paths import user_config_path

    p = user_config_path()
    return p if p.exists() else None


def settings_with_model(settings, model: str | None):
    """`--model` applied to the config's PoseSettings, validated like the config (a ConfigError when bad)."""
    if not model:
        return settings
    from pydantic import ValidationError

    from gesturectl.errors import ConfigError

    try:
        return settings.with_model(model)
    except ValidationError as e:
        raise ConfigError(f"--model {model}: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
