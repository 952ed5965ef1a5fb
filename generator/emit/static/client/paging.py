"""The request for the next page: RFC 8288 `Link: rel="next"`, or a cursor from the body.

A next link is resolved against the page's URL and followed only on the same origin (scheme,
host and port): credentials travel with it, so another origin is refused (`UnsafeNextLink`).
An address or cursor seen before ends the iteration, so a server that loops cannot trap it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from .errors import UnsafeNextLink
from .specs import OperationSpec

_BODY_HEADERS = frozenset({"content-length", "content-type", "transfer-encoding"})


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _next_link(
    client: httpx.Client | httpx.AsyncClient, spec: OperationSpec[Any], response: httpx.Response
) -> httpx.Request | None:
    target = response.links.get("next", {}).get("url")
    if not target:
        return None
    current = response.request.url
    url = current.join(target)
    if _origin(url) != _origin(current):
        raise UnsafeNextLink(spec.operation_id, str(url))
    headers = {k: v for k, v in response.request.headers.items() if k.lower() not in _BODY_HEADERS}
    return client.build_request(spec.method.upper(), url, headers=headers)


def _next_cursor(spec: OperationSpec[Any], response: httpx.Response) -> str | None:
    assert spec.paging is not None
    try:
        data = response.json()
    except ValueError:
        return None
    cursor = data.get(spec.paging.next_field) if isinstance(data, dict) else None
    if cursor is None or cursor == "":
        return None
    return cursor if isinstance(cursor, str) else str(cursor)


class Pager:
    """Follows one operation's pages, remembering what it has seen."""

    def __init__(
        self,
        client: httpx.Client | httpx.AsyncClient,
        spec: OperationSpec[Any],
        values: dict[str, Any],
        build: Callable[[dict[str, Any]], httpx.Request],
    ) -> None:
        self.client = client
        self.spec = spec
        self.values = values
        self.build = build
        self.seen: set[str] = set()

    def first(self) -> httpx.Request:
        """The request for the first page (the arguments as given)."""
        request = self.build(self.values)
        self.seen.add(str(request.url))
        return request

    def next(self, response: httpx.Response) -> httpx.Request | None:
        """The request for the page after `response`, or None at the end."""
        paging = self.spec.paging
        if paging is None:
            return None
        if paging.kind == "cursor":
            cursor = _next_cursor(self.spec, response)
            if cursor is None:
                return None
            self.values = {**self.values, paging.cursor: cursor}
            request = self.build(self.values)
        else:
            found = _next_link(self.client, self.spec, response)
            if found is None:
                return None
            request = found
        if str(request.url) in self.seen:
            return None
        self.seen.add(str(request.url))
        return request
