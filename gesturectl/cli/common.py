"""Arguments and helpers several commands share."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from gesturectl.errors import GesturectlError


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


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds > 0 (`nan`, `inf`, 0 and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0 (got {text})")
    return value


def output_error(path: Path, e: OSError) -> GesturectlError:
    """One clear line for an output file that cannot be written (missing folder, full disk, no permission)."""
    why = e.strerror or type(e).__name__
    hint = {
        28: "free some space or write elsewhere",
        13: "choose a folder you can write to",
        30: "choose a folder you can write to",
        21: "give a file name, not a folder",
    }.get(e.errno or 0, "check the path")
    return GesturectlError(f"cannot write {path}: {why}; {hint}")


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
