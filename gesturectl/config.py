"""Config: one strict load of the YAML file into frozen settings.

`yaml.safe_load`, then pydantic checks every field: unknown keys are errors, and every
problem is reported at once with its dotted path and line, e.g.
`pose.min_presence (line 7): Input should be less than or equal to 1 (got 1.5)`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gesturectl.actions.keys import check_key
from gesturectl.actions.spec import ActionSpec, AppSpec, BindingSpec
from gesturectl.errors import ConfigError
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.paths import user_config_path
from gesturectl.pose.settings import PoseSettings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DaemonConfig(_Strict):
    """The `daemon:` section."""

    source: str = "0"
    keyboard: Literal["auto", "wayland", "uinput", "xtest", "pynput", "pyautogui"] = "auto"
    pause_hotkey: tuple[str, ...] = ("ctrl", "alt", "g")
    auto_pause_on_input_s: float = Field(0.0, ge=0.0, le=60.0)
    tray: Literal["auto", "off"] = "auto"
    notify: bool = False
    idle_fps: float = Field(5.0, gt=0.0, le=120.0)
    idle_after_s: float = Field(3.0, ge=0.0, le=600.0)
    retry_max_s: float = Field(10.0, ge=0.5, le=600.0)

    @field_validator("pause_hotkey")
    @classmethod
    def _keys(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_key(k) for k in v)


class Config(_Strict):
    version: Literal[1] = 1
    pose: PoseSettings = PoseSettings()
    gestures: RecognizerSpec = RecognizerSpec()
    apps: dict[str, AppSpec] = Field(default_factory=dict)
    actions: dict[str, ActionSpec] = Field(default_factory=dict)
    bindings: tuple[BindingSpec, ...] = ()
    daemon: DaemonConfig = DaemonConfig()

    @model_validator(mode="after")
    def _references(self) -> Config:
        """Every name a binding or action uses must be defined (listing the valid ones)."""
        problems = reference_problems(self.model_dump())
        if problems:
            raise ValueError("\n".join(problems))
        return self


def reference_problems(data: dict) -> list[str]:
    """Names used by bindings and actions that are not defined, on plain (possibly invalid) data."""

    def names(section: str) -> set[str]:
        v = data.get(section)
        return set(v) if isinstance(v, dict) else set()

    raw_gestures = data.get("gestures")
    gestures: dict = raw_gestures if isinstance(raw_gestures, dict) else {}
    defs = gestures.get("definitions")
    defined = set(defs) if isinstance(defs, dict) else set()
    actions, apps = names("actions"), names("apps")
    problems = []
    raw_bindings = data.get("bindings")
    bindings: list | tuple = raw_bindings if isinstance(raw_bindings, (list, tuple)) else []
    for i, b in enumerate(bindings):
        if not isinstance(b, dict):
            continue
        if "gesture" in b and b["gesture"] not in defined:
            problems.append(f"bindings.{i}.gesture: unknown gesture {b['gesture']!r}; defined: {sorted(defined)}")
        if "action" in b and b["action"] not in actions:
            problems.append(f"bindings.{i}.action: unknown action {b['action']!r}; defined: {sorted(actions)}")
        when = b.get("when")
        if isinstance(when, dict) and "app" in when and when["app"] not in apps:
            problems.append(f"bindings.{i}.when.app: unknown app {when['app']!r}; defined: {sorted(apps)}")
    for name, a in (data.get("actions") or {}).items() if isinstance(data.get("actions"), dict) else ():
        if not isinstance(a, dict):
            continue
        app = a.get("launch") or a.get("close")
        if app is not None and app not in apps:
            problems.append(f"actions.{name}: unknown app {app!r}; defined: {sorted(apps)}")
        elif a.get("launch") is not None and isinstance(data["apps"][app], dict) and not data["apps"][app].get("argv"):
            problems.append(f"actions.{name}: app {app!r} has no argv to launch it with")
    return problems


def _deep_merge(base: Any, over: Any) -> Any:
    """`over` on top of `base`: mappings merge key by key, anything else (lists included) replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _deep_merge(base[k], v) if k in base else v
        return out
    return over


def merge_over_defaults(data: dict) -> dict:
    """The user's settings on top of the documented defaults, so a file only needs what it changes.

    Mappings merge (a new app or gesture is added to the defaults, `zoom_in: {cooldown_s: 2}`
    changes one field); lists replace (your `bindings:` are all the bindings; a gesture's
    `phases:` are all its phases). `enabled: false` turns a default gesture off.
    """
    defaults = yaml.safe_load(default_config_text()) or {}
    return _deep_merge(defaults, data)


def default_config_text() -> str:
    """The documented default config shipped with the package."""
    return resources.files("gesturectl").joinpath("data/default_config.yaml").read_text(encoding="utf-8")


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the YAML node at a pydantic error location, as deep as it resolves."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def parse_config(text: str, source: str = "<config>") -> Config:
    """Parse and validate config text; raise ConfigError listing every problem."""
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{source}: not valid YAML: {e}") from e
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of sections (pose: ...), got {type(data).__name__}"
        )
    merged = merge_over_defaults(data)
    try:
        return Config.model_validate(merged)
    except ValidationError as e:
        lines: list[str] = []
        refs_reported = any(not err["loc"] for err in e.errors())
        if not refs_reported:  # field errors stop pydantic before the cross-checks: run them too
            lines.extend(f"  {m}" for m in reference_problems(merged))
        for err in e.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(top level)"
            line = _line_of(tree, err["loc"])
            where = f" (line {line})" if line else ""
            got = f" (got {err['input']!r})" if err["type"] != "missing" and not isinstance(err["input"], dict) else ""
            msg = err["msg"].removeprefix("Value error, ")
            if not err["loc"]:  # cross-reference problems: each already names its own path
                lines.extend(f"  {m}" for m in msg.split("\n"))
                continue
            lines.append(f"  {path}{where}: {msg}{got}")
        raise ConfigError(f"{source}: {len(lines)} problem(s):\n" + "\n".join(lines)) from None


def ensure_user_config() -> Path:
    """The user's config file, created from the documented defaults if there is none (never overwritten)."""
    p = user_config_path()
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "x", encoding="utf-8") as f:
            f.write(default_config_text())
    return p


def load_config(path: Path | None) -> Config:
    """Load a config file, or the built-in defaults when path is None."""
    if path is None:
        return parse_config(default_config_text(), "default config")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror}); check the path") from e
    return parse_config(text, str(path))
