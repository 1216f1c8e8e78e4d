"""Config: one strict load of the YAML file into frozen settings.

`yaml.safe_load`, then pydantic checks every field: unknown keys are errors, and every
problem is reported at once with its dotted path and line, e.g.
`pose.min_presence (line 7): Input should be less than or equal to 1 (got 1.5)`.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gesturectl.actions.keys import check_key
from gesturectl.actions.spec import ActionSpec, AppSpec, BindingSpec
from gesturectl.config_words import line_of, plain_words, shown_value
from gesturectl.errors import ConfigError
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.paths import user_config_path
from gesturectl.people.settings import UserSettings
from gesturectl.pose.settings import PoseSettings
from gesturectl.safeyaml import YamlLimitError, YamlLimits, compose_limited, construct, load_limited

log = logging.getLogger(__name__)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DaemonConfig(_Strict):
    """The `daemon:` section."""

    source: str = "0"
    keyboard: Literal["auto", "wayland", "portal", "uinput", "xtest", "pynput", "pyautogui"] = "auto"
    pause_hotkey: tuple[str, ...] = ("ctrl", "alt", "g")
    auto_pause_on_input_s: float = Field(0.0, ge=0.0, le=60.0)
    tray: Literal["auto", "off"] = "auto"
    notify: bool = False
    watch_fps: float = Field(8.0, gt=0.0, le=120.0)
    idle_fps: float = Field(2.0, gt=0.0, le=120.0)
    idle_after_s: float = Field(3.0, ge=0.0, le=600.0)
    retry_max_s: float = Field(10.0, ge=0.5, le=600.0)
    max_actions_per_s: float = Field(4.0, gt=0.0, le=100.0)

    @field_validator("tray", mode="before")
    @classmethod
    def _tray(cls, v: Any) -> Any:
        """YAML 1.1 reads `tray: off` as false (and `on`/`yes` as true): take them as the user meant."""
        return {False: "off", True: "auto"}.get(v, v) if isinstance(v, bool) else v

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, v: Any) -> Any:
        """`source: 1` is camera 1 (YAML reads it as a number)."""
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("pause_hotkey")
    @classmethod
    def _keys(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_key(k) for k in v)


class Config(_Strict):
    version: Literal[1] = 1
    pose: PoseSettings = PoseSettings()
    gestures: RecognizerSpec = RecognizerSpec()
    user: UserSettings = UserSettings()
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


def _names(v: Any) -> set[str]:
    return {k for k in v if isinstance(k, str)} if isinstance(v, dict) else set()


def _unknown(path: str, kind: str, name: Any, defined: set[str] | None) -> str | None:
    """A problem line when `name` is not one of `defined` (any type of `name`: the data may be invalid); None
    also when `defined` is None (the section that defines them is itself invalid and reported as such)."""
    if defined is None or (isinstance(name, str) and name in defined):
        return None
    shown = repr(name) if isinstance(name, (str, int, float, bool)) or name is None else f"a {type(name).__name__}"
    return f"{path}: unknown {kind} {shown[:80]}; defined: {sorted(defined)}"


def reference_problems(data: dict) -> list[str]:
    """Names used by bindings and actions that are not defined, on plain (possibly invalid) data."""
    raw_gestures = data.get("gestures")
    raw_definitions = raw_gestures.get("definitions") if isinstance(raw_gestures, dict) else None
    raw_apps, raw_actions = data.get("apps"), data.get("actions")
    apps: dict = raw_apps if isinstance(raw_apps, dict) else {}
    # A section that is not a mapping has an error of its own: names looked up in it are not reported too.
    defined = _names(raw_definitions) if isinstance(raw_definitions, dict) else None
    app_names = _names(apps) if isinstance(raw_apps, dict) else None
    actions = _names(raw_actions) if isinstance(raw_actions, dict) else None
    problems: list[str | None] = []
    raw_bindings = data.get("bindings")
    bindings: list | tuple = raw_bindings if isinstance(raw_bindings, (list, tuple)) else []
    for i, b in enumerate(bindings):
        if not isinstance(b, dict):
            continue
        if "gesture" in b:
            problems.append(_unknown(f"bindings.{i}.gesture", "gesture", b["gesture"], defined))
        if "action" in b:
            problems.append(_unknown(f"bindings.{i}.action", "action", b["action"], actions))
        when = b.get("when")
        if isinstance(when, dict) and "app" in when:
            problems.append(_unknown(f"bindings.{i}.when.app", "app", when["app"], app_names))
    for name, a in raw_actions.items() if isinstance(raw_actions, dict) else ():
        if not isinstance(a, dict):
            continue
        app = a.get("launch") if a.get("launch") is not None else a.get("close")
        if app is None:
            continue
        problem = _unknown(f"actions.{name}", "app", app, app_names)
        launched = a.get("launch") is not None
        found = apps.get(app) if isinstance(app, str) else None
        if problem is None and launched and isinstance(found, dict) and not found.get("argv"):
            problem = f"actions.{name}: app {app!r} has no argv to launch it with"
        problems.append(problem)
    return [p for p in problems if p is not None]


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
    return _deep_merge(_defaults(), data)


@functools.lru_cache(maxsize=1)
def _defaults() -> dict:
    """The parsed defaults, read once (`_deep_merge` copies what it changes and never mutates them)."""
    return load_limited(default_config_text()) or {}


def default_config_text() -> str:
    """The documented default config shipped with the package."""
    return resources.files("gesturectl").joinpath("data/default_config.yaml").read_text(encoding="utf-8")


#: Limits on a config file: far above any real config, far below what would stall a reload.
LIMITS = YamlLimits(max_chars=1_000_000, max_depth=40, max_values=100_000, max_aliases=500)


def _validation_lines(e: ValidationError, merged: dict, tree: yaml.Node | None) -> list[str]:
    lines: list[str] = []
    errors = e.errors()
    if not any(not err["loc"] for err in errors):  # field errors stop pydantic before the cross-checks
        lines.extend(f"  {m}" for m in reference_problems(merged))
    for err in errors:
        msg = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # cross-reference problems: each already names its own path
            lines.extend(f"  {m}" for m in msg.split("\n"))
            continue
        path = ".".join(str(p) for p in err["loc"])
        line = line_of(tree, err["loc"])
        where = f" (line {line})" if line else ""
        shown = err["type"] != "missing" and not isinstance(err["input"], dict)
        if (friendly := plain_words(err, merged, Config)) is not None:
            msg, shown = friendly[0], shown and friendly[1]
        got = f" (got {shown_value(err['input'])})" if shown else ""
        lines.append(f"  {path}{where}: {msg}{got}")
    return lines


def parse_config(text: str, source: str = "<config>") -> Config:
    """Parse and validate config text; raise ConfigError listing every problem.

    The YAML is read within `LIMITS` (depth, size, aliases counted at their expanded size, integer
    length) before anything is expanded, so no file can make this slow or take much memory.
    """
    try:
        tree = compose_limited(text, LIMITS)
        data = construct(tree, LIMITS)
    except YamlLimitError as e:
        raise ConfigError(f"{source}: refused: {e}; a config needs nothing like this") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{source}: not valid YAML: {e}") from None
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
        lines = _validation_lines(e, merged, tree)
        raise ConfigError(f"{source}: {len(lines)} problem(s):\n" + "\n".join(lines)) from None
    except (ValueError, TypeError, RecursionError) as e:  # a validator tripped on data of an odd shape
        log.debug("config validation failed unexpectedly", exc_info=True)
        raise ConfigError(f"{source}: cannot be read as a gesturectl config ({type(e).__name__}: {e})") from None


def config_warnings(cfg: Config) -> list[str]:
    """Settings that are valid but quietly turn gestures off; shown at start-up and on reload."""
    g, p = cfg.gestures, cfg.pose
    out = []
    if g.max_dropout_s < 0.05:
        out.append(
            f"gestures.max_dropout_s is {g.max_dropout_s:g}: every gap between two frames resets gestures in "
            "progress, so no gesture that is held or moved can complete; use 0.25"
        )
    for path, value in (
        ("gestures.min_joint_score", g.min_joint_score),
        ("pose.min_presence", p.min_presence),
        ("pose.min_detection_score", p.min_detection_score),
    ):
        if value >= 0.99:
            out.append(f"{path} is {value:g}: scores never reach it, so nobody is ever seen; use 0.5")
    enabled = {n for n, d in g.definitions.items() if d.enabled}
    if not enabled:
        out.append("gestures.definitions: every gesture is disabled; nothing will be recognised")
    elif not any(b.gesture in enabled for b in cfg.bindings):
        out.append("bindings: no enabled gesture is bound to an action; nothing will happen")
    return out


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
        with open(path, "rb") as f:
            raw = f.read(LIMITS.max_chars + 1)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror}); check the path") from e
    if len(raw) > LIMITS.max_chars:
        raise ConfigError(f"{path}: larger than {LIMITS.max_chars // 1000} kB; is it really a gesturectl config?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} on line {line}); save the file as UTF-8"
        ) from None
    return parse_config(text.removeprefix("\ufeff"), str(path))
