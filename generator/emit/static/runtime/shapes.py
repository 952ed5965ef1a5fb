"""What a schema says about the JSON types of a value: enough to read text off the wire.

A parameter, header or form field arrives as text; its schema decides whether `5` is the
number 5 or the string "5", and whether `a,b` is one string or an array of two. A `Shape`
gathers that from `type` (3.1 type arrays included), `enum`/`const`, `items`,
`properties`, and `allOf`/`anyOf`/`oneOf` members, following `$ref`s. Validation itself is
left to the schema (see `schemas.check`): a shape only decides how text becomes JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import schemas

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}
_MAX_DEPTH = 8


@dataclass(frozen=True)
class Shape:
    """The JSON types a schema admits (empty: any) and the shapes of its parts."""

    types: frozenset[str] = frozenset()
    items: Shape | None = None
    properties: Mapping[str, Shape] = field(default_factory=dict)
    additional: Shape | None = None
    binary: bool = False  # a string carrying raw bytes (format binary, contentMediaType)
    required: frozenset[str] = frozenset()

    @property
    def is_array(self) -> bool:
        return self.types == frozenset({"array"}) or (
            "array" in self.types and self.types <= {"array", "null"}
        )

    @property
    def is_object(self) -> bool:
        return self.types == frozenset({"object"}) or (
            "object" in self.types and self.types <= {"object", "null"}
        )


ANY = Shape()


@functools.cache
def shape_of(ref: str) -> Shape:
    """The shape of the schema at `ref` (cached for the process)."""
    if not ref:
        return ANY
    return _shape(ref, schemas.node(ref), 0)


def _value_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return _JSON_TYPES.get(type(value), "string")


def _declared_types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        found = {declared}
    elif isinstance(declared, list):
        found = {t for t in declared if isinstance(t, str)}
    else:
        found = set()
    if not found and "const" in schema:
        found = {_value_type(schema["const"])}
    if not found and isinstance(schema.get("enum"), list):
        found = {_value_type(v) for v in schema["enum"]}
    if not found and ("properties" in schema or "additionalProperties" in schema):
        found = {"object"}
    if not found and ("items" in schema or "prefixItems" in schema):
        found = {"array"}
    if "integer" in found and "number" in found:
        found.discard("integer")
    return found


def _shape(ref: str, schema: Any, depth: int) -> Shape:
    ref, schema = schemas.resolve(ref, schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return ANY
    types = _declared_types(schema)
    binary = schema.get("format") == "binary" or "contentMediaType" in schema
    items = _child(ref, schema, "items", depth)
    properties = {
        name: _shape(f"{ref}/properties/{_escape(name)}", sub, depth + 1)
        for name, sub in _mapping(schema.get("properties")).items()
    }
    additional = _child(ref, schema, "additionalProperties", depth)
    listed = schema.get("required")
    required = {str(n) for n in listed} if isinstance(listed, list) else set()
    for keyword in ("allOf", "anyOf", "oneOf"):
        members = schema.get(keyword)
        if not isinstance(members, list):
            continue
        parts = [_shape(f"{ref}/{keyword}/{i}", m, depth + 1) for i, m in enumerate(members)]
        types = _combine(types, parts, keyword == "allOf")
        items = items or next((p.items for p in parts if p.items), None)
        for part in parts:
            properties = {**part.properties, **properties}
        additional = additional or next((p.additional for p in parts if p.additional), None)
        binary = binary or any(p.binary for p in parts)
        if keyword == "allOf":
            required.update(*(p.required for p in parts))
    return Shape(frozenset(types), items, properties, additional, binary, frozenset(required))


def _combine(types: set[str], parts: list[Shape], every: bool) -> set[str]:
    if every:  # allOf: every member's types must hold
        for part in parts:
            if part.types:
                types = set(part.types) if not types else types & part.types
        return types
    if any(not p.types for p in parts):
        return types  # one member admits anything: the union is unconstrained
    union = set().union(*(p.types for p in parts))
    return types & union if types else union


def _child(ref: str, schema: Mapping[str, Any], keyword: str, depth: int) -> Shape | None:
    sub = schema.get(keyword)
    if not isinstance(sub, dict):
        return None
    return _shape(f"{ref}/{keyword}", sub, depth + 1)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _escape(token: str) -> str:
    from urllib.parse import quote

    return quote(token.replace("~", "~0").replace("/", "~1"), safe="~!$&'()*+,;=:@")
