"""JSON Schema validation errors, normalised: pick the useful one and say it in one short line.

Both jsonschema (Python) and jsonschema-rs report a failed `oneOf`/`anyOf` as one opaque error
holding every branch's errors. `leaves` digs through them and keeps the branch that matches the
value's shape, so "'ten' is not of type 'integer'" points at the wrong value itself instead of
"... is not valid under any of the given schemas" at an ancestor.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.spec.pointers import join_pointer

Segment = str | int

# Branch errors that only say "this branch is for another kind of object": a `type` mismatch
# on the value itself, a missing `$ref` (the Reference branch), or a wrong discriminating
# property such as a parameter's `in` or a security scheme's `type`.
_DISCRIMINATORS = frozenset({"in", "type"})
_VALUE_LIMIT = 40

_TEMPLATES = {
    "minLength": "{value} is shorter than {detail} characters",
    "maxLength": "{value} is longer than {detail} characters",
    "minimum": "{value} is less than the minimum of {detail}",
    "maximum": "{value} is greater than the maximum of {detail}",
    "exclusiveMinimum": "{value} is not greater than {detail}",
    "exclusiveMaximum": "{value} is not less than {detail}",
    "multipleOf": "{value} is not a multiple of {detail}",
    "minItems": "{value} has fewer than {detail} items",
    "maxItems": "{value} has more than {detail} items",
    "minProperties": "{value} has fewer than {detail} properties",
    "maxProperties": "{value} has more than {detail} properties",
    "uniqueItems": "{value} has repeated items",
    "pattern": "{value} does not match the pattern {detail!r}",
    "format": "{value} is not a valid {detail!r}",
    "not": "{value} matches a schema it must not match",
    "falseSchema": "{value} is not allowed here",
}


@dataclass(frozen=True)
class Failure:
    """One validation error: where (`path` inside the validated value), which keyword, what.

    `detail` is keyword specific: the expected types for `type`, the missing name for
    `required`, the unexpected keys for `additionalProperties`, the limit for `maxLength`...
    """

    path: tuple[Segment, ...]
    keyword: str
    instance: Any
    detail: Any = None
    text: str = ""
    schema_path: tuple[Segment, ...] = ()
    branches: tuple[tuple[Failure, ...], ...] = field(default=())


def short(value: Any) -> str:
    """A value quoted for a message, cut to a few dozen characters.

    >>> short("abc"), short(True), short({"a": [1, 2]})
    ("'abc'", 'true', '{"a": [1, 2]}')
    """
    text = repr(value) if isinstance(value, str) else _json(value)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return type(value).__name__


def kebab(keyword: str) -> str:
    """A JSON Schema keyword as a rule-id suffix.

    >>> kebab("additionalProperties"), kebab("$ref")
    ('additional-properties', 'ref')
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "-", keyword.strip("$")).lower() or "invalid"


def from_jsonschema(error: Any) -> Failure:
    """Normalise a (Python) jsonschema error, with its `oneOf`/`anyOf` branches."""
    keyword = str(error.validator) if error.validator is not None else "falseSchema"
    detail: Any = error.validator_value
    if keyword == "required":
        missing = [p for p in _strings(detail) if repr(p) in error.message]
        detail = missing[0] if missing else error.message
    elif keyword == "additionalProperties":
        detail = _unexpected(error.instance, error.schema)
    branches: list[list[Failure]] = []
    for sub in error.context or ():
        index = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        while isinstance(index, int) and len(branches) <= index:
            branches.append([])
        branches[index if isinstance(index, int) else -1].append(from_jsonschema(sub))
    return Failure(
        path=tuple(error.absolute_path),
        keyword=keyword,
        instance=error.instance,
        detail=detail,
        text=error.message,
        schema_path=tuple(error.absolute_schema_path),
        branches=tuple(tuple(b) for b in branches),
    )


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _unexpected(instance: Any, schema: Any) -> list[str]:
    if not isinstance(instance, Mapping) or not isinstance(schema, Mapping):
        return []
    known = schema.get("properties")
    known = known if isinstance(known, Mapping) else {}
    patterns = schema.get("patternProperties")
    patterns = list(patterns) if isinstance(patterns, Mapping) else []
    return [k for k in instance if k not in known and not _matches_any(str(k), patterns)]


def _matches_any(key: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        try:
            if re.search(pattern, key):
                return True
        except (re.error, TypeError):
            continue
    return False


def leaves(failure: Failure) -> list[Failure]:
    """The failures worth reporting: `oneOf`/`anyOf` replaced by their best-matching branch.

    Branches rank by: no shape mismatch (the value is not even that kind of object), then no
    discriminator mismatch (wrong `in`/`type` value), then the deepest error, then the fewest.
    """
    if failure.keyword not in ("oneOf", "anyOf") or not any(failure.branches):
        return [failure]
    ranked: list[tuple[tuple[bool, bool, int, int, int], list[Failure]]] = []
    for index, branch in enumerate(failure.branches):
        found = [leaf for sub in branch for leaf in leaves(sub)]
        if found:
            shape = any(_shape_mismatch(leaf, failure.path) for leaf in found)
            named = any(_discriminator_mismatch(leaf, failure.path) for leaf in found)
            depth = max(len(leaf.path) for leaf in found)
            ranked.append(((shape, named, -depth, len(found), index), found))
    if not ranked:
        return [failure]
    rank, best = min(ranked, key=lambda r: r[0])
    if not rank[0]:
        return best
    types = [
        t
        for _, found in ranked
        for leaf in found
        if leaf.keyword == "type"
        for t in _types(leaf.detail)
    ]
    if types and all(leaf.path == failure.path for _, found in ranked for leaf in found):
        unique = tuple(dict.fromkeys(types))
        return [Failure(failure.path, "type", failure.instance, unique, failure.text)]
    return [failure]


def _shape_mismatch(leaf: Failure, base: tuple[Segment, ...]) -> bool:
    if leaf.keyword == "type":
        return leaf.path == base
    return leaf.keyword == "required" and leaf.detail == "$ref"


def _discriminator_mismatch(leaf: Failure, base: tuple[Segment, ...]) -> bool:
    if leaf.keyword not in ("enum", "const") or leaf.path[:-1] != base or not leaf.path:
        return False
    return leaf.path[-1] in _DISCRIMINATORS


def _types(detail: Any) -> list[str]:
    if isinstance(detail, str):
        return [detail]
    return [str(t) for t in detail] if isinstance(detail, Sequence) else []


def split_unexpected(failure: Failure) -> list[Failure]:
    """One failure per unexpected key, located at the key itself."""
    if failure.keyword not in ("additionalProperties", "unevaluatedProperties"):
        return [failure]
    keys = [k for k in failure.detail if isinstance(k, str)] if failure.detail else []
    if not keys:
        return [failure]
    return [dataclasses.replace(failure, path=(*failure.path, key), detail=key) for key in keys]


def describe(failure: Failure, allowed: Iterable[str] = ()) -> str:
    """One short line for `failure`; `allowed` names valid keys for a did-you-mean hint."""
    kw, value, detail = failure.keyword, short(failure.instance), failure.detail
    if kw == "type":
        return f"{value} is not of type {' or '.join(repr(t) for t in _types(detail))}"
    if kw == "required":
        return f"{str(detail)!r} is a required property"
    if kw in ("additionalProperties", "unevaluatedProperties") and isinstance(detail, str):
        close = difflib.get_close_matches(detail, list(allowed), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {detail!r}{hint}"
    if kw == "enum":
        return f"{value} is not one of {_options(detail)}"
    if kw == "const":
        return f"expected {short(detail)}, got {value}"
    if kw in ("oneOf", "anyOf"):
        many = "valid under each" in failure.text or (
            bool(failure.branches) and all(not b for b in failure.branches)
        )
        return f"{value} matches {'more than one' if many else 'none'} of the allowed forms"
    template = _TEMPLATES.get(kw)
    if template is not None:
        return template.format(value=value, detail=detail)
    text = " ".join(failure.text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def _options(detail: Any, limit: int = 8) -> str:
    """Enum options for a message: each value short, at most `limit` of them."""
    if not isinstance(detail, list):
        return short(detail)
    shown = ", ".join(short(v) for v in detail[:limit])
    return shown + (f" (+{len(detail) - limit} more)" if len(detail) > limit else "")


def to_pointer(base: str, root: Any, path: Sequence[Segment]) -> str:
    """Join `path` (walked inside `root`) onto `base`, fixing keys a validator turned into ints.

    >>> to_pointer("/x", {"007": {"a": 1}}, [7, "a"])
    '/x/007/a'
    """
    pointer, node = base, root
    for segment in path:
        key: Segment = segment
        if isinstance(node, Mapping):
            key = _mapping_key(node, segment)
            node = node.get(key)
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            node = None
        pointer = join_pointer(pointer, key)
    return pointer


def value_at(root: Any, path: Sequence[Segment]) -> Any:
    """The value at `path` inside `root` (None when missing), tolerating int-ified keys."""
    node = root
    for segment in path:
        if isinstance(node, Mapping):
            node = node.get(_mapping_key(node, segment))
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            return None
    return node


def _mapping_key(node: Mapping[Any, Any], segment: Segment) -> str:
    if str(segment) in node or not isinstance(segment, int):
        return str(segment)
    for key in node:
        if isinstance(key, str) and key.strip().isdigit() and int(key) == segment:
            return key
    return str(segment)
