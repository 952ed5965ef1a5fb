"""Comparing one schema's value keywords: type, nullability, enum, bounds, pattern, format.

Each check says whether the new schema accepts fewer values ("tightened") or more
("loosened"); `Direction` turns that into a rule, because narrowing what a server accepts
breaks requests while widening what it returns breaks responses.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from generator.compat.views import SchemaView

UPPER = ("maxLength", "maxItems", "maxProperties")
LOWER = ("minLength", "minItems", "minProperties")
# Format changes that only widen the set of values (OpenAPI 3.x §4.4 data types).
WIDER_FORMATS = {("int32", "int64"), ("float", "double")}


class Direction(enum.StrEnum):
    """Who produces the value: the client (request) or the server (response)."""

    REQUEST = "request"
    RESPONSE = "response"

    def rule(self, tightened: bool) -> str:
        """The constraint rule for a stricter (`tightened`) or looser change in this direction."""
        return f"{self.value}-constraint-{'tightened' if tightened else 'loosened'}"

    def changed(self) -> str:
        """The constraint rule for a change that is neither stricter nor looser: the worse one."""
        return self.rule(tightened=self is Direction.REQUEST)


@dataclass(frozen=True)
class Finding:
    """A keyword-level change: rule, detail text (e.g. "maxLength 254 → 100") and pointers."""

    rule: str
    detail: str
    old_pointer: str
    new_pointer: str


def show(value: Any) -> str:
    """A short JSON-ish rendering of a keyword value for messages.

    >>> show("a"), show(3), show(None)
    ("'a'", '3', 'none')
    """
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:59] + "…")
    text = canonical(value)
    return text if len(text) <= 60 else text[:59] + "…"


def canonical(value: Any) -> str:
    """A value as canonical JSON text (for comparing and showing enum values).

    >>> canonical({"b": 1, "a": [True, None]})
    '{"a": [true, null], "b": 1}'
    """
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # keys JSON cannot hold
        return repr(value)


def types_of(view: SchemaView) -> tuple[frozenset[str] | None, bool]:
    """The non-null types a schema allows (None: any) and whether it allows null."""
    declared = view.value("type")
    nullable = view.value("nullable") is True
    if isinstance(declared, str):
        declared = [declared]
    if isinstance(declared, list):
        names = frozenset(t for t in declared if isinstance(t, str))
        return names - {"null"}, nullable or "null" in names
    values = _enum_values(view)
    if values:  # an enum without `type` allows the types of its values
        names = frozenset(_json_type(v) for v in values.values())
        return names - {"null"}, nullable or "null" in names
    if view.properties or view.required or view.additional is not True:
        return frozenset({"object"}), nullable
    if view.items is not None:
        return frozenset({"array"}), nullable
    return None, nullable


def _json_type(value: Any) -> str:
    """The JSON Schema type of a literal value.

    >>> _json_type(True), _json_type(3), _json_type(3.5), _json_type(None)
    ('boolean', 'integer', 'number', 'null')
    """
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string", dict: "object"}
    if value is None:
        return "null"
    return kinds.get(type(value), "array" if isinstance(value, list) else "string")


def _covered(types: frozenset[str], by: frozenset[str]) -> bool:
    return all(t in by or (t == "integer" and "number" in by) for t in types)


def _type_text(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types)) or "null"


def compare_types(old: SchemaView, new: SchemaView, direction: Direction) -> Iterator[Finding]:
    """Type and nullability changes; a type change of the incompatible kind comes first."""
    old_types, old_null = types_of(old)
    new_types, new_null = types_of(new)
    where = old.where("type"), new.where("type")
    if old_types != new_types:
        text = f"type {_type_text(old_types)} → {_type_text(new_types)}"
        narrowed = old_types is None or (new_types is not None and _covered(new_types, old_types))
        widened = new_types is None or (old_types is not None and _covered(old_types, new_types))
        if direction is Direction.REQUEST:
            rule = "request-type-widened" if widened else "request-type-changed"
        else:
            rule = "response-type-narrowed" if narrowed else "response-type-changed"
        yield Finding(rule, text, *where)
    if old_null != new_null:
        verb = "added" if new_null else "removed"
        yield Finding(f"{direction.value}-nullable-{verb}", f"nullable {verb}", *where)


def disjoint_types(old: SchemaView, new: SchemaView) -> bool:
    """True when the type changed outright (string → integer): comparing deeper is noise."""
    old_types, new_types = types_of(old)[0], types_of(new)[0]
    if old_types is None or new_types is None:
        return False
    return not (_covered(old_types, new_types) or _covered(new_types, old_types))


def _enum_values(view: SchemaView) -> dict[str, Any] | None:
    if "const" in view.keywords:
        values: Any = [view.value("const")]
    else:
        values = view.value("enum")
    if not isinstance(values, list):
        return None
    return {canonical(v): v for v in values}


def compare_enum(old: SchemaView, new: SchemaView, direction: Direction) -> Iterator[Finding]:
    """Enum values added or removed, or an enum introduced or dropped."""
    before, after = _enum_values(old), _enum_values(new)
    where = (
        old.where("enum" if "enum" in old.keywords else "const"),
        new.where("enum" if "enum" in new.keywords else "const"),
    )
    if before is None and after is None:
        return
    if before is None or after is None:
        added = before is None
        values = ", ".join(show(v) for v in (after or before or {}).values())
        text = f"enum [{values}] {'added' if added else 'removed'}"
        yield Finding(direction.rule(tightened=added), text, *where)
        return
    for key in [k for k in before if k not in after]:  # in contract order, whatever the hash seed
        yield Finding(
            f"{direction.value}-enum-value-removed",
            f"enum value {show(before[key])} removed",
            *where,
        )
    for key in [k for k in after if k not in before]:
        yield Finding(
            f"{direction.value}-enum-value-added", f"enum value {show(after[key])} added", *where
        )


def _number(value: Any) -> float | None:
    return None if isinstance(value, bool) or not isinstance(value, int | float) else value


def _bound(view: SchemaView, name: str) -> tuple[float, bool] | None:
    """The effective `maximum`/`minimum` as (value, exclusive), for 3.0 and 3.1 styles."""
    exclusive_key = "exclusiveMaximum" if name == "maximum" else "exclusiveMinimum"
    inclusive, exclusive = _number(view.value(name)), view.value(exclusive_key)
    if _number(exclusive) is not None:
        return float(exclusive), True
    if inclusive is None:
        return None
    return inclusive, exclusive is True


def _bound_text(name: str, bound: tuple[float, bool] | None) -> str:
    if bound is None:
        return "none"
    number = int(bound[0]) if float(bound[0]).is_integer() else bound[0]
    return f"{number} (exclusive)" if bound[1] else str(number)


def compare_bounds(old: SchemaView, new: SchemaView, direction: Direction) -> Iterator[Finding]:
    """Length, size and range limits moved, added or removed; `multipleOf`, `uniqueItems`."""
    for name in (*UPPER, *LOWER):
        before, after = _number(old.value(name)), _number(new.value(name))
        if before != after and not (name in LOWER and not before and not after):  # none ≡ 0
            upper = name in UPPER
            tightened = before is None or (
                after is not None and (after < before if upper else after > before)
            )
            text = f"{name} {show(before)} → {show(after)}"
            yield Finding(direction.rule(tightened), text, old.where(name), new.where(name))
    for name in ("maximum", "minimum"):
        b_old, b_new = _bound(old, name), _bound(new, name)
        if b_old != b_new:
            if b_old is None or b_new is None:
                tightened = b_old is None
            else:
                sign = 1 if name == "maximum" else -1
                tightened = sign * b_new[0] < sign * b_old[0] or (b_new[0] == b_old[0] and b_new[1])
            text = f"{name} {_bound_text(name, b_old)} → {_bound_text(name, b_new)}"
            yield Finding(direction.rule(tightened), text, old.where(name), new.where(name))
    yield from _multiple_of(old, new, direction)
    before_unique, after_unique = old.value("uniqueItems") is True, new.value("uniqueItems") is True
    if before_unique != after_unique:
        text = f"uniqueItems {'added' if after_unique else 'removed'}"
        where = old.where("uniqueItems"), new.where("uniqueItems")
        yield Finding(direction.rule(after_unique), text, *where)


def _multiple_of(old: SchemaView, new: SchemaView, direction: Direction) -> Iterator[Finding]:
    before, after = _number(old.value("multipleOf")), _number(new.value("multipleOf"))
    usable = all(v is None or (0 < v < math.inf) for v in (before, after))
    if before == after or not usable:
        return
    text = f"multipleOf {show(before)} → {show(after)}"
    where = old.where("multipleOf"), new.where("multipleOf")
    if before is None or after is None:
        yield Finding(direction.rule(tightened=before is None), text, *where)
    elif Fraction(str(after)) % Fraction(str(before)) == 0:  # 5 → 10: every new multiple was one
        yield Finding(direction.rule(tightened=True), text, *where)
    elif Fraction(str(before)) % Fraction(str(after)) == 0:  # 10 → 5: every old one still is
        yield Finding(direction.rule(tightened=False), text, *where)
    else:
        yield Finding(direction.changed(), text, *where)


def compare_text_constraints(
    old: SchemaView, new: SchemaView, direction: Direction
) -> Iterator[Finding]:
    """`pattern` and `format` added, changed (both count as stricter) or removed."""
    for name in ("pattern", "format"):
        before, after = old.value(name), new.value(name)
        if before != after:
            text = f"{name} {show(before)} → {show(after)}"
            if (
                isinstance(before, str)
                and isinstance(after, str)
                and (before, after) in WIDER_FORMATS
            ):
                rule = direction.rule(tightened=False)
            elif before is not None and after is not None:
                rule = direction.changed()
            else:
                rule = direction.rule(tightened=after is not None)
            yield Finding(rule, text, old.where(name), new.where(name))


def compare_default(old: SchemaView, new: SchemaView, direction: Direction) -> Iterator[Finding]:
    """`default` added, removed or changed: what a value left out means has moved.

    In a request the server fills it in for clients that omit the value; in a response the
    clients do (generated models default the field), so either way someone reads another value.
    """
    if _default(old, canonical) != _default(new, canonical):
        where = old.where("default"), new.where("default")
        text = f"default {_default(old, show) or 'none'} → {_default(new, show) or 'none'}"
        yield Finding(f"{direction.value}-default-changed", text, *where)


def _default(view: SchemaView, text: Callable[[Any], str]) -> str | None:
    """The schema's `default` as `text` renders it (None when it has none; null is "null").

    >>> _default(SchemaView("", keywords={"default": (None, "")}), show), _default(SchemaView(""), show)
    ('null', None)
    """
    if "default" not in view.keywords:
        return None
    value = view.value("default")
    return "null" if value is None else text(value)


def compare_values(old: SchemaView, new: SchemaView, direction: Direction) -> list[Finding]:
    """Every keyword-level change between two schema views."""
    found = list(compare_types(old, new, direction))
    if disjoint_types(old, new):
        return found
    found.extend(compare_enum(old, new, direction))
    found.extend(compare_bounds(old, new, direction))
    found.extend(compare_text_constraints(old, new, direction))
    found.extend(compare_default(old, new, direction))
    return found
