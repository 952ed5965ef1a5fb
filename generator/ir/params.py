"""Parameters of an operation: merged from path item and operation, typed, styled, constrained."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from generator.ir.nodes import Constraints, Location, Parameter, Style
from generator.ir.refs import as_mapping
from generator.ir.schema_keywords import ecma_pattern
from generator.ir.types import scalar_annotation, schema_types
from generator.naming import Namespace, snake_name
from generator.spec.pointers import deref, join_pointer, resolve_pointer

# OpenAPI 3.x: header parameters with these names are ignored (they are described elsewhere).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def collect_parameters(
    root: Mapping[str, Any], item_ptr: str, op_ptr: str
) -> list[tuple[Mapping[str, Any], str]]:
    """Path-item parameters overridden by operation parameters with the same (name, in)."""
    merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for owner_ptr in (item_ptr, op_ptr):
        owner = as_mapping(resolve_pointer(root, owner_ptr))
        raw = owner.get("parameters")
        for index, node in enumerate(raw if isinstance(raw, list) else []):
            ptr = join_pointer(owner_ptr, "parameters", index)
            param, param_ptr = deref(root, node, ptr)
            param = as_mapping(param)
            name, where = param.get("name"), param.get("in")
            if isinstance(name, str) and where in {"path", "query", "header", "cookie"}:
                merged[(name, str(where))] = (param, param_ptr)
    return list(merged.values())


def build_parameters(
    root: Mapping[str, Any],
    item_ptr: str,
    op_ptr: str,
    model_types: Mapping[str, str],
    names: Namespace,
) -> tuple[Parameter, ...]:
    """IR parameters in contract order, required ones first (Python needs that order)."""
    built: list[Parameter] = []
    for param, ptr in collect_parameters(root, item_ptr, op_ptr):
        location = Location(str(param["in"]))
        wire = str(param["name"])
        if location is Location.HEADER and wire.lower() in IGNORED_HEADERS:
            continue
        built.append(_parameter(root, param, ptr, location, wire, model_types, names))
    return tuple(sorted(built, key=lambda p: not (p.required and p.default is None)))


def _parameter(
    root: Mapping[str, Any],
    param: Mapping[str, Any],
    ptr: str,
    location: Location,
    wire: str,
    model_types: Mapping[str, str],
    names: Namespace,
) -> Parameter:
    schema_node = param.get("schema")
    schema_ptr = ptr + "/schema"
    content = as_mapping(param.get("content"))
    media_type = next(iter(content), None) if schema_node is None else None
    wire_schema = schema_ptr if schema_node is not None else ""
    if media_type is not None and "schema" in as_mapping(content[media_type]):
        wire_schema = join_pointer(ptr, "content", media_type, "schema")
        if "json" in media_type.lower():  # parsed as JSON: typed by its schema
            schema_node, schema_ptr = as_mapping(content[media_type])["schema"], wire_schema
    if schema_node is None:  # `content` instead of `schema`: taken as an opaque string
        schema_node = {"type": "string"}
    schema, _ = deref(root, schema_node, schema_ptr)
    schema = as_mapping(schema)
    annotation, is_array = scalar_annotation(root, schema_node, schema_ptr, model_types)
    style, delimiter = _style(param, location, schema, is_array)
    items = as_mapping(deref(root, schema.get("items"), "")[0]) if is_array else schema
    if style is not Style.DEEP_OBJECT and _is_structured(root, items):
        style = Style.JSON
        # the model plan names inline object schemas; use its type for the whole parameter
        annotation = model_types.get(schema_ptr, annotation)
    elif style is Style.DEEP_OBJECT:
        annotation = model_types.get(schema_ptr, annotation)
    item_constraints = constraints_of(items) if is_array else Constraints()
    required = location is Location.PATH or param.get("required") is True
    return Parameter(
        wire=wire,
        name=names.claim(snake_name(wire)),
        location=location,
        required=required,
        annotation=annotation,
        style=style,
        delimiter=delimiter,
        default=_default(schema, annotation) if not required else None,
        constraints=constraints_of(schema),
        item_constraints=item_constraints,
        description=str(param.get("description") or ""),
        deprecated=param.get("deprecated") is True,
        schema_pointer=wire_schema,
        serialization=str(param.get("style")) if isinstance(param.get("style"), str) else "",
        explode=param.get("explode") if isinstance(param.get("explode"), bool) else None,
        media_type=str(media_type) if media_type is not None else None,
    )


def _style(
    param: Mapping[str, Any], location: Location, schema: Mapping[str, Any], is_array: bool
) -> tuple[Style, str]:
    kinds, _ = schema_types(schema)
    style = param.get("style")
    if location is Location.QUERY and style == "deepObject" and "object" in kinds:
        return Style.DEEP_OBJECT, ","
    if not is_array:
        return Style.SIMPLE, ","
    if isinstance(style, str) and style in _DELIMITERS:
        return Style.DELIMITED, _DELIMITERS[style]
    default_explode = location in {Location.QUERY, Location.COOKIE}
    explode = param.get("explode", default_explode if style in {None, "form"} else False)
    if location is Location.QUERY and explode is True:
        return Style.FORM_EXPLODE, ","
    return Style.DELIMITED, ","


def _is_structured(root: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    """An object or composition: not something FastAPI can take as a query/header/cookie value."""
    kinds, _ = schema_types(schema)
    if "enum" in schema or kinds in (["string"], ["integer"], ["number"], ["boolean"]):
        return False
    composed = any(k in schema for k in ("allOf", "oneOf", "anyOf"))
    return "object" in kinds or "properties" in schema or composed


def _default(schema: Mapping[str, Any], annotation: str) -> str | None:
    value = schema.get("default")
    if isinstance(value, bool):
        return repr(value) if annotation.startswith(("bool", "Literal")) else None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return repr(value) if annotation.startswith(("int", "float", "Literal")) else None
    if isinstance(value, str) and annotation.startswith(("str", "Literal")):
        return repr(value)
    return None


def constraints_of(schema: Mapping[str, Any]) -> Constraints:
    """FastAPI-enforceable constraints of a scalar or array schema."""

    def number(key: str) -> float | int | None:
        value = schema.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value if math.isfinite(value) else None

    def count(key: str) -> int | None:
        value = schema.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    lo, hi = number("minimum"), number("maximum")
    ex_lo, ex_hi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    gt = lo if ex_lo is True else number("exclusiveMinimum")
    lt = hi if ex_hi is True else number("exclusiveMaximum")
    kinds, _ = schema_types(schema)
    is_array = "array" in kinds
    pattern = schema.get("pattern")
    return Constraints(
        ge=None if ex_lo is True else lo,
        gt=gt,
        le=None if ex_hi is True else hi,
        lt=lt,
        min_length=count("minItems") if is_array else count("minLength"),
        max_length=count("maxItems") if is_array else count("maxLength"),
        pattern=ecma_to_python(pattern) if isinstance(pattern, str) else None,
    )


def ecma_to_python(pattern: str) -> str | None:
    """An ECMA-262 pattern as Python `re` (ASCII `\\d`/`\\w`), or None if Python cannot compile it."""
    translated = ecma_pattern(pattern)
    try:
        re.compile(translated)
    except (re.error, RecursionError, OverflowError):
        return None
    return translated
