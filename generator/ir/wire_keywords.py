"""Which keywords the wire schemas keep, and which values jsonschema-rs would refuse to compile.

jsonschema-rs checks a schema against its meta-schema before compiling it, so one bad value
(`minimum: "5"`, a regex it cannot read) would take down every validator that reaches it; the
converter drops such a keyword and notes why instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jsonschema_rs

_ASSERTIONS = frozenset(
    {
        "type", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
        "uniqueItems", "maxProperties", "minProperties", "required", "format", "$ref",
        "items", "additionalItems", "properties", "patternProperties", "additionalProperties",
        "dependencies", "allOf", "anyOf", "oneOf", "not", "definitions", "$defs",
    }
)  # fmt: skip
# OpenAPI 3.0 schemas are Draft 4 (Wright 00) schemas and Schemathesis validates them with a
# Draft 4 validator, so keywords born later (`const`, `if`, `contains`...) are inert there.
LEGACY_KEYWORDS = _ASSERTIONS
KEYWORDS = _ASSERTIONS | {
    "const", "maxContains", "minContains", "dependentRequired", "prefixItems", "contains",
    "propertyNames", "if", "then", "else", "dependentSchemas", "unevaluatedItems",
    "unevaluatedProperties",
}  # fmt: skip
# jsonschema-rs finds anchors only below schema keywords, never under `components` or `paths`,
# so a `$dynamicRef` cannot resolve in a view (anchors without one have no effect).
UNRESOLVABLE = frozenset({"$dynamicRef"})
_NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
    | {"minContains", "maxContains"}
)
_STRINGS = frozenset({"format", "$ref"})
_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def is_number(value: Any) -> bool:
    """A finite int or float, never a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def problem(key: str, value: Any) -> str | None:
    """Why jsonschema-rs would refuse `key: value`, or None."""
    if key == "pattern":
        return pattern_problem(value) if isinstance(value, str) else f"not a regex: {short(value)}"
    if key in _NUMBERS:
        valid = is_number(value) and (key != "multipleOf" or value > 0)
    elif key in _COUNTS:
        valid = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif key == "type":
        kinds = value if isinstance(value, list) else [value]
        valid = bool(kinds) and all(isinstance(k, str) and k in _TYPES for k in kinds)
    elif key in ("required", "enum"):
        valid = isinstance(value, list) and (
            key == "enum" or all(isinstance(n, str) for n in value)
        )
    elif key == "dependentRequired":
        valid = isinstance(value, Mapping) and all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in value.values()
        )
    elif key == "uniqueItems":
        valid = isinstance(value, bool)
    else:
        valid = key not in _STRINGS or isinstance(value, str)
    return None if valid else f"not a valid value: {short(value)}"


@lru_cache(maxsize=4096)
def pattern_problem(pattern: str) -> str | None:
    """Why jsonschema-rs (default regex options, ECMA-262 semantics) cannot compile `pattern`.

    >>> pattern_problem("^[a-z]+$") is None, pattern_problem("a{2,1}") is None
    (True, False)
    """
    try:
        jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except jsonschema_rs.ValidationError:
        return "jsonschema-rs cannot compile this regex (ECMA-262, default size limits)"
    return None


def short(value: Any) -> str:
    """`value` for a message, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
