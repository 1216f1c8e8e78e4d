"""The words of config errors: where a problem is (its line), and pydantic's terse messages said plainly.

A misspelt setting names the one meant and what is valid there; one string where a list belongs gets the
list it meant, written as YAML that reads back; mappings, lists, booleans and numbers of the wrong kind say
what was expected. Pure: it reads pydantic's error records, the config's models and the YAML node tree.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
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


def shown_value(value: Any) -> str:
    """A short rendering of a rejected value for a message (a long list is cut, never printed whole)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def settings_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The setting names the config allows at `loc` (a section, an app, an action...), if it names a mapping of
    fixed settings; None where the keys are the user's own names (apps, actions, gestures) or it does not resolve."""
    tp: Any = root
    for key in (*loc, None):
        union = get_origin(tp) in (Union, types.UnionType)
        args = [a for a in get_args(tp) if a is not type(None)] if union else [tp]
        tp = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), args[0] if args else None)
        if key is None:
            return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(key))
            tp = field.annotation if field is not None else None
        elif get_origin(tp) in (dict, tuple, list):
            tp = get_args(tp)[-1 if get_origin(tp) is dict else 0]
        else:
            return None
    return None


#: For a mapping of the user's own names: how one entry looks.
MAPPING_EXAMPLES = {
    "apps": "`editor: {argv: [gedit]}`",
    "actions": '`zoom_in: {hotkey: [mod, "="]}`',
    "definitions": "`wave: {template: wave}`",
}
#: For a list setting written as one string: how a list of it looks.
LIST_EXAMPLES = {"hotkey": '[mod, "="]', "pause_hotkey": "[ctrl, alt, g]", "argv": "[xterm, -e, htop]"}


def _as_yaml_list(words: list[str]) -> str:
    """`words` as a YAML flow list that reads back as written (`=` and `-` quoted where YAML needs it)."""
    return yaml.safe_dump(words, default_flow_style=True, width=1_000).strip()


def plain_words(err: Mapping[str, Any], merged: dict, root: type[BaseModel]) -> tuple[str, bool] | None:
    """Plain words for the pydantic errors a user meets most (a misspelt setting, one string for a list), and
    whether the rejected value is still worth showing; None to keep pydantic's message."""
    loc, value = err["loc"], err.get("input")
    if err["type"] == "extra_forbidden":
        known = settings_at(root, loc[:-1])
        if known is None:
            return None
        key = str(loc[-1])
        close = difflib.get_close_matches(key, known, n=1)
        mean = f"; did you mean {close[0]!r}?" if close else ""
        gestures = merged.get("gestures")
        defined = gestures.get("definitions") if isinstance(gestures, dict) else None
        if tuple(loc[:-1]) == ("gestures",) and isinstance(defined, dict) and key in defined:
            mean = f"; a gesture's settings go under gestures.definitions.{key}"
        return f"unknown setting {key!r}{mean} (valid here: {', '.join(known)})", False
    if err["type"] in ("tuple_type", "list_type") and isinstance(value, str):
        field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else ""
        words = [w.strip() for w in (value.split("+") if field.endswith("hotkey") else value.split())]
        example = _as_yaml_list(words) if all(words) and words else LIST_EXAMPLES.get(field, "[first, second]")
        why = " (it is never split or run through a shell)" if field == "argv" else ""
        return f"expected a list, one item each, e.g. {example}{why}", True
    if err["type"] in ("tuple_type", "list_type"):
        return "expected a list, one item each (each on its own line after `- `, or [first, second])", True
    if err["type"] in ("model_type", "dict_type", "model_attributes_type"):
        known = settings_at(root, loc)
        if known is None and loc and str(loc[-1]) in MAPPING_EXAMPLES:  # the user's own names: apps, actions
            return f"expected one `name: settings` entry per line, e.g. {MAPPING_EXAMPLES[str(loc[-1])]}", True
        valid = f" (valid here: {', '.join(known)})" if known else ""
        return f"expected settings written as `name: value`{valid}", True
    plain = {"bool_parsing": "expected true or false", "bool_type": "expected true or false"}
    plain |= {"int_parsing": "expected a whole number", "float_parsing": "expected a number"}
    return (plain[err["type"]], True) if err["type"] in plain else None
