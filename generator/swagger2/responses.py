"""Swagger 2.0 responses to OpenAPI 3.0 ones: `schema` per produced media type, headers, examples.

>>> convert_response({"description": "ok", "schema": {"type": "string"}}, "/r", "/s",
...                  ["text/plain"], Trace())
{'description': 'ok', 'content': {'text/plain': {'schema': {'type': 'string'}}}}
"""

from __future__ import annotations

from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.bodies import DEFAULT_MEDIA
from generator.swagger2.parameters import SCHEMA_KEYS, value_schema
from generator.swagger2.refs import rewrite_ref
from generator.swagger2.schemas import convert_schema
from generator.swagger2.trace import Trace

_HEADER_KEYS = SCHEMA_KEYS | {"description", "collectionFormat"}


def convert_response(resp: Any, src: str, dst: str, produces: list[str], trace: Trace) -> Any:
    """The 3.0 Response Object for the 2.0 one at `src`; `produces` are its media types."""
    trace.record(dst, src)
    if not isinstance(resp, dict):
        return resp
    if isinstance(resp.get("$ref"), str):
        return {"$ref": rewrite_ref(resp["$ref"])}
    out: dict[str, Any] = {}
    for key, value in resp.items():
        here = join_pointer(src, key)
        if key == "description" or (str(key).startswith("x-") and key != "x-examples"):
            out[key] = value
        elif key == "schema":
            out["content"] = _content(resp, src, join_pointer(dst, "content"), produces, trace)
        elif key == "headers" and isinstance(value, dict):
            out["headers"] = _headers(value, here, join_pointer(dst, "headers"), trace)
        elif key == "headers":
            out[key] = value  # not a mapping: left for the 3.0 validator to report, located
        elif key == "examples":
            if "schema" not in resp:
                message = "response examples without a schema have no place in 3.0; dropped"
                trace.note(here, dst, message)
        else:
            trace.note(here, dst, f"response keyword {key!r} is not Swagger 2.0; dropped")
    return out


def _content(
    resp: dict[str, Any], src: str, dst: str, produces: list[str], trace: Trace
) -> dict[str, Any]:
    trace.record(dst, join_pointer(src, "schema"))
    media_types = produces or [DEFAULT_MEDIA]
    content: dict[str, Any] = {}
    for media in media_types:
        there = join_pointer(dst, media)
        trace.record(there, join_pointer(src, "schema"))
        schema = convert_schema(
            resp["schema"], join_pointer(src, "schema"), join_pointer(there, "schema"), trace
        )
        content[media] = {"schema": schema}
    examples = resp.get("examples")
    for media, example in examples.items() if isinstance(examples, dict) else ():
        here = join_pointer(src, "examples", media)
        if media in content:
            content[media]["example"] = example
            trace.record(join_pointer(dst, media, "example"), here)
        else:
            message = (
                f"an example for {media!r}, a media type the operation does not produce; dropped"
            )
            trace.note(here, dst, message)
    return content


def _headers(headers: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """Response headers: their keywords moved into `schema` (3.0 Header Object)."""
    trace.record(dst, src)
    out: dict[str, Any] = {}
    for name, header in headers.items():
        here, there = join_pointer(src, name), join_pointer(dst, name)
        trace.record(there, here)
        if not isinstance(header, dict):
            out[name] = header
            continue
        converted: dict[str, Any] = {}
        if "description" in header:
            converted["description"] = header["description"]
        converted["schema"] = value_schema(header, here, join_pointer(there, "schema"), trace)
        found = header.get("collectionFormat", "csv")
        if header.get("type") == "array" and found != "csv":
            message = (
                f"collectionFormat {found!r} of a response header has no OpenAPI 3.0 "
                "equivalent (headers are comma-separated)"
            )
            trace.note(join_pointer(here, "collectionFormat"), there, message)
        for key, value in header.items():
            if str(key).startswith("x-") and key != "x-nullable":
                converted[key] = value
            elif key not in _HEADER_KEYS:
                trace.note(join_pointer(here, key), there, f"header keyword {key!r}; dropped")
        out[name] = converted
    return out
