"""Errors of the generated service: one format (problem+json or the contract's), never a traceback."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__.rsplit(".", 1)[0])

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_DOCS_HEADERS = SECURITY_HEADERS  # Swagger UI needs its scripts: no API CSP on /docs
_API_HEADERS = (*SECURITY_HEADERS, API_CSP)
_DOCS_NAMES = frozenset(name for name, _ in _DOCS_HEADERS)
_API_NAMES = frozenset(name for name, _ in _API_HEADERS)


@dataclass(frozen=True)
class ErrorFormat:
    """How error bodies look: media type and (wire field, role) pairs.

    Roles: type, title, detail, instance, errors, request_id, status:int, status:str, and
    empty:<kind> for required fields of a contract-defined schema that carry nothing here.
    """

    media_type: str
    fields: tuple[tuple[str, str], ...]

    def body(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: Sequence[Mapping[str, str]] | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """An error body for `status` with every field the format declares."""
        values: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status:int": status,
            "status:str": title.lower().replace(" ", "_"),
            "detail": detail or title,
            "instance": None,
            "errors": list(errors) if errors else None,
            "request_id": request_id,
            "empty:str": "",
            "empty:int": 0,
            "empty:bool": False,
            "empty:list": [],
            "empty:obj": {},
        }
        body = {
            wire: role[6:] if role.startswith("const:") else values.get(role)
            for wire, role in self.fields
        }
        return {k: v for k, v in body.items() if v is not None}

    def response(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        errors: Sequence[Mapping[str, str]] | None = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """A complete error response."""
        content = json.dumps(self.body(status, title, detail, errors, request_id)).encode()
        return Response(content, status, headers=dict(headers or {}), media_type=self.media_type)


def request_id_of(request: Request) -> str | None:
    """The id the service middleware gave this request."""
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def _pointer(loc: Sequence[int | str]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Pydantic errors as {pointer, detail}; the submitted values are never echoed."""
    return [
        {"pointer": _pointer(err.get("loc", ())), "detail": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]


def allowed_methods(
    prefix: str, routes: Sequence[tuple[str, Sequence[str]]]
) -> list[tuple[re.Pattern[str], str]]:
    """Compiled route templates with their `Allow` values (`{name}` matches one segment)."""
    table = []
    for path, methods in routes:
        parts = re.split(r"(\{[^{}]*\})", prefix + path)
        regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        table.append((re.compile(regex), ", ".join(methods)))
    return table


def install_error_handlers(
    app: FastAPI,
    errors: ErrorFormat,
    validation: Mapping[str, tuple[int, ErrorFormat]],
    prefix: str = "",
    routes: Sequence[tuple[str, Sequence[str]]] = (),
) -> None:
    """Answer validation errors, unknown routes and wrong methods in the service's error format.

    A malformed request gets the status and error body its operation documents (`validation`).
    """

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        route = request.scope.get("route")
        status, fmt = validation.get(getattr(route, "operation_id", None) or "", (400, errors))
        title = "Bad Request" if status == 400 else "Unprocessable Content"
        return fmt.response(
            status,
            title,
            "The request does not match the contract.",
            errors=validation_errors(exc),
            request_id=request_id_of(request),
        )

    allow = allowed_methods(prefix, routes)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        title = _phrase(exc.status_code)
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names only the first matching route's method
            path = request.url.path
            documented = next((value for regex, value in allow if regex.fullmatch(path)), None)
            if documented:
                headers["Allow"] = documented
        return errors.response(
            exc.status_code,
            title,
            detail,
            request_id=request_id_of(request),
            headers=headers,
        )

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)


def _phrase(status: int) -> str:
    """The reason phrase of a status (RFC 9110 wording), e.g. `Content Too Large` for 413."""
    if status == 413:
        return "Content Too Large"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def not_implemented(request: Request, errors: ErrorFormat) -> Response:
    """501: the operation exists in the contract but has no implementation yet."""
    return errors.response(
        501,
        "Not Implemented",
        "This operation is not implemented yet.",
        request_id=request_id_of(request),
    )


class _TooLarge(Exception):
    """The request body grew past the configured limit while it was being read."""


class _RequestIds:
    """Random request ids (128 bits, hex), 256 of them per `os.urandom` call: one system call
    per request cost as much as the rest of the middleware."""

    def __init__(self) -> None:
        self._pool: list[str] = []

    def __call__(self) -> str:
        try:
            return self._pool.pop()
        except IndexError:
            text = os.urandom(16 * 256).hex()
            self._pool = [text[i : i + 32] for i in range(32, len(text), 32)]
            return text[:32]


class ServiceMiddleware:
    """Outermost layer: request ids, security headers, a body size limit and a last-resort 500.

    It wraps everything FastAPI does, so even an unhandled exception answers in the service's
    error format, with the security headers, and without a traceback or the exception's text.
    """

    def __init__(self, app: ASGIApp, *, errors: ErrorFormat, max_body_bytes: int) -> None:
        self.app = app
        self.errors = errors
        self.max_body_bytes = max_body_bytes
        self._new_id = _RequestIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        declared = 0
        chunked = False
        for name, value in scope.get("headers", ()):  # one pass over the request's headers
            if name == b"content-length":
                declared = int(value) if value.isdigit() else 0
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"x-request-id" and request_id is None:
                text = value.decode("latin-1")
                request_id = text if _REQUEST_ID.fullmatch(text) else None
        request_id = request_id or self._new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = False
        is_docs = str(scope.get("path", "")).rstrip("/").endswith(("/docs", "/redoc"))
        extra, names = (_DOCS_HEADERS, _DOCS_NAMES) if is_docs else (_API_HEADERS, _API_NAMES)
        own = (b"x-request-id", request_id.encode())

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", ())]
                present = {name.lower() for name, _ in headers}
                if present.isdisjoint(names):
                    headers += extra
                else:  # the application set one of them itself: its value stands
                    headers += [(k, v) for k, v in extra if k not in present]
                headers.append(own)
                message = {**message, "headers": headers}
            await send(message)

        try:
            if declared > self.max_body_bytes:
                raise _TooLarge
            # A request without a body (no length, not chunked) needs no byte counting.
            bodiless = declared == 0 and not chunked
            await self.app(scope, receive if bodiless else self._limited(receive), send_wrapper)
        except _TooLarge:
            if not started:
                await self._send_error(scope, send_wrapper, 413, "Content Too Large", request_id)
        except NotImplementedError:  # a scaffolded method nobody has written yet
            if not started:
                await self._send_error(scope, send_wrapper, 501, "Not Implemented", request_id)
        except Exception:
            logger.exception("unhandled error (request_id=%s)", request_id)
            if not started:
                await self._send_error(
                    scope, send_wrapper, 500, "Internal Server Error", request_id
                )

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise _TooLarge
            return message

        return limited

    async def _send_error(
        self, scope: Scope, send: Send, status: int, title: str, request_id: str
    ) -> None:
        response = self.errors.response(status, title, request_id=request_id)
        await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}
