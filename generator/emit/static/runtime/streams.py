"""Streamed responses: the items a handler yields, each checked, sent as SSE events or NDJSON lines.

A response whose media type is `text/event-stream`, `application/x-ndjson` or
`application/jsonl` takes an async iterator of items as its result's `body`. Each item is
serialized and validated against the item schema (wire.json's response view) before a byte of
it is sent:

- SSE (the HTML Living Standard's event stream format): a `retry:` field first (settings'
  `stream_retry_ms`), then one event per item with an `id:` (a running count, unless the item
  comes in a `ServerEvent` envelope naming its own id, event name or retry), and a comment
  (`: keep-alive`) whenever the handler has produced nothing for `stream_heartbeat_seconds`.
- NDJSON: one JSON text per line.

An item that breaks its schema ends the stream: the violation is logged and, for SSE, an
`event: error` with a problem+json `data` line is sent; an NDJSON stream just ends (its format
has no room for an error). A client that disconnects cancels the iterator: the handler's
generator is closed, so its `finally` blocks run. The status and headers are checked by
`responses.render` before the stream starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi.responses import Response
from pydantic import TypeAdapter
from pydantic_core import to_json
from starlette.types import Message, Receive, Scope, Send

from .errors import ErrorFormat, Facts, phrase
from .schemas import check

__all__ = ["ItemStream", "ServerEvent", "StreamSettings"]

T = TypeVar("T")
logger = logging.getLogger(__name__.rsplit(".", 2)[0])
_FORBIDDEN = frozenset("\r\n\x00")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # an event stream's end of line (any of the three)


@dataclass(frozen=True, slots=True)
class ServerEvent(Generic[T]):
    """One SSE item with what its event says besides the data: `ServerEvent(tick, id="7")`.

    `id` replaces the running count (and is what a reconnecting client sends back as
    `Last-Event-ID`), `event` names the event (`message` when None), `retry` tells the client
    how many milliseconds to wait before it reconnects.
    """

    data: T
    event: str | None = None
    id: str | None = None
    retry: int | None = None


@dataclass(frozen=True)
class StreamSettings:
    """The settings a stream reads: heartbeat interval and the SSE reconnection delay."""

    heartbeat_seconds: float = 15.0
    retry_ms: int | None = 3000
    checked: bool = True  # False (`response_checks = "log"`): a bad item is logged and sent


class BadItem(Exception):
    """A streamed item the contract does not allow."""


class ItemStream(Response):
    """The streamed answer of one operation: status and headers checked, items checked one by one."""

    def __init__(
        self,
        items: AsyncIterator[Any],
        *,
        kind: str,
        status: int,
        headers: Mapping[str, str],
        media_type: str,
        operation: str,
        item: TypeAdapter[Any],
        item_schema: str,
        event_schema: str = "",
    ) -> None:
        # Not Response.__init__: it would send `content-length: 0` for a body of none.
        self.items = items
        self.kind = kind
        self.status_code = status
        self.media_type = media_type
        self.background = None
        self.operation = operation
        self.item = item
        self.item_schema = item_schema
        self.event_schema = event_schema
        self.settings = StreamSettings()
        self.init_headers(
            {**headers, "cache-control": "no-store", "x-accel-buffering": "no"}
            if kind == "sse"
            else headers
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        disconnected = asyncio.ensure_future(_disconnect(receive))
        pending: asyncio.Future[Any] | None = None
        try:
            if self.kind == "sse" and self.settings.retry_ms is not None:
                await _body(send, f"retry: {self.settings.retry_ms}\n\n".encode())
            count = 0
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(anext(self.items))
                done, _ = await asyncio.wait(
                    {pending, disconnected},
                    timeout=self.settings.heartbeat_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if disconnected in done:
                    return
                if not done:  # nothing for a while: a comment keeps proxies from hanging up
                    if self.kind == "sse":
                        await _body(send, b": keep-alive\n\n")
                    continue
                finished, pending = pending, None
                count += 1
                chunk = await self._next_chunk(scope, send, finished, count)
                if chunk is None:
                    break
                await _body(send, chunk)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away while a chunk was being sent
            logger.info("%s: the client disconnected", self.operation)
        finally:
            disconnected.cancel()
            await _close(self.items, pending)

    async def _next_chunk(
        self, scope: Scope, send: Send, finished: asyncio.Future[Any], count: int
    ) -> bytes | None:
        """The bytes of the item the producer gave, or None when the stream ends there."""
        error = finished.exception()
        if isinstance(error, StopAsyncIteration):
            return None
        if error is not None:  # the handler failed mid-stream: the status is long sent
            detail = f"{self.operation}: the stream failed after item {count - 1}"
            await self._refuse(scope, send, detail, "stream ended", error)
            return None
        try:
            return self._encode(finished.result(), count)
        except BadItem as bad:
            detail = f"The service broke its contract: {self.operation} streamed {bad}"
            await self._refuse(scope, send, detail, "contract violation, stream ended")
            return None

    def _encode(self, value: Any, count: int) -> bytes:
        """One item as the bytes of an event or a line, after its schema check."""
        event = value if isinstance(value, ServerEvent) else ServerEvent(value)
        try:
            data = self.item.dump_python(event.data, mode="json", by_alias=True, exclude_unset=True)
        except Exception as error:  # pydantic cannot serialize what the handler yielded
            raise BadItem(f"item {count}: {error}") from None
        if self.item_schema:
            issues = check(self.item_schema, data, "response")
            if issues and self.settings.checked:
                first = issues[0]
                raise BadItem(f"item {count} at {first.pointer or '/'}: {first.message}")
            if issues:
                logger.error("%s: stream item %d sent as is: %s", self.operation, count, issues[0])
        if self.kind != "sse":
            return to_json(data) + b"\n"
        text = data if isinstance(data, str) else to_json(data).decode()
        lines = [f"id: {event.id if event.id is not None else count}"]
        if event.event is not None:
            lines.append(f"event: {event.event}")
        if event.retry is not None:
            lines.append(f"retry: {int(event.retry)}")
        if any(_FORBIDDEN.intersection(line) for line in lines):
            raise BadItem(f"item {count}: an event id or name contains CR, LF or NUL")
        if self.event_schema:  # OAS 3.2: the event as a client reads it, `data` as text
            self._check_event(event, text, count)
        # each line of the data is a `data:` field; the client joins them with LF again
        lines += [f"data: {line}" for line in _LINE_BREAK.split(text)]
        return ("\n".join(lines) + "\n\n").encode()

    def _check_event(self, event: ServerEvent[Any], text: str, count: int) -> None:
        """Check the whole event against its schema: the fields an `EventSource` reads."""
        fields: dict[str, Any] = {
            "data": text,
            "event": event.event or "message",
            "id": event.id if event.id is not None else str(count),
        }
        if event.retry is not None:
            fields["retry"] = event.retry
        issues = check(self.event_schema, fields, "response")
        if issues and self.settings.checked:
            raise BadItem(f"event {count} at {issues[0].pointer or '/'}: {issues[0].message}")
        if issues:
            logger.error("%s: stream event %d sent as is: %s", self.operation, count, issues[0])

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        detail: str,
        why: str,
        error: BaseException | None = None,
    ) -> None:
        """End the stream early, logged: an SSE client gets an `error` event with a problem."""
        from .service import request_id_of  # service imports responses, which imports this

        request_id = request_id_of(scope)
        logger.error("%s: %s (request_id=%s)", why, detail, request_id, exc_info=error)
        if self.kind == "sse":
            facts = Facts(500, phrase(500), detail=detail, request_id=request_id)
            problem = to_json(ErrorFormat().body(facts)).decode()
            await _body(send, f"event: error\ndata: {problem}\n\n".encode())


async def _body(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _disconnect(receive: Receive) -> None:
    """Returns when the client disconnects (the request body, if any, was read before)."""
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _close(items: AsyncIterator[Any], pending: asyncio.Future[Any] | None) -> None:
    """Stop the producer: cancel the step it is in, then close it so its `finally` runs."""
    if pending is not None and not pending.done():
        pending.cancel()
        await asyncio.wait({pending})  # its outcome is the cancellation itself
    close = getattr(items, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()
