"""Errors a user can act on: each message names the problem and the fix."""

from __future__ import annotations


class GesturectlError(Exception):
    """Base class; the CLI prints these without a traceback and exits non-zero."""


class ConfigError(GesturectlError):
    """The config file is unreadable or invalid; the message lists every problem with its path."""


class ModelError(GesturectlError):
    """A model file is missing, corrupt or unusable."""


class SourceError(GesturectlError):
    """A frame source (camera, video, image) cannot be opened or read."""


class ActionError(GesturectlError):
    """An action could not be performed (no keyboard backend, an app that cannot start...)."""


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (libraries such as pynput add pages of advice), or its type."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
