"""Per-request facts the handlers need but the generated interfaces do not pass.

`RequestContextMiddleware` records the client address (rate limits of anonymous callers,
`ImportJob.requested_from`), the public base URL (absolute `Location` headers and links) and
the headers of multipart parts, and enforces each operation's body size limit (`413`).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generated.showcase.contract import MOUNT_PREFIX

from .errors import too_large
from .parts import Part, PartInspector

_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
_DEFAULT_BASE = "http://localhost"


@dataclass
class RequestContext:
    """What is known about the request being handled."""

    client: str | None = None
    base_url: str = _DEFAULT_BASE  # scheme://host[:port][root path], no trailing slash
    parts: list[Part] = field(default_factory=list)

    def url(self, path: str) -> str:
        """The absolute URL of a path of the API.

        >>> RequestContext(base_url="https://api.example.com").url("/books/42")
        'https://api.example.com/showcase/v2/books/42'
        """
        return f"{self.base_url}{MOUNT_PREFIX}{path}"


_current: ContextVar[RequestContext | None] = ContextVar("showcase_request", default=None)


def current() -> RequestContext:
    """The context of the request being handled (a neutral one outside requests)."""
    return _current.get() or RequestContext()


@dataclass(frozen=True)
class BodyLimit:
    """The largest body one kind of request may send, and how the error names it."""

    bytes: int
    label: str


@dataclass(frozen=True)
class BodyLimits:
    """Body size limits by path suffix (contract: 20 MiB media, 50 MiB files), else `default`."""

    default: BodyLimit
    by_suffix: tuple[tuple[re.Pattern[str], BodyLimit], ...] = ()

    def for_path(self, path: str) -> BodyLimit:
        """The limit for a request path."""
        return next((lim for rx, lim in self.by_suffix if rx.search(path)), self.default)


class _TooLarge(Exception):
    """The body grew past its limit while it was read."""


class RequestContextMiddleware:
    """Pure ASGI middleware: sets the request context and enforces the body size limits."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits, public_url: str | None) -> None:
        self.app = app
        self.limits = limits
        self.public_url = public_url.rstrip("/") if public_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        context = RequestContext(client=request.client.host if request.client else None)
        context.base_url = self.public_url or _base_url(request)
        token = _current.set(context)
        try:
            await self._handle(scope, receive, send, request, context)
        finally:
            _current.reset(token)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, request: Request, ctx: RequestContext
    ) -> None:
        limit = self.limits.for_path(request.url.path)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit.bytes:
            await _send_too_large(send, limit)
            return
        inspector = PartInspector.from_content_type(request.headers.get("content-type", ""))
        if inspector is not None:
            ctx.parts = inspector.parts
        seen, started = 0, False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk: bytes = message.get("body", b"")
                seen += len(chunk)
                if seen > limit.bytes:
                    raise _TooLarge
                if inspector is not None:
                    inspector.feed(chunk)
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _TooLarge:
            if started:
                raise
            await _send_too_large(send, limit)


def _base_url(request: Request) -> str:
    """`scheme://host` of the request; a Host header that is not a host name is not echoed."""
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):
        server = request.scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    scheme = "https" if request.url.scheme == "https" else "http"
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{scheme}://{host}{root}"


async def _send_too_large(send: Send, limit: BodyLimit) -> None:
    body = too_large(limit.label).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def limits_from(json_limit: int, media_limit: int, file_limit: int) -> BodyLimits:
    """The contract's limits: media uploads, e-book files, everything else."""
    return BodyLimits(
        default=BodyLimit(json_limit, _size(json_limit)),
        by_suffix=(
            (re.compile(r"/books/[^/]+/media$"), BodyLimit(media_limit, _size(media_limit))),
            (re.compile(r"/books/[^/]+/file$"), BodyLimit(file_limit, _size(file_limit))),
        ),
    )


def _size(n: int) -> str:
    """`65536` as `64 KiB`, `20971520` as `20 MiB`.

    >>> _size(65536), _size(20 * 1024 * 1024), _size(1000)
    ('64 KiB', '20 MiB', '1000 bytes')
    """
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


__all__ = ["BodyLimits", "Part", "RequestContext", "RequestContextMiddleware", "current"]
