"""From an `httpx.Response` to the operation's documented result class.

The status picks the result (exact, then its `4XX` range, then `default`); the body is
validated by the response form of its model (`json`), or kept as text or bytes; documented
headers are parsed into their types (a comma-separated list for array headers). An
undocumented status raises `UnexpectedStatus`; a body or header that breaks the contract
raises `InvalidResponse`: a result is always what the contract promises.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from .errors import InvalidResponse, UnexpectedStatus
from .specs import HeaderSpec, OperationSpec, ResponseSpec

R = TypeVar("R")


def _header(spec: HeaderSpec, response: httpx.Response) -> Any:
    found = response.headers.get_list(spec.wire)
    if not found:
        if spec.required:
            raise ValueError(f"required header {spec.wire} is missing")
        return None
    raw: Any = ",".join(found)
    if spec.is_list:
        raw = [item.strip() for item in raw.split(",")]
    try:
        return spec.adapter.validate_strings(raw)
    except ValidationError as exc:
        raise ValueError(f"header {spec.wire}: {exc.errors()[0]['msg']}") from None


def _body(spec: ResponseSpec, response: httpx.Response) -> Any:
    if spec.kind == "json":
        try:
            return spec.adapter.validate_json(response.content)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "/".join(str(p) for p in first["loc"])
            raise ValueError(f"body at /{where}: {first['msg']}") from None
    if spec.kind == "text":
        return response.text
    return response.content


def decode(spec: OperationSpec[R], response: httpx.Response) -> R:
    """The typed result for a response (read in full)."""
    documented = spec.response_for(response.status_code)
    if documented is None:
        raise UnexpectedStatus(spec.operation_id, response)
    fields: dict[str, Any] = {}
    try:
        if documented.status_field:
            fields["status_code"] = response.status_code
        if documented.content_type_field:
            fields["content_type"] = response.headers.get("content-type")
        if documented.kind is not None:
            fields["body"] = _body(documented, response)
        for header in documented.headers:
            fields[header.attribute] = _header(header, response)
    except ValueError as exc:
        raise InvalidResponse(spec.operation_id, response, str(exc)) from None
    result: R = documented.result(**fields)
    return result
