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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gesturectl.actions.spec import ActionSpec, AppSpec, BindingSpec
from gesturectl.errors import ConfigError
from gesturectl.gestures.spec import RecognizerSpec
from gesturectl.pose.blazepose import BlazePoseSettings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PoseConfig(_Strict):
    """The `pose:` section."""

    model: Literal["lite", "full"] = "full"
    min_detection_score: float = Field(0.5, ge=0.0, le=1.0)
    min_presence: float = Field(0.5, ge=0.0, le=1.0)
    nms_iou: float = Field(0.3, gt=0.0, lt=1.0)
    track: bool = True
    threads: int = Field(1, ge=1, le=64)
    recheck_s: float = Field(0.5, gt=0.0, le=60.0)
    draw_min_score: float = Field(0.5, ge=0.0, le=1.0)

    def settings(self) -> BlazePoseSettings:
        return BlazePoseSettings(
            model=self.model,
            min_detection_score=self.min_detection_score,
            min_presence=self.min_presence,
            nms_iou=self.nms_iou,
            track=self.track,
            threads=self.threads,
            recheck_s=self.recheck_s,
        )


class Config(_Strict):
    version: Literal[1] = 1
    pose: PoseConfig = PoseConfig()
    gestures: RecognizerSpec = RecognizerSpec()
    apps: dict[str, AppSpec] = Field(default_factory=dict)
    actions: dict[str, ActionSpec] = Field(default_factory=dict)
    bindings: tuple[BindingSpec, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Config:
        """Every name a binding or action uses must be defined (listing the valid ones)."""
        problems = []
        gestures = set(self.gestures.definitions)
        for i, b in enumerate(self.bindings):
            if b.gesture not in gestures:
                problems.append(f"bindings.{i}.gesture: unknown gesture {b.gesture!r}; defined: {sorted(gestures)}")
            if b.action not in self.actions:
                problems.append(f"bindings.{i}.action: unknown action {b.action!r}; defined: {sorted(self.actions)}")
            if b.when is not None and b.when.app not in self.apps:
                problems.append(f"bindings.{i}.when.app: unknown app {b.when.app!r}; defined: {sorted(self.apps)}")
        for name, a in self.actions.items():
            app = a.launch or a.close
            if app is not None and app not in self.apps:
                problems.append(f"actions.{name}: unknown app {app!r}; defined: {sorted(self.apps)}")
            if a.launch is not None and app in self.apps and not self.apps[app].argv:
                problems.append(f"actions.{name}: app {app!r} has no argv to launch it with")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def default_config_text() -> str:
    """The documented default config shipped with the package."""
    return resources.files("gesturectl").joinpath("default_config.yaml").read_text()


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
        raise ConfigError(f"{source}: the top level must be a mapping of sections (pose: ...), got {type(data).__name__}")
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(top level)"
            line = _line_of(tree, err["loc"])
            where = f" (line {line})" if line else ""
            got = f" (got {err['input']!r})" if err["type"] != "missing" and not isinstance(err["input"], dict) else ""
            msg = err["msg"].removeprefix("Value error, ")
            if not err["loc"]:  # cross-reference problems: each already names its own path
                lines.extend(f"  {m}" for m in msg.split("; "))
                continue
            lines.append(f"  {path}{where}: {msg}{got}")
        raise ConfigError(f"{source}: {len(lines)} problem(s):\n" + "\n".join(lines)) from None


def load_config(path: Path | None) -> Config:
    """Load a config file, or the built-in defaults when path is None."""
    if path is None:
        return parse_config(default_config_text(), "default config")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror}); check the path") from e
    return parse_config(text, str(path))
