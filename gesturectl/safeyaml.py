"""YAML for files a user (or anyone who can write their config) hands us: `yaml.safe_load` with limits.

`load_limited(text)` parses like `yaml.safe_load`, but
- refuses a document nested deeper than `max_depth` (PyYAML's composer recurses: very deep nesting
  would end in RecursionError);
- refuses an alias bomb before anything is expanded: the composed node graph is measured with every
  alias counted at its full expanded size (a few hundred bytes of `&a [*b, *b, ...]` can stand for
  billions of values, which validation would then walk);
- refuses integers written with more than `max_int_digits` digits (Python refuses to convert very
  long ones, and nothing in a config needs them);
- refuses a key written twice in one mapping (PyYAML would silently keep the last);
- reads every mapping key as the text the user wrote (`1:`, `on:` and `yes:` are the names "1", "on",
  "yes", never the number or the boolean), so keys are always strings; a list or mapping as a key is refused.

Every refusal is a `YamlLimitError` (a `yaml.YAMLError`) naming the line, so callers handle one kind
of error for "this is not a document we read".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True)
class YamlLimits:
    """Bounds on what a document may be; the defaults are far above any real config.

    Attributes:
        max_chars: characters in the text.
        max_depth: nesting of lists and mappings.
        max_values: values (scalars, lists, mappings) once every alias is expanded.
        max_aliases: alias uses (`*name`) in the text.
        max_int_digits: digits of an integer.
    """

    max_chars: int = 1_000_000
    max_depth: int = 50
    max_values: int = 200_000
    max_aliases: int = 1_000
    max_int_digits: int = 64


class YamlLimitError(yaml.YAMLError):
    """The document is beyond a limit of `YamlLimits`."""


def _where(node_or_mark: Any) -> str:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class _LimitedLoader(yaml.SafeLoader):
    def __init__(self, text: str, limits: YamlLimits) -> None:
        super().__init__(text)
        self.limits = limits
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise YamlLimitError(
                    f"more than {self.limits.max_aliases} aliases (*name), at {_where(self.peek_event())}"
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                raise YamlLimitError(
                    f"nested more than {self.limits.max_depth} levels deep, at {_where(self.peek_event())}"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[str, Any]:  # type: ignore[override]
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
        _refuse_duplicate_keys(node)
        self.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlLimitError(f"a key must be a name, not a {key_node.id}, at {_where(key_node)}")
            out[key_node.value] = self.construct_object(value_node, deep=deep)
        return out

    def construct_yaml_int(self, node: ScalarNode) -> int:  # type: ignore[override]
        digits = sum(c.isalnum() for c in str(node.value))
        if digits > self.limits.max_int_digits:
            raise YamlLimitError(f"an integer of {digits} digits, at {_where(node)}: too long to be a setting")
        return super().construct_yaml_int(node)


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_yaml_int)


def _refuse_duplicate_keys(node: MappingNode) -> None:
    """A key written twice in one mapping is an error (YAML requires unique keys; PyYAML would keep the last
    and silently drop the first, e.g. a second `pose:` section appended to a config replacing the first).
    Keys that come in through a merge (`<<: *defaults`) may be overridden, as YAML intends."""
    seen: dict[str, Node] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        first = seen.setdefault(key_node.value, key_node)
        if first is not key_node:
            raise ConstructorError(
                None,
                None,
                f"{key_node.value!r} is written twice in the same section ({_where(first)} and {_where(key_node)}); "
                "the second would silently replace the first: keep one and merge what each sets",
                key_node.start_mark,
            )


def expanded_size(root: Node, limit: int, max_depth: int) -> int:
    """How many values the node graph stands for with every alias expanded; stops (raising) past `limit`
    values or `max_depth` levels.

    Shared nodes (aliases) are measured once and counted at every use; a node that contains itself
    is refused.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (values, depth below)
    open_nodes: set[int] = set()

    def size(node: Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            n, below = sizes[key]
            if level + below > max_depth:
                raise YamlLimitError(f"nested more than {max_depth} levels deep through aliases, at {_where(node)}")
            return sizes[key]
        if level > max_depth:
            raise YamlLimitError(f"nested more than {max_depth} levels deep through aliases, at {_where(node)}")
        if key in open_nodes:
            raise YamlLimitError(f"a value that contains itself (an alias inside its own anchor), at {_where(node)}")
        open_nodes.add(key)
        n, below = 1, 0
        if isinstance(node, SequenceNode):
            children: list[Node] = list(node.value)
        elif isinstance(node, MappingNode):
            children = [x for pair in node.value for x in pair]
        else:
            children = []
        for child in children:
            child_n, child_below = size(child, level + 1)
            n, below = n + child_n, max(below, child_below + 1)
            if n > limit:
                raise YamlLimitError(
                    f"the document stands for more than {limit} values once its aliases are expanded "
                    f"(an alias bomb?), at {_where(node)}"
                )
        open_nodes.discard(key)
        sizes[key] = (n, below)
        return n, below

    return size(root, 1)[0]


def compose_limited(text: str, limits: YamlLimits = YamlLimits()) -> Node | None:
    """The document's node tree (lines and columns for messages), within the limits, nothing expanded."""
    if len(text) > limits.max_chars:
        raise YamlLimitError(f"the text is {len(text)} characters long; the limit is {limits.max_chars}")
    loader = _LimitedLoader(text, limits)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        expanded_size(node, limits.max_values, limits.max_depth)
    return node


def construct(node: Node | None, limits: YamlLimits = YamlLimits()) -> Any:
    """Plain Python data (dicts with string keys, lists, scalars) from a node tree of `compose_limited`."""
    if node is None:
        return None
    loader = _LimitedLoader("", limits)
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_limited(text: str, limits: YamlLimits = YamlLimits()) -> Any:
    """Like `yaml.safe_load(text)` within `limits` (see the module's docstring); raises yaml.YAMLError."""
    return construct(compose_limited(text, limits), limits)
