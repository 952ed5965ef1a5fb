"""Each operation's body size limit (contract: 64 KiB JSON, 20 MiB media, 50 MiB files): `413`.

The generated package has one limit for every body (`max_body_bytes`, here the largest);
`BodyLimitMiddleware` enforces the tighter ones per route, while the body streams in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import too_large


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


class BodyLimitMiddleware:
    """Pure ASGI middleware: answers 413 for a body over its route's limit."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = self.limits.for_path(request.url.path)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit.bytes:
            await _send_too_large(send, limit)
            return
        seen, started = 0, False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit.bytes:
                    raise _TooLarge
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
