"""Streamed responses: SSE events and NDJSON lines as typed items, validated as they arrive."""

from __future__ import annotations

import asyncio
import json
from types import ModuleType

import pytest

from .stub import Answer, Stub

SSE = "text/event-stream"
NDJSON = "application/x-ndjson"


def test_sse_events_arrive_typed_with_ids_and_retry(things: ModuleType, stub: Stub) -> None:
    body = (
        b": heartbeat\n\n"
        b'id: 1\nretry: 2500\ndata: {"seq": 1}\n\n'
        b": heartbeat\n\n"
        b'event: tick\nid: 2\ndata: {"seq":\ndata:  2}\n\n'
    )
    stub.queue(Answer(200, body, content_type=SSE))

    async def scenario() -> list[object]:
        async with things.AsyncClient(stub.base) as client:
            return [event async for event in client.watch_events_stream(topic="t")]

    events = asyncio.run(scenario())
    assert [type(e.data).__name__ for e in events] == ["Tick", "Tick"]  # type: ignore[attr-defined]
    first, second = events
    assert (first.data.seq, first.event, first.id, first.retry) == (1, "message", "1", 2500)  # type: ignore[attr-defined]
    assert (second.data.seq, second.event, second.id) == (2, "tick", "2")  # type: ignore[attr-defined]
    assert stub.seen[0].target == "/v2/events?topic=t"


def test_ndjson_lines_arrive_as_models(things: ModuleType, stub: Stub) -> None:
    lines = [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    body = b"\n".join(json.dumps(line).encode() for line in lines) + b"\n\n"
    stub.queue(Answer(200, body, content_type=NDJSON))
    with things.Client(stub.base) as client:
        items = list(client.export_things_stream())
    assert [(i.id, i.name) for i in items] == [(1, "a"), (2, "b")]
    assert all(isinstance(i, things.models.Thing) for i in items)


def test_an_item_that_breaks_its_schema_ends_the_stream(things: ModuleType, stub: Stub) -> None:
    body = b'{"id": 1, "name": "a"}\n{"id": 2}\n{"id": 3, "name": "c"}\n'
    stub.queue(Answer(200, body, content_type=NDJSON))
    received = []
    with things.Client(stub.base) as client, pytest.raises(things.InvalidResponse) as raised:
        for item in client.export_things_stream():
            received.append(item.name)
    assert received == ["a"]
    assert "stream item at /name" in str(raised.value)


def test_a_status_that_does_not_stream_is_refused_typed(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(404))
    with things.Client(stub.base) as client, pytest.raises(things.StreamRefused) as raised:
        list(client.watch_events_stream())
    assert isinstance(raised.value.result, things.results.WatchEventsNotFound)


def test_leaving_the_stream_disconnects_the_producer(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, b"", content_type=SSE, endless=b'data: {"seq": 7}\n\n'))

    async def scenario() -> list[int]:
        seqs: list[int] = []
        async with things.AsyncClient(stub.base) as client:
            async for event in client.watch_events_stream():
                seqs.append(event.data.seq)
                if len(seqs) == 3:
                    break
        return seqs

    assert asyncio.run(scenario()) == [7, 7, 7]
    assert stub.disconnected.wait(30), "the server kept writing to a client that left"


def test_an_event_stream_without_its_media_type_is_invalid(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, b'data: {"seq": 1}\n\n', content_type="text/plain"))
    with things.Client(stub.base) as client, pytest.raises(things.InvalidResponse) as raised:
        list(client.watch_events_stream())
    assert "expected a text/event-stream, got text/plain" in str(raised.value)
