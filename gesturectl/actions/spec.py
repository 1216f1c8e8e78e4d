"""Config models for actions, applications and bindings (structure only; OS checks happen in backends).

apps:      name -> how to start it (argv, never a shell string) and how to recognise its processes
actions:   name -> exactly one of hotkey / launch / close / control
bindings:  gesture -> action, optionally only while an app's window is in front
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gesturectl.actions.keys import check_key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSpec(_Strict):
    """An application gesturectl may start, close, or check is in front."""

    argv: tuple[str, ...] = ()
    process_names: tuple[str, ...] = ()
    window_classes: tuple[str, ...] = ()
    allow_second_copy: bool = False
    close_timeout_s: float = Field(3.0, gt=0.0, le=60.0)
    force_close: bool = False  # terminate (then kill) an app that is still open after its windows were asked

    @model_validator(mode="after")
    def _check(self) -> AppSpec:
        if any(not a for a in self.argv):
            raise ValueError("argv entries must be non-empty strings")
        if not self.process_names and not self.argv:
            raise ValueError("give argv (to launch it) and/or process_names (to recognise it)")
        return self

    def names(self) -> tuple[str, ...]:
        """Process names that identify the app (its executable's name when none are given)."""
        if self.process_names:
            return self.process_names
        return (self.argv[0].rsplit("/", 1)[-1],)


class ActionSpec(_Strict):
    """Exactly one of: `hotkey: [mod, "="]`, `launch: APP`, `close: APP`, `control: pause|resume|toggle_pause`."""

    hotkey: tuple[str, ...] | None = None
    launch: str | None = None
    close: str | None = None
    control: Literal["pause", "resume", "toggle_pause"] | None = None  # the values of PAUSE_COMMANDS

    @field_validator("hotkey")
    @classmethod
    def _keys(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is None:
            return v
        if not v:
            raise ValueError("a hotkey needs at least one key")
        return tuple(check_key(k) for k in v)

    @model_validator(mode="after")
    def _one(self) -> ActionSpec:
        kinds = self.kinds()
        if len(kinds) != 1:
            raise ValueError(f"give exactly one of hotkey, launch, close, control (got {kinds or 'none'})")
        return self

    def kinds(self) -> list[str]:
        return [k for k in ("hotkey", "launch", "close", "control") if getattr(self, k) is not None]

    def describe(self) -> str:
        kind = self.kinds()[0]
        value = getattr(self, kind)
        return f"hotkey {'+'.join(value)}" if kind == "hotkey" else f"{kind} {value}"

    def app_name(self) -> str | None:
        """The app a launch or close action names."""
        return self.launch or self.close


class WhenSpec(_Strict):
    app: str


class BindingSpec(_Strict):
    gesture: str
    action: str
    when: WhenSpec | None = None
