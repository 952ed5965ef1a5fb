"""Streamed responses as typed items: Server-Sent Events (via httpx-sse) and NDJSON lines.

Each item is validated by the item schema's type as it arrives; one that breaks it raises
`InvalidResponse` and ends the stream (the connection is closed, never a silently corrupt
sequence). SSE comments (heartbeats) and events without data are skipped (the HTML Living Standard's
event stream interpretation dispatches none for them); an event's `id` and `retry` ride along
on the `ServerEvent`. An `error` event that is not an item (a specfirst service's last word on a
stream it had to end) raises `InvalidResponse` with the problem's `detail`. Leaving the iteration early (`break`, an exception, `aclose()`) closes the
response, so the server sees the disconnect.
"""

from __future__ import annotations

import json
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
    try:
        data = _item(operation, spec, response, sse.data)
    except InvalidResponse:
        if sse.event != "error":
            raise
        # a specfirst service ends a stream whose next item broke the contract (or whose
        # producer failed) with an `error` event holding a problem: say what it said
        raise InvalidResponse(
            operation, response, f"the stream ended: {_detail(sse.data)}"
        ) from None
    return ServerEvent(data, sse.event or "message", sse.id or None, sse.retry)


def _detail(data: str) -> str:
    """The `detail` (else `title`) of a problem+json `error` event, or its data as it came."""
    try:
        problem = json.loads(data)
    except ValueError:
        return data
    if isinstance(problem, dict):
        return str(problem.get("detail") or problem.get("title") or data)
    return data


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
