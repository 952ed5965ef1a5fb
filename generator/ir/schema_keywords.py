"""Keyword-level rules for the schemas handed to datamodel-code-generator.

Only validation keywords survive normalization; free text (descriptions, titles, examples)
and every extension are dropped, so no spec prose can reach generated code, and extensions
that datamodel-code-generator would turn into imports or annotations never reach it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from generator.naming import words
from generator.spec.pointers import resolve_pointer, split_pointer

NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
FLAGS = frozenset({"uniqueItems", "readOnly", "writeOnly"})
# Keys stripped with a warning: datamodel-code-generator reads them as code (its 2026
# advisories) or as member names. Everything else unknown is dropped silently.
DANGEROUS = frozenset(
    {
        "customTypePath",
        "customBasePath",
        "default_factory",
        "x-enum-varnames",
        "x-enumNames",
        "x-enum-field-as-literal",
        "x-enum-descriptions",
    }
)
SITE_KEYS = ("readOnly", "writeOnly", "default")

_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]"}
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_"}


def is_dangerous(key: str) -> bool:
    """True for keys datamodel-code-generator would turn into code.

    >>> is_dangerous("x-python-type"), is_dangerous("x-internal")
    (True, False)
    """
    return key in DANGEROUS or key.startswith(("x-python", "x-pydantic"))


def json_safe(value: Any) -> bool:
    """True when `value` is plain JSON without NaN or infinities (they break literals).

    >>> json_safe({"a": [1, 2.5, None]}), json_safe(float("inf"))
    (True, False)
    """
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str | int | bool) or value is None:
        return True
    if isinstance(value, list):
        return all(json_safe(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and json_safe(v) for k, v in value.items())
    return False


def finite_number(value: Any) -> bool:
    """A usable numeric constraint: int or finite float, never bool."""
    return isinstance(value, int | float) and not isinstance(value, bool) and json_safe(value)


def ecma_pattern(pattern: str) -> str:
    r"""Rewrite ECMA-262 `\d`/`\w` (ASCII) so Python and Rust engines agree (research §2.2).

    >>> ecma_pattern(r"^\d+[\d_]\\d$")
    '^[0-9]+[0-9_]\\\\d$'
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i + 1]
            table = _CLASS_ESCAPES if in_class else _ESCAPES
            out.append(table.get(pair, ch + pair))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def split_null(schema: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Remove every way of saying "or null" (3.0 `nullable`, 3.1 type arrays, null in enum,
    a `{type: null}` branch) and report whether one was present.

    >>> split_null({"type": ["string", "null"], "enum": ["a", None]})
    ({'type': 'string', 'enum': ['a']}, True)
    """
    out = dict(schema)
    found = out.pop("nullable", None) is True
    kind = out.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        found = found or len(kinds) != len(kind)
        out["type"] = kinds[0] if len(kinds) == 1 else kinds
    elif kind == "null" and len(out) > 1:
        del out["type"]
        found = True
    enum = out.get("enum")
    if isinstance(enum, list) and None in enum:
        out["enum"] = [v for v in enum if v is not None]
        found = True
    for key in ("oneOf", "anyOf"):
        members = out.get(key)
        if isinstance(members, list) and any(is_null(m) for m in members):
            out[key] = [m for m in members if not is_null(m)]
            found = True
    return out, found


def is_null(schema: Any) -> bool:
    """A `{type: null}` (or `enum: [null]`) union branch, which `split_null` removes."""
    return isinstance(schema, Mapping) and (
        schema.get("type") == "null" or ("enum" in schema and schema.get("enum") == [None])
    )


def needs_class(schema: Mapping[str, Any]) -> bool:
    """Whether datamodel-code-generator makes a class for this (null-free) inline schema.

    Objects with properties, `allOf` (except a lone `$ref` wrapper) and string enums do;
    containers, unions, references and primitives do not.
    """
    if "$ref" in schema:
        return False
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and properties:
        return True
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        lone_ref = len(all_of) == 1 and isinstance(all_of[0], Mapping) and "$ref" in all_of[0]
        return not lone_ref
    return string_enum(schema) is not None


def needs_alias(schema: Mapping[str, Any]) -> bool:
    """Whether a schema in a nested spot (array item, map value, union member) carries
    constraints (or a discriminator) that datamodel-code-generator can only express through a named alias.

    The generator names such aliases after the enclosing field, and those names can take a
    component's name (Stripe's `balance_transaction: anyOf [string, BalanceTransaction]`
    made `BalanceTransaction` a string alias), so we hoist them under names we choose.
    """
    if "$ref" in schema:
        return False
    tagged = "discriminator" in schema and is_union(schema)  # Annotated[A | B, Field(...)]
    return tagged or any(k in schema for k in NUMBERS | COUNTS | {"pattern"})


def is_union(schema: Mapping[str, Any]) -> bool:
    """A `oneOf`/`anyOf` composition."""
    return any(isinstance(schema.get(k), list) and schema.get(k) for k in ("oneOf", "anyOf"))


def string_enum(schema: Mapping[str, Any]) -> list[str] | None:
    """The values of an all-string enum (an Enum class), else None."""
    enum = schema.get("enum")
    if not isinstance(enum, list):
        return None
    values = [v for v in enum if v is not None]
    return values if values and all(isinstance(v, str) for v in values) else None


def enum_values(values: list[Any]) -> list[Any]:
    """Deduplicated scalar enum values (`1` and `True` stay distinct), or [] when unusable."""
    if not all(json_safe(v) and not isinstance(v, list | Mapping) for v in values):
        return []
    seen: dict[tuple[type, Any], Any] = {}
    for value in values:
        seen.setdefault((type(value), value), value)
    return list(seen.values())


def member_names(values: list[str]) -> list[str]:
    """UPPER_SNAKE enum member names, ASCII and unique.

    >>> member_names(["in-progress", "In Progress", "", "1st", "o"])
    ['IN_PROGRESS', 'IN_PROGRESS_2', 'EMPTY', 'N1_ST', 'O_']
    """
    taken: set[str] = set()
    names: list[str] = []
    for value in values:
        base = "_".join(words(value)).upper()[:64] or ("EMPTY" if value == "" else "VALUE")
        base = "N" + base if base[0].isdigit() else base
        base = base + "_" if base in {"I", "L", "O"} else base
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        names.append(name)
    return names


def resolve(root: Mapping[str, Any], pointer: str) -> Any:
    """The value at `pointer`, following a `$ref` met on the way when the next token is not
    beside it (some bundlers write `.../allOf/0/properties/x` where `allOf/0` is a reference)."""
    node: Any = root
    for token in split_pointer(pointer):
        for _ in range(32):
            ref = node.get("$ref") if isinstance(node, Mapping) and token not in node else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            node = resolve_pointer(root, ref[1:])
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def scalar_keyword(key: str, value: Any) -> Any:
    """Validation keywords that hold plain values; None drops the keyword."""
    if key == "type":
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        return value if ok else None
    if key == "format":
        return value if isinstance(value, str) else None
    if key == "pattern":
        return ecma_pattern(value) if isinstance(value, str) else None
    if key == "required":
        return value if isinstance(value, list) else None
    if key in {"exclusiveMinimum", "exclusiveMaximum"} and isinstance(value, bool):
        return value  # OAS 3.0 form: a flag beside minimum/maximum
    if key in NUMBERS:
        return value if finite_number(value) and (key != "multipleOf" or value > 0) else None
    if key in COUNTS:
        return (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )
    if key in FLAGS:
        return value if isinstance(value, bool) else None
    if key == "enum" and isinstance(value, list):
        return enum_values(value) or None
    if key == "const":
        return value if json_safe(value) and not isinstance(value, list | Mapping) else None
    if key == "default":  # `default: null` is dropped: the field then defaults to unset
        return value if json_safe(value) else None
    if key == "patternProperties" and isinstance(value, Mapping):
        return None  # typed as a plain map: keys are not checked (documented limitation)
    return None
