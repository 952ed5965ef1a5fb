"""`in: body` and `in: formData` parameters to OpenAPI 3.0 request bodies, one per media type.

>>> body = {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}}
>>> body_request(body, "/p", "/b", ["application/json"], Trace())["content"]
{'application/json': {'schema': {'$ref': '#/components/schemas/Pet'}}}
"""

from __future__ import annotations

from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.parameters import SCHEMA_KEYS, value_schema
from generator.swagger2.refs import rewrite_ref
from generator.swagger2.schemas import convert_schema
from generator.swagger2.trace import Trace

MULTIPART, URLENCODED = "multipart/form-data", "application/x-www-form-urlencoded"
DEFAULT_MEDIA = "application/json"
_BODY_KEYS = frozenset({"name", "in", "description", "required", "schema"})
_FORM_KEYS = frozenset({"name", "in", "description", "required", "collectionFormat", "x-example"})


def body_request(param: Any, src: str, dst: str, consumes: list[str], trace: Trace) -> Any:
    """The request body for one `in: body` parameter, with a content entry per consumed type."""
    trace.record(dst, src)
    if not isinstance(param, dict):
        return {}
    if isinstance(param.get("$ref"), str):
        return {"$ref": body_ref(param["$ref"])}
    out: dict[str, Any] = {}
    if "description" in param:
        out["description"] = param["description"]
    examples = param.get("x-examples")
    content: dict[str, Any] = {}
    for media in consumes or [DEFAULT_MEDIA]:
        there = join_pointer(dst, "content", media)
        trace.record(there, src)
        schema = convert_schema(
            param.get("schema", {}),
            join_pointer(src, "schema"),
            join_pointer(there, "schema"),
            trace,
        )
        content[media] = {"schema": schema}
        if isinstance(examples, dict) and media in examples:
            content[media]["example"] = examples[media]
            trace.record(join_pointer(there, "example"), join_pointer(src, "x-examples", media))
    out["content"] = content
    if "required" in param:
        out["required"] = param["required"]
    # 3.0 bodies have no name; the extension swagger2openapi uses keeps it for code generators.
    if isinstance(param.get("name"), str):
        out["x-codegen-request-body-name"] = param["name"]
    out.update({k: v for k, v in param.items() if str(k).startswith("x-") and k != "x-examples"})
    _note_body_leftovers(param, src, dst, list(content), trace)
    return out


def _note_body_leftovers(
    param: dict[str, Any], src: str, dst: str, media: list[str], trace: Trace
) -> None:
    """What a body parameter carries that its request body has no place for."""
    for key in param:
        if key not in _BODY_KEYS and not str(key).startswith("x-"):
            message = f"{key!r} on an `in: body` parameter is not Swagger 2.0; dropped"
            trace.note(join_pointer(src, key), dst, message)
    examples = param.get("x-examples")
    for kind in examples if isinstance(examples, dict) else ():
        if kind not in media:
            message = (
                f"an example for {kind!r}, a media type the operation does not consume; dropped"
            )
            trace.note(join_pointer(src, "x-examples", kind), dst, message)


def form_request(
    fields: list[tuple[dict[str, Any], str]], dst: str, consumes: list[str], trace: Trace
) -> dict[str, Any]:
    """The request body for an operation's `in: formData` parameters (each with its pointer)."""
    trace.record(dst, fields[0][1])
    has_file = any(param.get("type") == "file" for param, _ in fields)
    media = [m for m in consumes if m in (MULTIPART, URLENCODED)]
    if not media:
        media = [MULTIPART if has_file else URLENCODED]
    content = {m: _form_content(fields, join_pointer(dst, "content", m), m, trace) for m in media}
    out: dict[str, Any] = {"content": content}
    if any(param.get("required") is True for param, _ in fields):
        out["required"] = True
    return out


def _form_content(
    fields: list[tuple[dict[str, Any], str]], dst: str, media: str, trace: Trace
) -> dict[str, Any]:
    schema_at = join_pointer(dst, "schema")
    trace.record(dst, fields[0][1])
    trace.record(schema_at, fields[0][1])
    properties: dict[str, Any] = {}
    required: list[str] = []
    encoding: dict[str, Any] = {}
    for param, src in fields:
        name = str(param.get("name", ""))
        there = join_pointer(schema_at, "properties", name)
        prop = value_schema(param, src, there, trace)
        if "description" in param:
            prop = {"description": param["description"], **prop}
        if "x-example" in param:
            prop["example"] = param["x-example"]
        properties[name] = prop
        if param.get("required") is True:
            required.append(name)
        style = _encoding(param, src, there, media, trace)
        if style is not None:
            encoding[name] = style
        _note_leftovers(param, src, there, trace)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    out: dict[str, Any] = {"schema": schema}
    if encoding:
        out["encoding"] = encoding
    return out


def _encoding(
    param: dict[str, Any], src: str, dst: str, media: str, trace: Trace
) -> dict[str, Any] | None:
    """How an array form field is serialized (`collectionFormat`, default csv) in `media`."""
    if param.get("type") != "array":
        return None
    found = param.get("collectionFormat", "csv")
    if found == "multi":
        return {"style": "form", "explode": True} if media == URLENCODED else None
    if media == URLENCODED and found == "csv":
        return {"style": "form", "explode": False}
    if media == URLENCODED and found in ("ssv", "pipes"):
        style = "spaceDelimited" if found == "ssv" else "pipeDelimited"
        return {"style": style, "explode": False}
    where = "a multipart form field" if media == MULTIPART else "a form field"
    message = (
        f"collectionFormat {found!r} of {where} has no OpenAPI 3.0 equivalent; "
        "the field is read as repeated values instead"
    )
    trace.note(
        join_pointer(src, "collectionFormat") if "collectionFormat" in param else src, dst, message
    )
    return None


def _note_leftovers(param: dict[str, Any], src: str, dst: str, trace: Trace) -> None:
    """Form-field keywords with no place in a 3.0 form schema."""
    for key in param:
        if key in _FORM_KEYS or key in SCHEMA_KEYS or key == "$ref":
            continue
        if key == "allowEmptyValue":
            message = "allowEmptyValue on a form field has no OpenAPI 3.0 equivalent; dropped"
        elif str(key).startswith("x-"):
            message = (
                f"extension {key!r} on a form field has no place in a 3.0 form schema; dropped"
            )
        else:
            message = f"parameter keyword {key!r} is not Swagger 2.0; dropped"
        trace.note(join_pointer(src, key), dst, message)


def body_ref(ref: str) -> str:
    """The `$ref` a body parameter reference becomes (a request body component)."""
    return rewrite_ref(ref).replace("/components/parameters/", "/components/requestBodies/", 1)
