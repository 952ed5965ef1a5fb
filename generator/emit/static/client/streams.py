"""Streamed responses as typed items: Server-Sent Events (via httpx-sse) and NDJSON lines.

Each item is validated by the item schema's type as it arrives; one that breaks it raises
`InvalidResponse` and ends the stream (the connection is closed, never a silently corrupt
sequence). SSE comments (heartbeats) and events without data are skipped (the HTML Living Standard's
event stream interpretation dispatches none for them); an event's `id` and `retry` ride along
on the `ServerEvent`. Leaving the iteration early (`break`, an exception, `aclose()`) closes the
response, so the server sees the disconnect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from httpx_sse import EventSource, ServerSentEvent
from pydantic import ValidationError

from .errors import InvalidResponse
from .specs import ResponseSpec

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServerEvent(Generic[T]):
    """One Server-Sent Event: its typed `data`, and the event name, id and retry it carried."""

    data: T
    event: str = "message"
    id: str | None = None
    retry: int | None = None


def _item(operation: str, spec: ResponseSpec, response: httpx.Response, text: str) -> Any:
    try:
        if spec.item is str:
            return text
        return spec.item_adapter.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        reason = f"stream item at /{where}: {first['msg']}"
        raise InvalidResponse(operation, response, reason) from None


def _event(
    operation: str, spec: ResponseSpec, response: httpx.Response, sse: ServerSentEvent
) -> Any:
    data = _item(operation, spec, response, sse.data)
    return ServerEvent(data, sse.event or "message", sse.id or None, sse.retry)


def _check_sse(operation: str, response: httpx.Response) -> None:
    """An event stream must say so (httpx-sse would raise its own transport error)."""
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "text/event-stream":
        reason = f"expected a text/event-stream, got {media_type or 'no content type'}"
        raise InvalidResponse(operation, response, reason)


async def aiter_items(
    operation: str, spec: ResponseSpec, response: httpx.Response
) -> AsyncIterator[Any]:
    """The items of a streamed response, as they arrive."""
    if spec.stream == "sse":
        _check_sse(operation, response)
        async for sse in EventSource(response).aiter_sse():
            if sse.data:
                yield _event(operation, spec, response, sse)
        return
    async for line in response.aiter_lines():
        if line.strip():
            yield _item(operation, spec, response, line)


def iter_items(operation: str, spec: ResponseSpec, response: httpx.Response) -> Iterator[Any]:
    """The items of a streamed response, as they arrive (blocking)."""
    if spec.stream == "sse":
        _check_sse(operation, response)
        for sse in EventSource(response).iter_sse():
            if sse.data:
                yield _event(operation, spec, response, sse)
        return
    for line in response.iter_lines():
        if line.strip():
            yield _item(operation, spec, response, line)
