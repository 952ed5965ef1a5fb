"""What the client raises: the server answered something its contract does not document."""

from __future__ import annotations

from typing import Any

import httpx


class ClientError(Exception):
    """Base of every error the generated client raises itself (httpx's errors pass through)."""


class UnexpectedStatus(ClientError):
    """The server answered a status the operation does not document."""

    def __init__(self, operation: str, response: httpx.Response) -> None:
        super().__init__(f"{operation}: undocumented status {response.status_code}")
        self.operation = operation
        self.response = response


class InvalidResponse(ClientError):
    """A documented status whose body or headers do not match the contract."""

    def __init__(self, operation: str, response: httpx.Response, reason: str) -> None:
        super().__init__(f"{operation} answered {response.status_code}: {reason}")
        self.operation = operation
        self.response = response
        self.reason = reason


class PageError(ClientError):
    """Page iteration met a result other than the operation's success (it carries it)."""

    def __init__(self, operation: str, result: Any) -> None:
        super().__init__(f"{operation}: page iteration stopped at {type(result).__name__}")
        self.operation = operation
        self.result = result


class StreamRefused(ClientError):
    """A streaming call answered a status that does not stream (it carries the typed result)."""

    def __init__(self, operation: str, result: Any) -> None:
        super().__init__(f"{operation}: no stream, the server answered {type(result).__name__}")
        self.operation = operation
        self.result = result


class UnsafeNextLink(ClientError):
    """A `Link: rel="next"` target on another origin: credentials are never sent there."""

    def __init__(self, operation: str, url: str) -> None:
        super().__init__(f"{operation}: next page {url!r} is on another origin; not followed")
        self.operation = operation
        self.url = url
