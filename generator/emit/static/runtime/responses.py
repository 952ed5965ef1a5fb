"""Typed results as HTTP responses, checked against the contract before they are sent.

Status, documented headers (present when required, valid by their schema, no CR/LF),
content type and body (JSON validated by the response schema; text must be `str`, binary
must be bytes) are all checked; anything else is a `ContractViolation` that names the
operation, the status and a JSON pointer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_json

from . import text
from .lazy import resolved
from .schemas import check
from .shapes import Shape, shape_of
from .streams import ItemStream

_CONCRETE = {"json": "application/json", "text": "text/plain", "binary": "application/octet-stream"}
_FORBIDDEN_IN_HEADERS = frozenset("\r\n\x00")
# Registered types to send for a range when the handler names none (RFC 6838 top-level types).
_RANGE_DEFAULTS = {
    "text/*": "text/plain",
    "image/*": "image/png",
    "audio/*": "audio/mpeg",
    "video/*": "video/mp4",
    "font/*": "font/woff2",
    "model/*": "model/gltf-binary",
}
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")


class ContractViolation(Exception):
    """A handler result the contract does not allow for its operation."""

    def __init__(self, operation: str, status: int | str, pointer: str, message: str) -> None:
        where = f" at {pointer}" if pointer else ""
        super().__init__(f"{operation} answered {status}{where}: {message}")
        self.operation = operation
        self.status = status
        self.pointer = pointer


@dataclass(frozen=True)
class HeaderSpec:
    """A documented response header: result attribute, wire name, schema, required."""

    attribute: str
    wire: str
    schema: str = ""
    required: bool = False

    @functools.cached_property
    def shape(self) -> Shape:
        return shape_of(self.schema)


@dataclass(frozen=True)
class ResultSpec:
    """How one result class becomes a response."""

    status: int | None  # None: the result carries `status_code` (a range or `default`)
    key: str  # the status as the contract writes it: "200", "4XX", "default"
    media_type: str | None
    kind: str | None  # json | text | binary | None (no body)
    annotation: Any = None  # the body's type, or a function returning it (lazy.py)
    headers: tuple[HeaderSpec, ...] = ()
    schema: str = ""  # body schema reference in the response view
    stream: str | None = None  # sse | ndjson: the body is an async iterator of items
    item: Any = None  # a streamed item's type
    item_schema: str = ""  # a streamed item's schema reference in the response view
    event_schema: str = ""  # SSE in OAS 3.2's form: each event object's schema reference

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(resolved(self.annotation))

    @functools.cached_property
    def item_adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.item)

    @functools.cached_property
    def content_type(self) -> str | None:
        """A concrete media type to send when the handler names none (ranges narrowed)."""
        if self.media_type is None:
            return None
        media = self.media_type.split(";", 1)[0].strip().lower()
        if media in {"*/*", "application/*"}:
            return _CONCRETE[self.kind or "binary"]
        if media.endswith("/*"):
            return _RANGE_DEFAULTS.get(media, media[:-1] + "octet-stream")
        return self.media_type

    @property
    def is_range(self) -> bool:
        """True when the contract documents a media range: the result may name its type."""
        return self.media_type is not None and "*" in self.media_type


def header_text(value: Any) -> str:
    """A header value as text (lists comma-joined, booleans lower-case, dates ISO 8601)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True)
    return str(value)


def _status(spec: ResultSpec, result: Any, documented: frozenset[int], operation: str) -> int:
    if spec.status is not None:
        return spec.status
    status = getattr(result, "status_code", None)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ContractViolation(operation, spec.key, "", "status_code is not an HTTP status")
    if spec.key[1:] == "XX" and str(status)[0] != spec.key[0]:
        raise ContractViolation(operation, status, "", f"is outside the documented {spec.key}")
    if status in documented:
        raise ContractViolation(operation, status, "", "has its own documented result class")
    return status


def _headers(
    spec: ResultSpec, result: Any, operation: str, status: int, checked: bool
) -> dict[str, str]:
    out: dict[str, str] = {}
    for header in spec.headers:
        value = getattr(result, header.attribute, None)
        if value is None:
            if header.required:
                raise ContractViolation(operation, status, "", f"header {header.wire} is required")
            continue
        written = header_text(value)
        if _FORBIDDEN_IN_HEADERS.intersection(written):
            raise ContractViolation(
                operation, status, "", f"header {header.wire} contains CR, LF or NUL"
            )
        if not checked:
            out[header.wire] = written
            continue
        shape = header.shape
        parsed: Any = (
            text.items(written.split(",") if written else [], shape)
            if shape.is_array
            else text.scalar(written, shape.types)
        )
        issues = check(header.schema, parsed, "response", header.wire)
        if issues:
            raise ContractViolation(
                operation, status, issues[0].pointer, f"header {header.wire}: {issues[0].message}"
            )
        out[header.wire] = written
    return out


def render(
    result: object,
    specs: Mapping[type, ResultSpec],
    operation: str,
    documented: frozenset[int] = frozenset(),
    checked: bool = True,
) -> Response:
    """The HTTP response the contract documents for `result`, or a ContractViolation.

    With `checked` False, header values and bodies are sent without their schema checks (a
    result of the wrong type still cannot be sent).
    """
    spec = specs.get(type(result))
    if spec is None:
        raise ContractViolation(
            operation, "?", "", f"{type(result).__name__} is not a result of this operation"
        )
    status = _status(spec, result, documented, operation)
    headers = _headers(spec, result, operation, status, checked)
    if spec.kind is None:
        return Response(status_code=status, headers=headers)
    body = getattr(result, "body", None)
    if spec.stream is not None:
        return _stream(spec, body, operation, status, headers)
    content = _content(spec, body, operation, status, checked)
    return Response(
        content, status, headers=headers, media_type=_media_type(spec, result, operation, status)
    )


def _stream(
    spec: ResultSpec, body: Any, operation: str, status: int, headers: dict[str, str]
) -> ItemStream:
    """A streamed body: its items are checked one by one as they are sent."""
    if not hasattr(body, "__aiter__"):
        raise ContractViolation(
            operation,
            status,
            "",
            f"a {spec.media_type} body must be an async iterator, not {type(body).__name__}",
        )
    return ItemStream(
        aiter(body),
        kind=spec.stream or "ndjson",
        status=status,
        headers=headers,
        media_type=str(spec.content_type),
        operation=operation,
        item=spec.item_adapter,
        item_schema=spec.item_schema,
        event_schema=spec.event_schema,
    )


def _media_type(spec: ResultSpec, result: Any, operation: str, status: int) -> str | None:
    """The type to send: the one a range result names (checked against the range), else the
    documented one."""
    named = getattr(result, "content_type", None) if spec.is_range else None
    if named is None:
        return spec.content_type
    documented = str(spec.media_type).split(";", 1)[0].strip().lower()
    base = str(named).split(";", 1)[0].strip().lower()
    inside = documented == "*/*" or base.startswith(documented[:-1])
    if not _MEDIA_TYPE.fullmatch(base) or not inside or _FORBIDDEN_IN_HEADERS.intersection(named):
        raise ContractViolation(
            operation, status, "", f"content type {named!r} is not within {spec.media_type}"
        )
    return str(named)


def _content(spec: ResultSpec, body: Any, operation: str, status: int, checked: bool) -> bytes:
    if spec.kind == "json":
        try:  # JSON-ready values: what the schema judges is exactly what is sent
            data = spec.adapter.dump_python(body, mode="json", by_alias=True, exclude_unset=True)
            content = to_json(data)
        except Exception as error:  # pydantic cannot serialize what the handler returned
            raise ContractViolation(operation, status, "", f"body: {error}") from None
        if spec.schema and checked:
            issues = check(spec.schema, data, "response")
            if issues:
                raise ContractViolation(operation, status, issues[0].pointer, issues[0].message)
        return content
    if spec.kind == "text":
        if not isinstance(body, str):
            raise ContractViolation(
                operation,
                status,
                "",
                f"a {spec.media_type} body must be str, not {type(body).__name__}",
            )
        if spec.schema and checked:
            issues = check(spec.schema, body, "response")
            if issues:
                raise ContractViolation(operation, status, issues[0].pointer, issues[0].message)
        return body.encode()
    if not isinstance(body, bytes | bytearray | memoryview):
        raise ContractViolation(
            operation,
            status,
            "",
            f"a {spec.media_type} body must be bytes, not {type(body).__name__}",
        )
    return bytes(body)
