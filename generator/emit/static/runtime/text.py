"""Text off the wire as JSON values, guided by a schema's shape (OpenAPI 3.x §4.8.12.4).

>>> scalar("5", frozenset({"integer"}))
5
>>> scalar("5", frozenset({"string"}))
'5'
>>> scalar("true", frozenset({"boolean", "string"}))
True
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .shapes import Shape

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NOTHING = object()
# `\uD800`-`\uDFFF` escapes, which may leave half a surrogate pair in a string
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _number(text: str) -> Any:
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else _NOTHING
    return _NOTHING


def scalar(text: str, types: frozenset[str]) -> Any:
    """`text` as the first JSON type the schema admits that can read it; else `text` itself.

    Tried in this order: integer or number, boolean, null; a string schema keeps the text.
    A value no admitted type can read stays text, and the schema then refuses it.
    """
    if not types or types == {"string"}:
        return text
    if "integer" in types or "number" in types:
        value = _number(text)  # `2.0` is an integer to JSON Schema, as in a body
        if value is not _NOTHING:
            return value
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and "string" not in types and text in ("null", ""):
        return None
    return text


def loads(raw: str | bytes, **options: Any) -> Any:
    """`json.loads` that refuses a string holding half a surrogate pair (`"\\ud800"`).

    Python decodes such escapes into strings no UTF-8 text can hold, so the schema check or
    the database would fail on them later (issue 22); RFC 8259 §8.2 leaves them unpredictable.
    """
    value = json.loads(raw, **options)
    escapes = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    if _SURROGATE_ESCAPE.search(escapes):
        try:  # only then: checking the whole value costs a serialization
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("unpaired surrogate escape") from None
    return value


def value(text: str, shape: Shape) -> Any:
    """One text value as JSON: a scalar, or a whole JSON document for structured shapes."""
    if shape.types and shape.types <= {"object", "array", "null"}:
        try:
            return loads(text)
        except ValueError:
            return text
    return scalar(text, shape.types)


def items(parts: list[str], shape: Shape) -> list[Any]:
    """Array members, each read by the item shape."""
    member = shape.items or Shape()
    return [value(p, member) for p in parts]


def pairs(parts: list[str], shape: Shape) -> dict[str, Any] | None:
    """`k1,v1,k2,v2` (already split) as an object; None when the count is odd."""
    if len(parts) % 2:
        return None
    return {parts[i]: _property(parts[i], parts[i + 1], shape) for i in range(0, len(parts), 2)}


def assignments(parts: list[str], shape: Shape) -> dict[str, Any] | None:
    """`k1=v1`, `k2=v2` (already split) as an object; None when a part has no `=`."""
    found: dict[str, Any] = {}
    for part in parts:
        key, sep, text = part.partition("=")
        if not sep:
            return None
        found[key] = _property(key, text, shape)
    return found


def _property(key: str, text: str, shape: Shape) -> Any:
    sub = shape.properties.get(key) or shape.additional or Shape()
    if sub.is_array:
        return items(text.split(",") if text else [], sub)
    return scalar(text, sub.types)
