"""RFC 6749 §5.2 `unsupported_grant_type`, which the contract's validation cannot tell apart.

`TokenRequest.grant_type` is `enum: [password]`, so the generated runtime answers any other
grant type as a malformed form (`invalid_request`). RFC 6749 asks for `unsupported_grant_type`
when the form is well formed but names a grant this server does not offer, and the contract's
400 documents it. The handler never sees such a request, so this middleware reads the form
first: exactly one non-empty `grant_type` other than `password` gets that error; anything else
(no grant type, two of them, a body that is not UTF-8) goes on to the runtime unchanged.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generated.users import models

FORM = b"application/x-www-form-urlencoded"
SUPPORTED = "password"


def unsupported_grant(body: bytes) -> bool:
    """True when the form names exactly one grant type, and not the password grant.

    >>> unsupported_grant(b"grant_type=client_credentials"), unsupported_grant(b"grant_type=")
    (True, False)
    """
    try:
        form = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    values = form.get("grant_type", [])
    return len(values) == 1 and values[0] not in ("", SUPPORTED)


class GrantTypeMiddleware:
    """Answers `unsupported_grant_type` for `POST <path>`; replays the body otherwise.

    It runs inside the generated service middleware, so the body it reads is already held to
    the size limit (413) and its answer gets the request id and security headers.
    """

    def __init__(self, app: ASGIApp, *, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if unsupported_grant(body):
            await _refuse(send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            return False
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
        return bytes(content_type).split(b";", 1)[0].strip().lower() == FORM


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` that hands the already-read body over once, then defers to the server."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(send: Send) -> None:
    error = models.OAuthError(
        error=models.OAuthErrorError.UNSUPPORTED_GRANT_TYPE,
        error_description=f"Only the {SUPPORTED} grant is supported.",
    )
    body = error.model_dump_json().encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),  # RFC 6749 §5.1, as for every token response
        (b"pragma", b"no-cache"),
    ]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
