"""The error format of a generated service: RFC 9457 problem+json, or the contract's own schema."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from generator.ir.messages import body_kind
from generator.ir.nodes import BodyKind, ErrorShape
from generator.ir.refs import as_mapping, deref
from generator.ir.schema_directions import Direction, hides
from generator.ir.types import schema_types
from generator.spec.document import join_pointer

PROBLEM = "application/problem+json"
PROBLEM_FIELDS = (
    ("type", "type"),
    ("title", "title"),
    ("status", "status:int"),
    ("detail", "detail"),
    ("instance", "instance"),
)
_ROLES = {
    "title": "title",
    "error": "title",
    "detail": "detail",
    "message": "detail",
    "description": "detail",
    "error_description": "detail",
    "type": "type",
    "instance": "instance",
    "errors": "errors",
    "request_id": "request_id",
    "requestid": "request_id",
    "trace_id": "request_id",
}


ErrorBody = tuple[str, Mapping[str, Any], str]  # media type, schema, schema pointer


def response_error_bodies(root: Mapping[str, Any], node: Any, ptr: str) -> list[ErrorBody]:
    """The JSON bodies one response documents."""
    response, ptr = deref(root, node, ptr)
    found: list[ErrorBody] = []
    for media_type, media in as_mapping(as_mapping(response).get("content")).items():
        if body_kind(media_type) is BodyKind.JSON:
            schema_ptr = join_pointer(ptr, "content", media_type, "schema")
            schema, schema_ptr = deref(root, as_mapping(media).get("schema"), schema_ptr)
            found.append((media_type, as_mapping(schema), schema_ptr))
    return found


def _error_schemas(root: Mapping[str, Any]) -> list[ErrorBody]:
    found: list[ErrorBody] = []
    for path, item in as_mapping(root.get("paths")).items():
        for method, op in as_mapping(item).items():
            responses = as_mapping(as_mapping(op).get("responses"))
            for status, node in responses.items():
                if status.startswith(("4", "5")) or status == "default":
                    ptr = join_pointer("/paths", path, method, "responses", status)
                    found.extend(response_error_bodies(root, node, ptr))
    return found


def _role(name: str, schema: Mapping[str, Any]) -> str:
    key = name.lower().replace("-", "_")
    kinds, _ = schema_types(schema)
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and isinstance(enum[0], str):
        return "const:" + enum[0]  # e.g. OAuth2's `error`: the first documented code
    if key in {"status", "code", "status_code", "statuscode"}:
        return "status:int" if "integer" in kinds or "number" in kinds else "status:str"
    if key in _ROLES:
        return _ROLES[key]
    kind = kinds[0] if kinds else "string"
    return {"integer": "empty:int", "number": "empty:int", "boolean": "empty:bool"}.get(
        kind, {"array": "empty:list", "object": "empty:obj"}.get(kind, "empty:str")
    )


DEFAULT_PROBLEM = ErrorShape(
    media_type=PROBLEM, model=None, fields=(*PROBLEM_FIELDS, ("request_id", "request_id"))
)


def shape_of(
    root: Mapping[str, Any], body: ErrorBody, model_types: Mapping[str, str]
) -> ErrorShape:
    """How to fill one documented error body."""
    media_type, schema, schema_ptr = body
    props = as_mapping(schema.get("properties"))
    if media_type == PROBLEM or {"title", "status"} <= set(props):
        return ErrorShape(media_type=media_type, model=None, fields=_problem_fields(root, schema))
    fields = tuple(  # a writeOnly property is not in the response model
        (name, _role(name, as_mapping(deref(root, p, "")[0])))
        for name, p in props.items()
        if not hides(p, Direction.RESPONSE)
    )
    required = schema.get("required")
    if isinstance(required, list):  # only required and recognised fields are filled
        fields = tuple(f for f in fields if f[0] in required or not f[1].startswith("empty"))
    return ErrorShape(media_type=media_type, model=model_types.get(schema_ptr), fields=fields)


def build_error_shape(root: Mapping[str, Any], model_types: Mapping[str, str]) -> ErrorShape:
    """The service-wide error format: the error body most responses document, else problem+json."""
    bodies = _error_schemas(root)
    if not bodies:  # nothing declared: RFC 9457 with a request id extension member
        return DEFAULT_PROBLEM
    counts = Counter(ptr for _, _, ptr in bodies)
    top = max(counts.values())
    chosen = next(b for b in bodies if counts[b[2]] == top)  # ties: the first in the contract
    return shape_of(root, chosen, model_types)


def _problem_fields(
    root: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[tuple[str, str], ...]:
    """The problem members the contract's schema declares (all five when it declares none)."""
    props = as_mapping(schema.get("properties"))
    if not props:
        return PROBLEM_FIELDS
    base = dict(PROBLEM_FIELDS)
    return tuple(
        (name, base.get(name) or _ROLES[name.lower()])
        for name in props
        if name in base or name.lower() in _ROLES
    )
