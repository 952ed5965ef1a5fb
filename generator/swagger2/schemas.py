"""Swagger 2.0 Schema Objects to OpenAPI 3.0 ones: `x-nullable`, `file`, discriminators, `$ref`s.

>>> convert_schema({"type": "file", "x-nullable": True}, "/s", "/t", Trace())
{'type': 'string', 'nullable': True, 'format': 'binary'}

Values that are data (`example`, `default`, `enum`, vendor extensions) are copied untouched;
only the keywords that hold schemas are walked.
"""

from __future__ import annotations

from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.refs import rewrite_ref
from generator.swagger2.trace import Trace

_ONE = ("additionalProperties", "items", "not")
_LISTS = ("allOf", "anyOf", "oneOf", "items")
_MAPS = ("properties",)
# Beside a `$ref` these only annotate (kept); Swagger 2.0 ignores every other sibling.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "externalDocs", "xml", "readOnly", "default"}
)


def convert_schema(node: Any, src: str, dst: str, trace: Trace) -> Any:
    """The 3.0 form of the schema at `src`, to be placed at `dst` (both pointers recorded)."""
    trace.record(dst, src)
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        node = _ref_siblings(node, src, dst, trace)
        if node.get("x-nullable") is True:
            return _nullable_ref(node, src, dst, trace)
    out: dict[str, Any] = {}
    for key, value in node.items():
        here, there = join_pointer(src, key), join_pointer(dst, key)
        if key == "$ref" and isinstance(value, str):
            out[key] = rewrite_ref(value)
        elif key == "x-nullable" and isinstance(value, bool):
            if value:
                out["nullable"] = True
                trace.record(join_pointer(dst, "nullable"), here)
        elif key == "type" and value == "file":
            out["type"], out["format"] = "string", "binary"
        elif key == "type" and value == "null":
            out["nullable"], out["enum"] = True, [None]
            message = 'type "null" is not Swagger 2.0; read as `nullable: true, enum: [null]`'
            trace.note(here, there, message)
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
            trace.record(join_pointer(there, "propertyName"), here)
        elif key in _MAPS and isinstance(value, dict):
            out[key] = {
                name: convert_schema(
                    sub, join_pointer(here, name), join_pointer(there, name), trace
                )
                for name, sub in value.items()
            }
        elif key in _LISTS and isinstance(value, list):
            out[key] = [
                convert_schema(sub, join_pointer(here, i), join_pointer(there, i), trace)
                for i, sub in enumerate(value)
            ]
        elif key in _ONE and isinstance(value, dict):
            out[key] = convert_schema(value, here, there, trace)
        else:
            out[key] = value
    if out.get("type") == "string" and node.get("type") == "file" and "format" in node:
        out["format"] = "binary"  # `file` wins over whatever format sat beside it
    return out


def _ref_siblings(node: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """`node` without the keywords a `$ref` makes Swagger 2.0 ignore (JSON Reference), noted."""
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$ref", "x-nullable") or key in _ANNOTATIONS or str(key).startswith("x-"):
            kept[key] = value
        else:
            message = (
                f"{key!r} beside a $ref is ignored by Swagger 2.0 (and 3.0); dropped "
                "(to apply it, wrap the reference in allOf: [{$ref: ...}])"
            )
            trace.note(join_pointer(src, key), dst, message)
    return kept


def _nullable_ref(node: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """`{$ref, x-nullable: true}`: in 3.0 siblings of `$ref` are ignored, so wrap it in allOf."""
    rest = {k: v for k, v in node.items() if k not in ("$ref", "x-nullable")}
    inner = {"$ref": rewrite_ref(node["$ref"])}
    trace.record(join_pointer(dst, "allOf", 0), src)
    trace.record(join_pointer(dst, "nullable"), join_pointer(src, "x-nullable"))
    return {"nullable": True, "allOf": [inner], **rest}


def convert_definitions(definitions: Any, src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """`definitions` to `components/schemas`, names kept."""
    trace.record(dst, src)
    if not isinstance(definitions, dict):
        return {}
    return {
        name: convert_schema(schema, join_pointer(src, name), join_pointer(dst, name), trace)
        for name, schema in definitions.items()
    }
