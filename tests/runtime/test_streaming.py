"""Streamed responses end to end (issue 21, item 3): typed items from a handler's async generator,
each checked before it is sent, read item by item through the generated client over a real
socket on 127.0.0.1; a client that leaves cancels the producer; a bad item ends the stream."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from .conftest import serve


class Producers:
    """Handlers whose generators record that their `finally` ran, per mode."""

    def __init__(self, service: ModuleType) -> None:
        self.service = service
        self.closed: dict[str, threading.Event] = {}
        self.sent: dict[str, list[int]] = {}
        # Held here so garbage collection cannot finalize them: only the runtime's closing can.
        self.generators: list[AsyncIterator[Any]] = []

    def _finished(self, key: str) -> threading.Event:
        return self.closed.setdefault(key, threading.Event())

    async def watch_ticks(self, *, mode: str) -> Any:
        models, results = self.service.models, self.service.results
        done, sent = self._finished(f"ticks-{mode}"), self.sent.setdefault(f"ticks-{mode}", [])

        async def ticks() -> AsyncIterator[Any]:
            try:
                if mode == "finite":
                    yield models.Tick(seq=1)
                    yield self.service.ServerEvent(
                        models.Tick(seq=2), event="tock", id="b", retry=1500
                    )
                    yield models.Tick(seq=3)
                elif mode == "bad":
                    yield models.Tick(seq=1)
                    yield models.Tick.model_construct(seq=-1)  # a handler bug: breaks `minimum`
                    sent.append(2)  # never reached: the stream ends at the bad item
                    yield models.Tick(seq=2)
                elif mode == "boom":
                    yield models.Tick(seq=1)
                    raise RuntimeError("the producer broke")
                elif mode == "quiet":
                    yield models.Tick(seq=0)
                    await asyncio.Event().wait()  # nothing more: only heartbeats
                else:
                    seq = 0
                    while True:
                        sent.append(seq)
                        yield models.Tick(seq=seq)
                        seq += 1
                        await asyncio.sleep(0.005)
            finally:
                done.set()

        self.generators.append(ticks())
        return results.WatchTicksOk(body=self.generators[-1])

    async def watch_events(self) -> Any:
        models, results = self.service.models, self.service.results
        event = self.service.ServerEvent

        async def events() -> AsyncIterator[Any]:
            yield event(models.Tick(seq=1), event="tick")
            yield models.Tick(seq=2)  # a plain item is a `message` event
            yield event(models.Tick(seq=3), event="bogus")  # the event schema's enum refuses it

        return results.WatchEventsOk(body=events())

    async def export_rows(self, *, mode: str) -> Any:
        models, results = self.service.models, self.service.results
        done = self._finished(f"rows-{mode}")

        async def rows() -> AsyncIterator[Any]:
            try:
                yield models.Row(id=1, name="a")
                if mode == "bad":
                    yield models.Row.model_construct(id=2, name="")  # breaks `minLength`
                yield models.Row(id=2, name="b")
                while mode == "endless":
                    yield models.Row(id=3, name="c")
                    await asyncio.sleep(0.005)
            finally:
                done.set()

        self.generators.append(rows())
        return results.ExportRowsOk(body=self.generators[-1])

    async def put_file(self, *, body: Any) -> Any:
        raise NotImplementedError  # tests/runtime/test_uploads.py serves this one


@pytest.fixture(scope="module")
def producers(streams_service: ModuleType) -> Producers:
    return Producers(streams_service)


@pytest.fixture(scope="module")
def base(streams_service: ModuleType, producers: Producers) -> Iterator[str]:
    settings = streams_service.Settings(stream_heartbeat_seconds=0.05, stream_retry_ms=2500)
    yield from serve(streams_service.create_app(default=producers, settings=settings))


def test_sse_items_arrive_one_by_one_typed_with_ids(streams_client: ModuleType, base: str) -> None:
    async def scenario() -> list[Any]:
        async with streams_client.AsyncClient(base) as api:
            return [event async for event in api.watch_ticks_stream(mode="finite")]

    events = asyncio.run(scenario())
    assert [type(e.data).__name__ for e in events] == ["Tick"] * 3
    assert [(e.data.seq, e.event, e.id, e.retry) for e in events] == [
        (1, "message", "1", None),
        (2, "tock", "b", 1500),  # the envelope's id, event and retry
        (3, "message", "3", None),
    ]


def test_sse_announces_retry_first_and_sends_heartbeats(base: str) -> None:
    lines: list[str] = []
    with (
        httpx.Client(base_url=base, timeout=30) as http,
        http.stream("GET", "/ticks", params={"mode": "quiet"}) as answer,
    ):
        assert answer.headers["content-type"].startswith("text/event-stream")
        assert answer.headers["cache-control"] == "no-store"
        for line in answer.iter_lines():
            lines.append(line)
            if line == ": keep-alive":
                break
    assert lines[:5] == ["retry: 2500", "", "id: 1", 'data: {"seq":0}', ""]
    assert lines[-1] == ": keep-alive"


def test_leaving_an_sse_stream_cancels_the_producer(
    streams_client: ModuleType, base: str, producers: Producers
) -> None:
    async def scenario() -> list[int]:
        seqs: list[int] = []
        async with streams_client.AsyncClient(base) as api:
            async for event in api.watch_ticks_stream(mode="endless"):
                seqs.append(event.data.seq)
                if len(seqs) == 3:
                    break
        return seqs

    assert asyncio.run(scenario()) == [0, 1, 2]
    assert producers._finished("ticks-endless").wait(30), "the producer's finally never ran"


def test_a_bad_sse_item_ends_the_stream_with_an_error_event(
    streams_client: ModuleType, base: str, producers: Producers, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=base, timeout=30) as http:
        text = http.get("/ticks", params={"mode": "bad"}).text
    events = [block for block in text.split("\n\n") if block]
    assert events[:2] == ["retry: 2500", 'id: 1\ndata: {"seq":1}']
    assert len(events) == 3 and events[2].startswith("event: error\ndata: ")
    problem = json.loads(events[2].split("data: ", 1)[1])
    assert problem["status"] == 500 and problem["title"] == "Internal Server Error"
    assert "watchTicks streamed item 2 at /seq" in problem["detail"]
    assert "contract violation, stream ended" in caplog.text
    assert producers._finished("ticks-bad").wait(30)
    assert producers.sent["ticks-bad"] == []  # nothing after the bad item was produced

    received: list[int] = []
    with (
        streams_client.Client(base) as api,
        pytest.raises(streams_client.InvalidResponse) as raised,
    ):
        for event in api.watch_ticks_stream(mode="bad"):
            received.append(event.data.seq)
    assert received == [1]
    assert "the stream ended: The service broke its contract: watchTicks" in str(raised.value)


def test_a_producer_that_fails_ends_the_stream_with_an_error_event(
    base: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=base, timeout=30) as http:
        text = http.get("/ticks", params={"mode": "boom"}).text
    events = [block for block in text.split("\n\n") if block]
    assert events[1] == 'id: 1\ndata: {"seq":1}' and events[2].startswith("event: error\n")
    assert len(events) == 3
    problem = json.loads(events[2].split("data: ", 1)[1])
    assert problem["detail"] == "watchTicks: the stream failed after item 1"
    assert "RuntimeError: the producer broke" in caplog.text  # logged with its traceback


def test_an_event_schema_in_oas_3_2_form_checks_each_whole_event(
    streams_client: ModuleType, base: str
) -> None:
    received: list[tuple[int, str]] = []
    with streams_client.Client(base) as api, pytest.raises(streams_client.InvalidResponse):
        for event in api.watch_events_stream():
            received.append((event.data.seq, event.event))  # the item typed by `contentSchema`
    assert received == [(1, "tick"), (2, "message")]
    with httpx.Client(base_url=base, timeout=30) as http:
        last = http.get("/events").text.strip().split("\n\n")[-1]
    assert last.startswith("event: error\n")
    assert (
        "watchEvents streamed event 3 at /event" in json.loads(last.split("data: ", 1)[1])["detail"]
    )


def test_ndjson_items_arrive_as_models(streams_client: ModuleType, base: str) -> None:
    with streams_client.Client(base) as api:
        rows = list(api.export_rows_stream(mode="finite"))
    assert [(r.id, r.name) for r in rows] == [(1, "a"), (2, "b")]
    assert all(isinstance(r, streams_client.models.Row) for r in rows)


def test_a_bad_ndjson_item_just_ends_the_stream(
    base: str, producers: Producers, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=base, timeout=30) as http:
        answer = http.get("/rows", params={"mode": "bad"})
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert answer.text == '{"id":1,"name":"a"}\n'  # the bad line and all after it are not sent
    assert "exportRows streamed item 2 at /name" in caplog.text
    assert producers._finished("rows-bad").wait(30)


def test_leaving_an_ndjson_stream_cancels_the_producer(
    streams_client: ModuleType, base: str, producers: Producers
) -> None:
    async def scenario() -> int:
        count = 0
        async with streams_client.AsyncClient(base) as api:
            async for _row in api.export_rows_stream(mode="endless"):
                count += 1
                if count == 5:
                    break
        return count

    assert asyncio.run(scenario()) == 5
    assert producers._finished("rows-endless").wait(30), "the producer's finally never ran"
