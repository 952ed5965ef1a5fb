"""Python annotations for parameter and header schemas (scalars, arrays, enums, model refs)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.ir.refs import as_mapping
from generator.spec.pointers import deref

_FORMATS = {"date-time": "datetime", "date": "date", "uuid": "UUID", "time": "time"}
_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def qualify(code: str, classes: frozenset[str], module: str = "models") -> str:
    """Prefix model class names in a type expression with their module.

    >>> qualify("list[User] | None", frozenset({"User"}))
    'list[models.User] | None'
    """
    return _IDENT.sub(lambda m: f"{module}.{m[0]}" if m[0] in classes else m[0], code)


def schema_types(schema: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The JSON types a schema allows and whether it is nullable (3.0 `nullable`, 3.1 arrays)."""
    raw = schema.get("type")
    kinds = [raw] if isinstance(raw, str) else [t for t in raw or [] if isinstance(t, str)]
    nullable = schema.get("nullable") is True or "null" in kinds
    return [k for k in kinds if k != "null"], nullable


def literal(values: list[Any]) -> str | None:
    """A `Literal[...]` for an enum of strings/ints/bools, else None.

    >>> literal(["a", 1])
    "Literal['a', 1]"
    """
    if not values or not all(isinstance(v, str | int) and not isinstance(v, float) for v in values):
        return None
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


def scalar_annotation(
    root: Mapping[str, Any],
    schema_node: Any,
    pointer: str,
    model_types: Mapping[str, str],
) -> tuple[str, bool]:
    """Annotation for a parameter/header schema and whether it is an array.

    `model_types` maps schema pointers to qualified model types (for `$ref`s to enums/objects).
    """
    if isinstance(schema_node, Mapping) and "$ref" in schema_node:
        target, target_ptr = deref(root, schema_node, pointer)
        if target_ptr in model_types and not _is_plain(as_mapping(target)):
            return model_types[target_ptr], False
        schema_node, pointer = target, target_ptr
    schema = as_mapping(schema_node)
    kinds, nullable = schema_types(schema)
    kind = kinds[0] if len(kinds) == 1 else ("string" if not kinds else "")
    if kind == "array":
        item, _ = scalar_annotation(root, schema.get("items"), pointer + "/items", model_types)
        return _nullable(f"list[{item}]", nullable), True
    if kind == "object" or not kind:
        return _nullable("str" if not kinds and not schema else "Any", nullable), False
    enum = schema.get("enum")
    if isinstance(enum, list):
        lit = literal([v for v in enum if v is not None])
        if lit:
            return _nullable(lit, nullable or None in enum), False
    if kind == "string" and schema.get("format") in _FORMATS:
        return _nullable(_FORMATS[str(schema["format"])], nullable), False
    return _nullable(_TYPES.get(kind, "str"), nullable), False


def _is_plain(schema: Mapping[str, Any]) -> bool:
    kinds, _ = schema_types(schema)
    return len(kinds) == 1 and kinds[0] in _TYPES and "enum" not in schema


def _nullable(code: str, nullable: bool) -> str:
    return f"{code} | None" if nullable else code
