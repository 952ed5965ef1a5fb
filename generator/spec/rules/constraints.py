"""What a schema allows, coarsely: its JSON types and pinned values, for overlap checks.

A schema is flattened into the parts a value must all satisfy (`$ref` and `allOf` followed),
then summed up as a `Value`: the JSON types allowed and the `const`/`enum` values, or
`unknown` when it uses a keyword this model does not follow (`anyOf`, `not`, `if`...).
Two values are disjoint when their meet allows nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

# Keywords whose effect this model does not follow: a schema using them is unknown.
UNKNOWN = frozenset(
    {
        "anyOf",
        "oneOf",
        "not",
        "if",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "minProperties",
        "maxProperties",
        "unevaluatedProperties",
        "$dynamicRef",
        "$recursiveRef",
    }
)
# Sub-schemas followed per schema, so shared bases cost bounded work.
_MAX_PARTS = 64


@dataclass(frozen=True)
class Value:
    """What a value may be: JSON types and pinned values (None: unconstrained)."""

    types: frozenset[str] | None = None
    pins: tuple[Any, ...] | None = None
    unknown: bool = False

    @property
    def never(self) -> bool:
        """No value fits (an empty type set, contradictory pins, a closed schema)."""
        return (self.types is not None and not self.types) or self.pins == ()


UNSURE = Value(unknown=True)


def parts_of(c: Contract, pointer: str, value: Any) -> list[dict[str, Any]] | None:
    """The schemas a value must all satisfy (`$ref` and `allOf` flattened); None if unsure."""
    parts: list[dict[str, Any]] = []
    stack, seen = [Node(pointer, value)], {pointer}
    while stack:
        node = stack.pop()
        schema = node.value
        if schema is True:
            continue
        if not isinstance(schema, dict) or len(parts) >= _MAX_PARTS:
            return None
        ref = schema.get("$ref")
        if ref is not None:
            target = c.deref(Node(node.pointer, {"$ref": ref}))
            if target.value is None:
                return None
            if target.pointer not in seen:
                seen.add(target.pointer)
                stack.append(target)
            if c.version == "3.0":
                continue  # OpenAPI 3.0: keywords beside a $ref are ignored
        parts.append({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
        composed = schema.get("allOf", [])
        if not isinstance(composed, list):
            return None
        for i, item in enumerate(composed):
            stack.append(Node(join_pointer(node.pointer, "allOf", i), item))
    return parts


def types_of(c: Contract, schema: dict[str, Any]) -> frozenset[str] | None:
    """The JSON types one schema allows (number includes integer); None when it names none."""
    raw = schema.get("type")
    if isinstance(raw, str):
        names = {raw}
    elif isinstance(raw, list) and all(isinstance(t, str) for t in raw):
        names = set(raw)
    else:
        return None
    if "number" in names:
        names.add("integer")
    if c.version == "3.0" and schema.get("nullable") is True:
        names.add("null")
    return frozenset(names)


def meet_types(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The types every one of `sets` allows (None entries allow everything)."""
    result: frozenset[str] | None = None
    for types in sets:
        if types is not None:
            result = types if result is None else result & types
    return result


def pins_of(schema: dict[str, Any]) -> tuple[Any, ...] | None:
    """The values `const` or `enum` pin a schema to, or None."""
    if "const" in schema:
        return (schema["const"],)
    enum = schema.get("enum")
    return tuple(enum) if isinstance(enum, list) else None


def json_types(value: Any) -> set[str]:
    """The JSON types a value belongs to (3 is both integer and number).

    >>> sorted(json_types(3.0)), json_types(True)
    (['integer', 'number'], {'boolean'})
    """
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"integer", "number"}
    kinds = {float: "number", str: "string", list: "array", dict: "object", type(None): "null"}
    return {kinds.get(type(value), "unknown")}


def _key(value: Any) -> str:
    """A value compared as JSON Schema compares (1 equals 1.0, true is not 1)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"n:{float(value)!r}"
    return "j:" + json.dumps(value, sort_keys=True, default=str)


def meet(a: Value, b: Value) -> Value:
    """What satisfies both `a` and `b`."""
    if a.unknown or b.unknown:
        return UNSURE
    types = b.types if a.types is None else a.types if b.types is None else a.types & b.types
    pins = b.pins if a.pins is None else a.pins
    if a.pins is not None and b.pins is not None:
        keys = {_key(v) for v in b.pins}
        pins = tuple(v for v in a.pins if _key(v) in keys)
    if pins is not None and types is not None:
        pins = tuple(v for v in pins if json_types(v) & types)
    return Value(types, pins)


def summary_of(c: Contract, parts: list[dict[str, Any]]) -> Value:
    """The constraint flattened `parts` put on a value together."""
    result = Value()
    for part in parts:
        if any(key in part for key in UNKNOWN):
            return UNSURE
        result = meet(result, Value(types_of(c, part), pins_of(part)))
    return result
