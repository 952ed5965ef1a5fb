"""Flatten `allOf` into one schema, so no generated model inherits from another.

Inheritance breaks `mypy --strict` as soon as a part narrows a property it shares with a
referenced schema (an enum or a discriminator `Literal` redefined in the child: an
incompatible override), and real contracts do that a lot. A flat model has each property
once, with the last part's definition, which is how `allOf` reads in practice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_UNMERGEABLE = frozenset({"oneOf", "anyOf", "allOf", "$ref"})
_ENUM_KEYS = ("enum", "x-enum-varnames", "x-enum-field-as-literal")


def merge_all_of(parts: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """One schema with every part's keywords, later parts winning; None when a part is a
    union or still a reference (then the `allOf` is left to datamodel-code-generator).

    >>> a = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}
    >>> b = {"properties": {"name": {"type": "string"}}, "required": ["name"]}
    >>> merge_all_of([a, b])["required"]
    ['id', 'name']
    """
    merged: dict[str, Any] = {}
    for part in parts:
        if any(key in part for key in _UNMERGEABLE):
            return None
        if "enum" in part:
            for key in _ENUM_KEYS:
                merged.pop(key, None)
        for key, value in part.items():
            if key == "properties":
                merged[key] = {**merged.get(key, {}), **value}
            elif key == "required":
                merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
            elif key == "additionalProperties" and merged.get(key) is False:
                continue  # a closed part keeps the merged object closed
            else:
                merged[key] = value
    return merged
