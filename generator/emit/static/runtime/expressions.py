"""Runtime expressions evaluated against one request (OpenAPI 3.x, "Runtime Expressions").

The generator parses each callback key into parts (`("text", "/data")`, `("request.query",
"callbackUrl")`, `("request.body", "/hooks/0")`...); here they are only looked up, never
evaluated as code. The route of an operation with callbacks records its request as the
current `Source` while the handler runs, so the generated callback senders find the URL:

>>> source = Source("https://api.test/streams?cb=x", "POST", query={"cb": ["https://me.test"]})
>>> expand((("request.query", "cb"), ("text", "/data")), source)
'https://me.test/data'
>>> expand((("text", "https://me.test/?id="), ("request.body", "/id")), source.with_body({"id": "a b"}))
'https://me.test/?id=a%20b'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from pydantic_core import to_jsonable_python

__all__ = ["CURRENT", "ExpressionValueError", "Source", "current", "expand"]

_MISSING: Any = object()


class ExpressionValueError(LookupError):
    """A runtime expression names a value the request (or response) does not carry."""


@dataclass(frozen=True)
class Source:
    """What runtime expressions may read: the request, and the response once there is one."""

    url: str
    method: str
    path: Mapping[str, str] = field(default_factory=dict)  # by the contract's names
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: Any = _MISSING  # the JSON body, parsed
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: Any = _MISSING

    def with_body(self, body: Any) -> Source:
        """The same request with its parsed JSON body."""
        return replace(self, body=body)

    def with_response(
        self, status: int, headers: Mapping[str, str] | None = None, body: Any = _MISSING
    ) -> Source:
        """The same request with the response `$response.*` and `$statusCode` read; a model
        body is read as the JSON it is sent as (by alias)."""
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        if body is not _MISSING:
            body = to_jsonable_python(body, by_alias=True)
        return replace(self, status=status, response_headers=lowered, response_body=body)

    @classmethod
    def from_raw_body(cls, raw: bytes, **values: Any) -> Source:
        """A source whose body is `raw` read as JSON when it is JSON (else no body)."""
        source = cls(**values)
        if not raw:
            return source
        try:
            return source.with_body(json.loads(raw))
        except ValueError:
            return source


CURRENT: ContextVar[Source | None] = ContextVar("specfirst_callback_source", default=None)


def current() -> Source:
    """The request being handled (inside a handler of an operation with callbacks)."""
    source = CURRENT.get()
    if source is None:
        raise LookupError("callbacks are sent from inside the handler of their operation")
    return source


def _pointer(document: Any, pointer: str, what: str) -> Any:
    if document is _MISSING:
        raise ExpressionValueError(f"{what} has no JSON body")
    value = document
    for raw in pointer.split("/")[1:] if pointer else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, Mapping) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise ExpressionValueError(f"{what} body has nothing at {pointer!r}")
    return value


def value_of(kind: str, name: str, source: Source) -> str:
    """The text one expression stands for; `ExpressionValueError` when it is absent."""
    found: Any = _MISSING
    if kind == "url":
        found = source.url
    elif kind == "method":
        found = source.method.upper()
    elif kind == "statusCode":
        found = source.status if source.status is not None else _MISSING
    elif kind == "request.path":
        found = source.path.get(name, _MISSING)
    elif kind == "request.query":
        values = source.query.get(name)
        found = values[0] if values else _MISSING
    elif kind == "request.header":
        found = source.headers.get(name.lower(), _MISSING)
    elif kind == "response.header":
        found = source.response_headers.get(name.lower(), _MISSING)
    elif kind == "request.body":
        found = _pointer(source.body, name, "the request")
    elif kind == "response.body":
        found = _pointer(source.response_body, name, "the response")
    if found is _MISSING or found is None:
        raise ExpressionValueError(f"the runtime expression {kind} {name!r} has no value")
    if isinstance(found, str):
        return found
    return json.dumps(found, separators=(",", ":"))


def expand(parts: Sequence[tuple[str, str]], source: Source) -> str:
    """The URL a callback key names: an expression that opens the key is its base, taken as
    is; one further in is a value inside the URL, percent-encoded."""
    out: list[str] = []
    for index, (kind, name) in enumerate(parts):
        if kind == "text":
            out.append(name)
            continue
        value = value_of(kind, name, source)
        out.append(value if index == 0 else quote(value, safe=""))
    return "".join(out)
