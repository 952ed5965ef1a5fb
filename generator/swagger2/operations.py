"""Path items and operations: parameters split into parameters and a request body, responses.

A body or form parameter declared on the path item belongs to each of its operations in
3.0 (where `requestBody` is per operation); an operation's own parameter of the same name
and location overrides it, as in 2.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.bodies import body_request, form_request
from generator.swagger2.parameters import convert_parameter
from generator.swagger2.refs import BODY, FORM, global_parameter, placement
from generator.swagger2.responses import convert_response
from generator.swagger2.servers import operation_servers
from generator.swagger2.trace import Trace

METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
_COPIED = frozenset(
    {"tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security"}
)
# A parameter with its pointer in the Swagger file.
Sourced = tuple[Any, str]


def media_types(value: Any) -> list[str] | None:
    """A `consumes`/`produces` list (its strings), or None when absent or not a list."""
    return [m for m in value if isinstance(m, str)] if isinstance(value, list) else None


def convert_paths(document: Mapping[str, Any], paths: Any, trace: Trace) -> Any:
    """`paths`, each path item converted in place."""
    trace.record("/paths", "/paths")
    if not isinstance(paths, dict):
        return paths
    out: dict[str, Any] = {}
    for path, item in paths.items():
        where = join_pointer("/paths", path)
        out[path] = _path_item(document, item, where, where, trace)
    return out


def _path_item(document: Mapping[str, Any], item: Any, src: str, dst: str, trace: Trace) -> Any:
    trace.record(dst, src)
    if not isinstance(item, dict):
        return item
    shared = _sourced(item.get("parameters"), join_pointer(src, "parameters"))
    out: dict[str, Any] = {}
    for key, value in item.items():
        here, there = join_pointer(src, key), join_pointer(dst, key)
        if key in METHODS:
            out[key] = _operation(document, value, shared, here, there, trace)
        elif key == "parameters" and not isinstance(value, list):
            out[key] = value  # not a list: left for the 3.0 validator to report, located
        elif key == "parameters":
            kept = _plain(document, shared, there, trace)
            if kept:
                out[key] = kept
        elif key == "$ref" or str(key).startswith("x-"):
            out[key] = value
        else:
            trace.note(here, dst, f"path item keyword {key!r} is not Swagger 2.0; dropped")
    return out


def _sourced(params: Any, src: str) -> list[Sourced]:
    """The items of a `parameters` list with their pointers (none when it is not a list)."""
    items = params if isinstance(params, list) else []
    return [(p, join_pointer(src, i)) for i, p in enumerate(items)]


def _plain(document: Mapping[str, Any], params: list[Sourced], dst: str, trace: Trace) -> list[Any]:
    """The query, path and header parameters of `params`, converted and renumbered."""
    plain = [(p, s) for p, s in params if placement(document, p) == "parameters"]
    return [
        convert_parameter(param, src, join_pointer(dst, index), trace)
        for index, (param, src) in enumerate(plain)
    ]


def _operation(
    document: Mapping[str, Any], op: Any, shared: list[Sourced], src: str, dst: str, trace: Trace
) -> Any:
    trace.record(dst, src)
    if not isinstance(op, dict):
        return op
    own = _sourced(op.get("parameters"), join_pointer(src, "parameters"))
    merged = _merge(document, shared, own)
    body = _request_body(document, op, merged, join_pointer(dst, "requestBody"), trace)
    produces = media_types(op.get("produces")) or media_types(document.get("produces")) or []
    out: dict[str, Any] = {}
    for key, value in op.items():
        here, there = join_pointer(src, key), join_pointer(dst, key)
        if key == "responses" and body is not None and "requestBody" not in out:
            out["requestBody"] = body
        if key in _COPIED or str(key).startswith("x-"):
            out[key] = value
        elif (key == "parameters" and not isinstance(value, list)) or (
            key == "responses" and not isinstance(value, dict)
        ):
            out[key] = value  # the wrong kind of value: left for the 3.0 validator to report
        elif key == "parameters":
            converted = _plain(document, own, there, trace)
            if converted:
                out[key] = converted
            if body is not None:
                out["requestBody"] = body
        elif key == "responses" and isinstance(value, dict):
            trace.record(there, here)
            out[key] = {
                code: convert_response(
                    resp, join_pointer(here, code), join_pointer(there, code), produces, trace
                )
                for code, resp in value.items()
            }
        elif key == "schemes":
            servers = operation_servers(document, value, here, join_pointer(dst, "servers"), trace)
            if servers is not None:
                out["servers"] = servers
        elif key not in ("consumes", "produces"):
            trace.note(here, dst, f"operation keyword {key!r} is not Swagger 2.0; dropped")
    if body is not None and "requestBody" not in out:
        out["requestBody"] = body
    return out


def _merge(document: Mapping[str, Any], shared: list[Sourced], own: list[Sourced]) -> list[Sourced]:
    """Body and form parameters of the path item and the operation, the operation's winning."""

    def key(param: Any) -> tuple[str, str]:
        if isinstance(param, dict) and "$ref" in param:
            found = global_parameter(document, param["$ref"])
            param = found[1] if found is not None else {}
        where = str(param.get("in")) if isinstance(param, dict) else ""
        return (where, "" if where == BODY else str(param.get("name")))

    chosen: dict[tuple[str, str], Sourced] = {}
    for param, src in [*shared, *own]:
        if placement(document, param) in (BODY, FORM):
            chosen[key(param)] = (param, src)
    return list(chosen.values())


def _request_body(
    document: Mapping[str, Any],
    op: dict[str, Any],
    found: list[Sourced],
    dst: str,
    trace: Trace,
) -> Any:
    """The operation's `requestBody` from its body or form parameters (None when it has none)."""
    consumes = media_types(op.get("consumes")) or media_types(document.get("consumes")) or []
    bodies = [(p, s) for p, s in found if placement(document, p) == BODY]
    forms = [_resolved(document, p, s) for p, s in found if placement(document, p) == FORM]
    if bodies:
        for _, extra in [*bodies[1:], *forms]:
            message = "a second body or form parameter beside an `in: body` one; dropped"
            trace.note(extra, dst, message)
        return body_request(bodies[0][0], bodies[0][1], dst, consumes, trace)
    if forms:
        return form_request(forms, dst, consumes, trace)
    return None


def _resolved(document: Mapping[str, Any], param: Any, src: str) -> tuple[dict[str, Any], str]:
    """A form parameter itself: a `$ref` to a global one is replaced by it (and its pointer)."""
    if isinstance(param, dict) and "$ref" in param:
        found = global_parameter(document, param["$ref"])
        if found is not None:
            return found[1], join_pointer("/parameters", found[0])
    return param, src
