"""Union rules: `oneOf` branches that can match the same value.

`ambiguous-one-of` (warning). The generated service validates with JSON Schema, where
`oneOf` means "exactly one branch": a value two branches accept is refused ("matches more
than one"), and a `discriminator` does not change that. Deciding whether two schemas overlap
is hard in general, so this is a conservative heuristic that stays silent when unsure. A pair
of branches is reported only when both are understood (`$ref`s and `allOf` are followed;
`anyOf`, `oneOf`, `not`, `if`, `patternProperties`, `minProperties`... make a branch unknown)
and a concrete value fits both:

* two object branches (`type: object`, or properties without a type), the required names of
  one included in the other's: the object holding just the required properties (the
  holder's `required` counts too) fits both, unless one of them tells the branches apart:
  disjoint `const`/`enum` values or types, a closed branch that does not allow it, or
  constraints not modelled here (a `pattern` against an `enum`...), which count as "unsure".
  Branches requiring different names are left alone: `oneOf: [{required: [a]}, {required:
  [b]}]` means "a or b, not both". Object-valued properties are compared the same way, a
  few levels deep.
* two branches of the same primitive type (or integer and number) when one has no
  constraints (the other's values fit it), when their `const`/`enum` values share one, when
  their constraints are the same or are length/value ranges that meet, or when two arrays
  both accept `[]`.

One finding per `oneOf`, at the later branch of the first overlapping pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic
from generator.spec.pointers import join_pointer, schema_name
from generator.spec.rules.constraints import (
    UNKNOWN,
    Value,
    meet,
    meet_types,
    parts_of,
    pins_of,
    summary_of,
    types_of,
)
from generator.spec.rules.contract import Contract
from generator.spec.rules.schema_errors import short
from generator.spec.rules.walk import Node

# Keywords that change nothing about which values a schema accepts.
_ANNOTATIONS = frozenset(
    {
        "type",
        "nullable",
        "title",
        "description",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "discriminator",
        "$comment",
        "$id",
        "$schema",
        "$anchor",
    }
)
# Array keywords every one of which `[]` satisfies (with `minItems` 0).
_EMPTY_OK = frozenset({"items", "prefixItems", "maxItems", "uniqueItems", "additionalItems"})
_PRIMITIVES = frozenset({"string", "integer", "number", "boolean", "array"})
# How deep property values are compared (an object property holding an object...).
_MAX_DEPTH = 4


@dataclass(frozen=True)
class _Branch:
    """A schema flattened into its parts (`$ref` and `allOf` followed), with its kind."""

    label: str
    parts: tuple[dict[str, Any], ...]
    kind: str | None  # "object", a primitive type, or None when not understood
    required: frozenset[str]


def check_unions(contract: Contract) -> list[Diagnostic]:
    """`oneOf` schemas two of whose branches accept the same value."""
    found: list[Diagnostic] = []
    for node in contract.index["schema"]:
        if contract.version == "3.0" and "$ref" in node.value:
            continue  # OpenAPI 3.0: keywords beside a $ref are ignored
        branches = node.value.get("oneOf")
        if isinstance(branches, list) and len(branches) > 1:
            diagnostic = _ambiguous(contract, node, branches)
            if diagnostic is not None:
                found.append(diagnostic)
    return found


def _ambiguous(c: Contract, node: Node, raw: list[Any]) -> Diagnostic | None:
    """The first pair of branches that overlap, reported at the later one."""
    holder = parts_of(c, node.pointer, node.value) or []
    context = _required(holder)  # what the schema holding the oneOf requires applies to all
    branches = []
    for i, value in enumerate(raw):
        pointer = join_pointer(node.pointer, "oneOf", i)
        branches.append(_branch(c, _label(i, value), parts_of(c, pointer, value)))
    for j, later in enumerate(branches):
        for i, earlier in enumerate(branches[:j]):
            witness = _overlap(c, earlier, later, context=context)
            if witness is not None:
                return c.diag(
                    "ambiguous-one-of",
                    _message(c, node, earlier, later, witness),
                    join_pointer(node.pointer, "oneOf", j),
                    (join_pointer(node.pointer, "oneOf", i),),
                )
    return None


def _label(index: int, value: Any) -> str:
    """How a message names a branch: its index, and its component name when it is a `$ref`."""
    name = schema_name(value.get("$ref")) if isinstance(value, dict) else None
    return f"{index} ({name})" if name else str(index)


def _message(c: Contract, node: Node, a: _Branch, b: _Branch, witness: str) -> str:
    if a.kind == "object":
        tag = _optional_tag(c, a, b)
        discriminator = node.value.get("discriminator")
        name = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        if tag:
            fix = f'"{tag}" tells them apart but is not required in both: require it'
        else:
            hint = f' (discriminator "{name}" does not count for validation)' if name else ""
            fix = f"give each branch a required property with its own const or enum{hint}"
    else:
        fix = "make the branches exclusive (enum, pattern, format, bounds)"
    return (
        f"oneOf branches {a.label} and {b.label} both accept {witness}, so such a value fails "
        f"validation (it matches more than one); {fix}, or use anyOf"
    )


def _branch(c: Contract, label: str, parts: list[dict[str, Any]] | None) -> _Branch:
    """Flattened parts summed up: what kind of value they accept and what they require."""
    if parts is None or any(key in part for part in parts for key in UNKNOWN):
        return _Branch(label, (), None, frozenset())
    required = _required(parts)
    types = meet_types(types_of(c, part) for part in parts)
    plain = types - {"null"} if types is not None else None
    kind: str | None = None
    if plain == frozenset({"object"}) or (
        plain is None and any("properties" in p or "required" in p for p in parts)
    ):
        kind = None if any("const" in p or "enum" in p for p in parts) else "object"
    elif plain == frozenset({"integer", "number"}):
        kind = "number"
    elif plain is not None and len(plain) == 1 and plain <= _PRIMITIVES:
        kind = next(iter(plain))
    return _Branch(label, tuple(parts), kind, required)


def _required(parts: list[dict[str, Any]]) -> frozenset[str]:
    return frozenset(
        str(r) for part in parts if isinstance(part.get("required"), list) for r in part["required"]
    )


def _overlap(
    c: Contract, a: _Branch, b: _Branch, depth: int = 0, context: frozenset[str] = frozenset()
) -> str | None:
    """A value both accept, described for a message; None when disjoint or unsure."""
    if a.kind is None or b.kind is None:
        return None
    if a.kind == "object" and b.kind == "object":
        return _object_overlap(c, a, b, depth, context)
    if a.kind != "object" and b.kind != "object":
        return _primitive_overlap(a, b)
    return None


def _object_overlap(
    c: Contract, a: _Branch, b: _Branch, depth: int, context: frozenset[str]
) -> str | None:
    if depth == 0 and not (a.required <= b.required or b.required <= a.required):
        return None  # "one of these properties, not both": the overlap is meant to be refused
    names = sorted(a.required | b.required | context)
    if not all(_property_overlap(c, a, b, name, depth) for name in names):
        return None
    if not names:
        return "an empty object {}"
    return "an object with just " + ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")


def _property_schemas(branch: _Branch, name: str) -> list[Any] | None:
    """The schemas `branch` applies to property `name`; None when it forbids it or is unsure."""
    found: list[Any] = []
    for part in branch.parts:
        props = part.get("properties")
        extra = part.get("additionalProperties", True)
        if isinstance(props, dict) and name in props:
            found.append(props[name])
        elif "patternProperties" in part or extra is False:
            return None
        elif isinstance(extra, dict):
            found.append(extra)
    return found


def _flat(c: Contract, schemas: list[Any] | None) -> list[dict[str, Any]] | None:
    if schemas is None:
        return None
    parts: list[dict[str, Any]] = []
    for schema in schemas:
        more = parts_of(c, "", schema)
        if more is None:
            return None
        parts.extend(more)
    return parts


def _property_overlap(c: Contract, a: _Branch, b: _Branch, name: str, depth: int) -> bool:
    """Whether some value of property `name` fits both branches (False when unsure)."""
    pa, pb = _flat(c, _property_schemas(a, name)), _flat(c, _property_schemas(b, name))
    if pa is None or pb is None:
        return False
    va, vb = summary_of(c, pa), summary_of(c, pb)
    if va.unknown or vb.unknown or meet(va, vb).never:
        return False
    exact_a, exact_b = _exact(pa), _exact(pb)
    if exact_a and exact_b:
        return True  # types and pinned values say it all, and they meet
    if (exact_a and va.pins is None) or (exact_b and vb.pins is None):
        return True  # one side only names types: the other's values of those types fit it
    if depth >= _MAX_DEPTH:
        return False
    return _overlap(c, _branch(c, "", pa), _branch(c, "", pb), depth + 1) is not None


def _exact(parts: list[dict[str, Any]]) -> bool:
    """Whether types and `const`/`enum` are all these parts constrain."""
    return set(_constraints(parts)) <= {"const", "enum"}


def _optional_tag(c: Contract, a: _Branch, b: _Branch) -> str | None:
    """A property both define with values that tell the branches apart, though not required."""
    for part in a.parts:
        props = part.get("properties")
        for name in props if isinstance(props, dict) else ():
            pa, pb = _flat(c, _property_schemas(a, name)), _flat(c, _property_schemas(b, name))
            if pa and pb and meet(summary_of(c, pa), summary_of(c, pb)).never:
                return str(name)
    return None


def _constraints(parts: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> dict[str, Any]:
    """The keywords of flattened parts that narrow what they accept (types aside)."""
    found: dict[str, Any] = {}
    for part in parts:
        found.update(
            (k, v) for k, v in part.items() if k not in _ANNOTATIONS and not k.startswith("x-")
        )
    return found


def _primitive_overlap(a: _Branch, b: _Branch) -> str | None:
    kinds = {a.kind, b.kind}
    if len(kinds) != 1 and kinds != {"integer", "number"}:
        return None
    narrow = "integer" if "integer" in kinds else str(a.kind)
    ca, cb = _constraints(a.parts), _constraints(b.parts)
    if not ca and not cb:
        return f"any {narrow}"
    if all(not x or set(x) <= {"const", "enum"} for x in (ca, cb)):
        both = meet(Value(frozenset({narrow}), pins_of(ca)), Value(None, pins_of(cb)))
        return short(both.pins[0]) if both.pins else None
    if len(kinds) == 1 and (not ca or not cb):
        return f"every {narrow} that branch {(b if not ca else a).label} accepts"
    if len(kinds) == 1 and (ca == cb or _ranges_meet(ca, cb, narrow)):
        return f"any {narrow} both bounds allow"
    if kinds == {"array"} and _empty_ok(ca) and _empty_ok(cb):
        return "the empty array []"
    return None


def _ranges_meet(ca: dict[str, Any], cb: dict[str, Any], kind: str) -> bool:
    """Whether two length or value ranges (inclusive bounds, nothing else) share a value."""
    low, high = ("minLength", "maxLength") if kind == "string" else ("minimum", "maximum")
    if kind not in ("string", "integer", "number") or not set(ca) | set(cb) <= {low, high}:
        return False
    bounds = [*ca.values(), *cb.values()]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds):
        return False
    lo: float = max(ca.get(low, -math.inf), cb.get(low, -math.inf))
    hi: float = min(ca.get(high, math.inf), cb.get(high, math.inf))
    if kind == "integer" and math.isfinite(lo) and math.isfinite(hi):
        return math.ceil(lo) <= math.floor(hi)
    return lo <= hi


def _empty_ok(constraints: dict[str, Any]) -> bool:
    """Whether `[]` satisfies array constraints."""
    rest = set(constraints) - _EMPTY_OK
    return rest <= {"minItems"} and constraints.get("minItems", 0) in (0, None)
