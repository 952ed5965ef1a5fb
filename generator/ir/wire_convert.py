"""One Schema Object of the contract as the JSON Schema 2020-12 the service validates the wire with.

The rules follow Schemathesis (`schemathesis/specs/openapi/converter.py`, `to_json_schema`), so
the service and the contract tester agree on what is valid; where they differ a comment says why.
Only keywords that decide validity survive: annotations, extensions and unknown keywords mean
nothing to a validator and only cost size. A value jsonschema-rs would refuse to compile (a
pattern it cannot read, `minimum: "5"`) is dropped and noted, so one bad keyword never takes the
whole contract's validation down. Formats are kept: with `validate_formats=True` jsonschema-rs
checks the formats it knows and ignores unknown ones (`ignore_unknown_formats` defaults to True;
`binary`, `int64`, ... pass), and the runtime registers `byte` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.ir import wire_direction
from generator.ir.wire_keywords import (
    KEYWORDS,
    LEGACY_KEYWORDS,
    UNRESOLVABLE,
    is_number,
    problem,
    short,
)
from generator.spec.contexts import SUBSCHEMAS
from generator.spec.pointers import join_pointer

# A Python stack frame or three per level; loaded contracts nest far less (LoadLimits.max_depth).
MAX_DEPTH = 100
# `format` only constrains numbers, and so do `minimum`/`maximum`: the bounds are exact. The
# integer formats are ranges (OpenAPI's data types); `float` and `double` say how a number is
# stored, not which ones are valid (Schemathesis treats them so too), so they bound nothing.
FORMAT_BOUNDS: dict[str, tuple[int | float, int | float]] = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
Note = tuple[str, str, str]


@dataclass
class ViewState:
    """What converting one view's schemas leaves for the view builder, keyed by contract pointer."""

    notes: list[Note] = field(default_factory=list)
    wrapped: set[str] = field(default_factory=set)  # now `{"anyOf": [schema, {"type": "null"}]}`
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)  # keyword -> view keyword
    kept: dict[str, Any] = field(default_factory=dict)  # forbidden property -> converted schema
    refs: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # `$ref` holders


class SchemaConverter:
    """Converts the Schema Objects of one view; `request` forbids readOnly, else writeOnly."""

    def __init__(self, root: Mapping[str, Any], *, legacy: bool, request: bool) -> None:
        self.root = root
        self.legacy = legacy
        self.request = request
        self.keywords = LEGACY_KEYWORDS if legacy else KEYWORDS
        self.flags = wire_direction.REQUEST_FLAGS if request else wire_direction.RESPONSE_FLAGS
        self.state = ViewState()

    def note(self, pointer: str, keyword: str, reason: str) -> None:
        self.state.notes.append((pointer, keyword, reason))

    def convert(self, schema: Any, pointer: str, depth: int = 0) -> Any:
        """`schema` (found at `pointer`) as JSON Schema 2020-12; never raises."""
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            shallow = isinstance(schema, Mapping)
            why = f"nested deeper than {MAX_DEPTH} schemas" if shallow else "not a Schema Object"
            self.note(pointer, "", f"{why}: any value is accepted here")
            return {}
        if self.legacy and "$ref" in schema:
            # OAS 3.0 §4.7.24 (Reference Object): keys beside `$ref` are ignored; `nullable`
            # stays honoured, as Schemathesis does.
            out = self._keywords({"$ref": schema["$ref"]}, pointer, depth)
        else:
            out = self._keywords(schema, pointer, depth)
            self._direction(schema, out, pointer)
            _format_bounds(out)
        if isinstance(out.get("$ref"), str):
            self.state.refs.append((out, pointer))
        return self._nullable(schema, out, pointer)

    def _keywords(self, schema: Mapping[str, Any], pointer: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        is_tuple = isinstance(schema.get("items"), list)
        for key, value in schema.items():
            if key not in self.keywords:
                if key in UNRESOLVABLE:
                    self.note(pointer, key, "anchors do not resolve in a view: not enforced")
                continue  # annotations, extensions, unknown keywords: no effect on validity
            mode = SUBSCHEMAS.get(key)
            if key == "items" and is_tuple:
                # Draft 4 tuple form, 2020-12 spells it `prefixItems` (as Schemathesis upgrades).
                self.state.renamed.setdefault(pointer, {})["items"] = "prefixItems"
                at = join_pointer(pointer, key)
                out["prefixItems"] = [
                    self.convert(sub, join_pointer(at, i), depth + 1) for i, sub in enumerate(value)
                ]
            elif key == "additionalItems":
                # Beside one `items` schema it has no effect (Draft 4 §5.3.1); beside a tuple it
                # is what 2020-12 calls `items`.
                if is_tuple:
                    self.state.renamed.setdefault(pointer, {})[key] = "items"
                    out["items"] = self.convert(value, join_pointer(pointer, key), depth + 1)
            elif key == "dependencies":
                self._dependencies(out, value, pointer, depth)
            elif key == "required" and isinstance(value, bool):
                continue  # a sloppy property-level flag, lifted by the parent
            elif mode is not None:
                self._subschemas(out, key, mode, value, pointer, depth)
            elif key == "type":
                out[key] = _wire_type(value)
            else:
                out[key] = value
        self._check_values(out, pointer)
        _lift_required(schema, out)
        return out

    def _subschemas(
        self, out: dict[str, Any], key: str, mode: str, value: Any, pointer: str, depth: int
    ) -> None:
        at = join_pointer(pointer, key)
        if mode == "one":
            out[key] = self.convert(value, at, depth + 1)
        elif mode == "map" and isinstance(value, Mapping):
            out[key] = {
                name: self.convert(sub, join_pointer(at, name), depth + 1)
                for name, sub in value.items()
            }
        elif mode == "list" and isinstance(value, list) and value:
            out[key] = [
                self.convert(sub, join_pointer(at, i), depth + 1) for i, sub in enumerate(value)
            ]
        elif not (key == "allOf" and value == []):  # an empty `allOf` asserts nothing
            self.note(pointer, key, f"not a valid value: {short(value)}")

    def _dependencies(self, out: dict[str, Any], value: Any, pointer: str, depth: int) -> None:
        """Draft 4 `dependencies` is 2020-12 `dependentRequired` plus `dependentSchemas`."""
        if not isinstance(value, Mapping):
            self.note(pointer, "dependencies", f"not a valid value: {short(value)}")
            return
        self.state.renamed.setdefault(pointer, {})["dependencies"] = "dependentSchemas"
        at = join_pointer(pointer, "dependencies")
        for name, sub in value.items():
            if isinstance(sub, list):
                out.setdefault("dependentRequired", {})[name] = sub
            else:
                converted = self.convert(sub, join_pointer(at, name), depth + 1)
                out.setdefault("dependentSchemas", {})[name] = converted

    def _check_values(self, out: dict[str, Any], pointer: str) -> None:
        """Drop (and note) what jsonschema-rs would refuse to compile."""
        _upgrade_exclusive_bounds(out)
        for key in list(out):
            why = problem(key, out[key])
            if why is not None:
                del out[key]
                self.note(pointer, key, why)
        if isinstance(out.get("required"), list):
            out["required"] = list(dict.fromkeys(out["required"]))

    def _direction(self, schema: Mapping[str, Any], out: dict[str, Any], pointer: str) -> None:
        """Forbid the properties this view must not carry; keep what remains satisfiable."""
        properties, raw = out.get("properties"), schema.get("properties")
        forbidden: set[str] = set()
        if isinstance(properties, dict) and isinstance(raw, Mapping):
            for name, sub in raw.items():
                if wire_direction.flagged(self.root, sub, self.flags):
                    site = join_pointer(pointer, "properties", name)
                    self.state.kept[site] = properties[name]
                    properties[name] = False
                    forbidden.add(name)
        if isinstance(out.get("allOf"), list):
            forbidden |= wire_direction.forbidden_in_all_of(self.root, schema, self.flags)
        if forbidden:
            wire_direction.drop_required(out, forbidden)
        wire_direction.declare_required(out)
        if self.request:
            wire_direction.pin_discriminator(self.root, schema, out)

    def _nullable(self, schema: Mapping[str, Any], out: dict[str, Any], pointer: str) -> Any:
        if not self.request:
            _null_in_enum(out)
        # OAS 3.1 dropped `nullable`: there it is an unknown keyword, without effect. (Schemathesis
        # still honours it in 3.1; we follow the 3.1 specification.)
        if not self.legacy or schema.get("nullable") is not True:
            return out
        enum = out.get("enum")
        if self.request and isinstance(enum, list) and None not in enum:
            return out  # an enum that omits null keeps forbidding it in requests (Schemathesis)
        self.state.wrapped.add(pointer)
        return {"anyOf": [out, {"type": "null"}]}


def _wire_type(value: Any) -> Any:
    """`type: file` (seen in sloppy contracts) is a string on the wire."""
    if value == "file":
        return "string"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(dict.fromkeys("string" if item == "file" else item for item in value))
    return value


def _lift_required(schema: Mapping[str, Any], out: dict[str, Any]) -> None:
    """A property's own `required: true/false` (sloppy) moves into the parent's `required`."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return
    for name, sub in properties.items():
        flag = sub.get("required") if isinstance(sub, Mapping) else None
        if isinstance(flag, bool):
            required = [n for n in out.get("required", []) if n != name]
            out["required"] = [*required, name] if flag else required
            if not out["required"]:
                del out["required"]


def _upgrade_exclusive_bounds(out: dict[str, Any]) -> None:
    """Draft 4 `exclusiveMinimum: true` beside `minimum: 0` is 2020-12 `exclusiveMinimum: 0`."""
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = out.get(exclusive)
        if not isinstance(flag, bool):
            continue
        del out[exclusive]
        if flag and is_number(out.get(bound)):
            out[exclusive] = out.pop(bound)


def _format_bounds(out: dict[str, Any]) -> None:
    """`int32` and `int64` become bounds; a declared tighter bound wins.

    Schemathesis bounds integer formats in requests only; the service checks its responses
    against the same width, since a client decoding an int64 cannot hold more.
    """
    fmt = out.get("format")
    bounds = FORMAT_BOUNDS.get(fmt) if isinstance(fmt, str) else None
    kind = out.get("type", "number")
    kinds = kind if isinstance(kind, list) else [kind]
    if bounds is None or not {"integer", "number"} & set(kinds):
        return
    low, high = bounds
    minimum, maximum = out.get("minimum", low), out.get("maximum", high)
    out["minimum"] = max(minimum, low) if is_number(minimum) else low
    out["maximum"] = min(maximum, high) if is_number(maximum) else high


def _null_in_enum(out: dict[str, Any]) -> None:
    """Responses: a `type` listing null with an `enum` that omits it accepts null (Schemathesis)."""
    kind, enum = out.get("type"), out.get("enum")
    if isinstance(kind, list) and "null" in kind and isinstance(enum, list) and None not in enum:
        out["enum"] = [*enum, None]
