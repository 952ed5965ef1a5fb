"""The service around the routes: request ids, security headers, body limits, every error's answer.

Whatever goes wrong, the client gets the error body the contract documents for the
operation and status (see `errors`), never a traceback: malformed requests (400, or 422
where documented), unknown routes (404), wrong methods (405 with `Allow`), unsupported
media types (415), oversized bodies (413), results the contract does not allow and
unhandled exceptions (500), and operations nobody has implemented (501).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .bodies import Invalid
from .errors import ErrorBook
from .responses import ContractViolation
from .schemas import Issue, pointer_text

logger = logging.getLogger(__name__.rsplit(".", 2)[0])

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


def request_id_of(scope: Scope) -> str | None:
    """The id the service middleware gave this request."""
    value = scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def operation_of(scope: Scope) -> str | None:
    """The operationId of the route that matched, if any."""
    found = getattr(scope.get("route"), "operation_id", None)
    return found if isinstance(found, str) else None


def allowed_methods(
    prefix: str, routes: Sequence[tuple[str, Sequence[str]]]
) -> list[tuple[re.Pattern[str], str]]:
    """Compiled route templates with their `Allow` values (`{name}` matches one segment);
    where two paths differ in being templated, the concrete one first, as OpenAPI matches them
    (the order of `route_order.serve_in_order`)."""
    table = []
    for path, methods in sorted(routes, key=lambda route: _templated(route[0])):
        parts = re.split(r"(\{[^{}]*\})", prefix + path)
        regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        table.append((re.compile(regex), ", ".join(methods)))
    return table


def _templated(path: str) -> tuple[bool, ...]:
    return tuple("{" in segment for segment in path.split("/"))


def _pydantic_issues(exc: RequestValidationError) -> list[Issue]:
    found = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "body"
        rest = pointer_text(loc[1:])
        name = "" if where == "body" else (loc[1] if len(loc) > 1 else "")
        found.append(Issue(where, name, rest if where == "body" else "", str(err.get("msg"))))
    return found


def install_error_handlers(
    app: FastAPI, book: ErrorBook, prefix: str, routes: Sequence[tuple[str, Sequence[str]]]
) -> None:
    """Answer every error in the format the contract documents for its operation and status."""

    def invalid(request: Request, issues: Sequence[Issue]) -> Response:
        operation = operation_of(request.scope)
        status = book.validation_status(operation)
        noun = "issue" if len(issues) == 1 else "issues"
        return book.response(
            operation,
            status,
            detail=f"The request does not match the contract ({len(issues)} {noun}).",
            issues=issues,
            request_id=request_id_of(request.scope),
        )

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Invalid)
        return invalid(request, exc.issues)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return invalid(request, _pydantic_issues(exc))

    allow: list[tuple[re.Pattern[str], str]] = []  # compiled on the first 405, not at start-up

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        headers = dict(exc.headers or {})
        operation, status = operation_of(request.scope), exc.status_code
        if status == 415 and operation and not book.documents(operation, 415):
            # a media type the operation cannot read is a malformed request: answer with the
            # status it documents for those (400 or 422) rather than an undocumented 415
            status = book.validation_status(operation)
        if exc.status_code == 405:  # Starlette names only the first matching route's method
            path = request.url.path
            if not allow:
                allow.extend(allowed_methods(prefix, routes))
            documented = next((value for regex, value in allow if regex.fullmatch(path)), None)
            if documented:
                headers["Allow"] = documented
        return book.response(
            operation,
            status,
            detail=detail,
            request_id=request_id_of(request.scope),
            headers=headers,
        )

    async def on_violation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ContractViolation)
        logger.error("contract violation: %s (request_id=%s)", exc, request_id_of(request.scope))
        return book.response(
            operation_of(request.scope),
            500,
            detail=f"The service broke its contract: {exc}",
            request_id=request_id_of(request.scope),
        )

    app.add_exception_handler(Invalid, on_invalid)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(ContractViolation, on_violation)


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

    def __init__(self, app: ASGIApp, *, errors: ErrorBook, max_body_bytes: int) -> None:
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
                await self._send_error(scope, send_wrapper, 413, None)
        except NotImplementedError:  # a scaffolded method nobody has written yet
            if not started:
                detail = "This operation is not implemented yet."
                await self._send_error(scope, send_wrapper, 501, detail)
        except Exception:
            logger.exception("unhandled error (request_id=%s)", request_id)
            if not started:
                await self._send_error(scope, send_wrapper, 500, None)

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

    async def _send_error(self, scope: Scope, send: Send, status: int, detail: str | None) -> None:
        response = self.errors.response(
            operation_of(scope), status, detail=detail, request_id=request_id_of(scope)
        )
        await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}
