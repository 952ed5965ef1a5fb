"""Request bodies and responses of an operation, with the result class for each status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.ir.nodes import Body, BodyKind, Form, Header, Response
from generator.ir.refs import as_mapping
from generator.ir.schema_sites import status_name
from generator.ir.streams import is_streamed, response_stream
from generator.ir.types import scalar_annotation
from generator.naming import Namespace, snake_name
from generator.spec.pointers import deref, join_pointer


def body_kind(media_type: str) -> BodyKind:
    """How a media type is read or written.

    >>> body_kind("application/vnd.api+json"), body_kind("multipart/form-data")
    (<BodyKind.JSON: 'json'>, <BodyKind.MULTIPART: 'multipart'>)
    """
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return BodyKind.JSON
    if base == "application/x-www-form-urlencoded":
        return BodyKind.FORM
    if base.startswith("multipart/"):
        return BodyKind.MULTIPART
    if base.startswith("text/"):
        return BodyKind.TEXT
    return BodyKind.BINARY


def _annotation(
    kind: BodyKind, pointers: tuple[str, str], has_schema: bool, types: Mapping[str, str]
) -> str:
    """The body's type: the plan's type at the schema's own pointer, which is in the body's
    direction (`Pet` or `PetInput`), else at the `$ref` target's."""
    if kind is BodyKind.BINARY:
        return "bytes"
    if kind is BodyKind.TEXT:
        return "str"
    if not has_schema:
        return "Any"
    site, target = pointers
    return types.get(site) or types.get(target, "Any")


def build_bodies(
    root: Mapping[str, Any],
    op: Mapping[str, Any],
    op_ptr: str,
    types: Mapping[str, str],
    forms: Mapping[str, Form] | None = None,
) -> tuple[Body, ...]:
    """Every media type the operation accepts, JSON first; `forms` (by schema site) the
    multipart ones with file parts."""
    node, ptr = deref(root, op.get("requestBody"), op_ptr + "/requestBody")
    request = as_mapping(node)
    content = as_mapping(request.get("content"))
    bodies: list[Body] = []
    for media_type, media in content.items():
        media_ptr = join_pointer(ptr, "content", media_type)
        kind = body_kind(media_type)
        schema_node = as_mapping(media).get("schema")
        site_ptr = schema_ptr = media_ptr + "/schema"
        if isinstance(schema_node, Mapping) and "$ref" in schema_node:
            _, schema_ptr = deref(root, schema_node, schema_ptr)
        encoding = tuple(
            (str(part), str(as_mapping(rule).get("contentType")))
            for part, rule in as_mapping(as_mapping(media).get("encoding")).items()
            if isinstance(as_mapping(rule).get("contentType"), str)
        )
        has_schema = schema_node is not None
        bodies.append(
            Body(
                media_type=media_type,
                kind=kind,
                annotation=_annotation(kind, (site_ptr, schema_ptr), has_schema, types),
                required=request.get("required") is True,
                # the schema where it stands: a 3.1 `$ref` with siblings is validated whole
                schema_pointer=media_ptr + "/schema" if schema_node is not None else "",
                encoding=encoding if kind in {BodyKind.FORM, BodyKind.MULTIPART} else (),
                form=(forms or {}).get(site_ptr) if kind is BodyKind.MULTIPART else None,
            )
        )
    bodies.sort(key=lambda b: b.kind is not BodyKind.JSON)
    return tuple(bodies)


def build_responses(
    root: Mapping[str, Any],
    op: Mapping[str, Any],
    op_ptr: str,
    op_class: str,
    types: Mapping[str, str],
    classes: Namespace,
) -> tuple[Response, ...]:
    """One `Response` per documented status, in contract order with `default` last."""
    raw = as_mapping(op.get("responses"))
    keys = [k for k in raw if k != "default"] + (["default"] if "default" in raw else [])
    built: list[Response] = []
    for key in keys:
        node, ptr = deref(root, raw[key], join_pointer(op_ptr, "responses", key))
        response = as_mapping(node)
        status = int(key) if key.isdigit() else None
        media_type, kind, annotation, schema_ptr = _response_body(root, response, ptr, types)
        streamed = response_stream(root, response, ptr, types)
        built.append(
            Response(
                status=status,
                class_name=classes.claim(op_class + status_name(key)),
                description=str(response.get("description") or ""),
                media_type=media_type,
                body_annotation=annotation,
                body_kind=kind,
                headers=_headers(root, response, ptr, types),
                key=key,
                schema_pointer=schema_ptr,
                stream=streamed.kind,
                item_annotation=streamed.item,
                item_pointer=streamed.item_pointer,
                event_pointer=streamed.event_pointer,
                streams_body=streamed.kind is not None and is_streamed(media_type),
            )
        )
    return tuple(built)


def _response_body(
    root: Mapping[str, Any], response: Mapping[str, Any], ptr: str, types: Mapping[str, str]
) -> tuple[str | None, BodyKind | None, str | None, str]:
    content = as_mapping(response.get("content"))
    if not content:
        return None, None, None, ""
    media_types = list(content)
    chosen = next((m for m in media_types if body_kind(m) is BodyKind.JSON), media_types[0])
    kind = body_kind(chosen)
    if kind in {BodyKind.FORM, BodyKind.MULTIPART}:
        kind = BodyKind.BINARY
    schema_node = as_mapping(content[chosen]).get("schema")
    site_ptr = schema_ptr = join_pointer(ptr, "content", chosen, "schema")
    if isinstance(schema_node, Mapping) and "$ref" in schema_node:
        _, schema_ptr = deref(root, schema_node, schema_ptr)
    annotation = _annotation(kind, (site_ptr, schema_ptr), schema_node is not None, types)
    # the schema where it stands: siblings of a 3.1 `$ref` count on the wire
    return chosen, kind, annotation, site_ptr if schema_node is not None else ""


def _headers(
    root: Mapping[str, Any], response: Mapping[str, Any], ptr: str, types: Mapping[str, str]
) -> tuple[Header, ...]:
    names = Namespace({"body", "status_code", "content_type", "streams"})
    built: list[Header] = []
    for wire, node in as_mapping(response.get("headers")).items():
        if wire.lower() == "content-type":
            continue
        header_ptr = join_pointer(ptr, "headers", wire)
        header, header_ptr = deref(root, node, header_ptr)
        header = as_mapping(header)
        annotation, _ = scalar_annotation(root, header.get("schema"), header_ptr + "/schema", types)
        built.append(
            Header(
                wire=wire,
                name=names.claim(snake_name(wire)),
                annotation=annotation,
                required=header.get("required") is True,
                schema_pointer=header_ptr + "/schema" if "schema" in header else "",
            )
        )
    return tuple(built)
