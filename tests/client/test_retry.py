"""Retries: 429 and 503 are sent again, honouring `Retry-After` (seconds or an HTTP date), capped.

The client's `sleep` is replaced by one that records the wait: nothing here waits or times.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import ModuleType

import pytest

from .stub import Answer, Stub

OK = Answer(200, b'{"ok": true}')


def _client(things: ModuleType, stub: Stub, **options: object) -> tuple[object, list[float]]:
    waits: list[float] = []
    client = things.Client(stub.base, credentials=things.Credentials(cookie_key="c"), **options)
    client.transport.sleep = waits.append
    return client, waits


def test_503_then_200_waits_as_retry_after_says(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(503, headers=(("Retry-After", "2"),)), OK)
    client, waits = _client(things, stub)
    result = client.ping()  # type: ignore[attr-defined]
    assert isinstance(result, things.results.PingOk)
    assert waits == [2.0]
    assert len(stub.seen) == 2
    assert stub.seen[1].headers["cookie"] == "sid=c"  # the retry carries the credentials


def test_retry_after_as_an_http_date(things: ModuleType, stub: Stub) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    stub.queue(Answer(429, headers=(("Retry-After", later),)), OK)
    client, waits = _client(things, stub)
    client.ping()  # type: ignore[attr-defined]
    assert len(waits) == 1 and 20 < waits[0] <= 30  # the date, read against the clock


def test_long_retry_after_is_capped(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(503, headers=(("Retry-After", "86400"),)), OK)
    client, waits = _client(things, stub, retry=things.Retry(cap=5.0))
    client.ping()  # type: ignore[attr-defined]
    assert waits == [5.0]


def test_without_retry_after_full_jitter_backs_off(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(503), Answer(503), Answer(503), Answer(503))
    client, waits = _client(things, stub, retry=things.Retry(attempts=3, base=1.0, cap=3.0))
    client.transport.rng = random.Random(7)  # type: ignore[attr-defined]
    result = client.ping()  # type: ignore[attr-defined]
    assert isinstance(result, things.results.PingServiceUnavailable)  # the last answer, typed
    assert len(stub.seen) == 4
    bounds = [1.0, 2.0, 3.0]  # base * 2**n, capped
    assert len(waits) == 3 and all(0 <= w <= b for w, b in zip(waits, bounds, strict=True))
    expected = random.Random(7)
    assert waits == [expected.uniform(0, b) for b in bounds]


def test_no_retry_policy_sends_once(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(503, headers=(("Retry-After", "1"),)), OK)
    client, waits = _client(things, stub, retry=things.NO_RETRY)
    assert isinstance(client.ping(), things.results.PingServiceUnavailable)  # type: ignore[attr-defined]
    assert waits == [] and len(stub.seen) == 1


def test_the_async_client_retries_too(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(429, headers=(("Retry-After", "1"),)), OK)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> object:
        async with things.AsyncClient(stub.base) as client:
            client.transport.sleep = record
            return await client.ping()

    assert isinstance(asyncio.run(scenario()), things.results.PingOk)
    assert waits == [1.0]


@pytest.mark.parametrize("status", [500, 502, 404])
def test_other_statuses_are_not_retried(things: ModuleType, stub: Stub, status: int) -> None:
    stub.queue(Answer(status), OK)
    client, waits = _client(things, stub)
    with pytest.raises(things.UnexpectedStatus):
        client.ping()  # type: ignore[attr-defined]
    assert waits == [] and len(stub.seen) == 1
