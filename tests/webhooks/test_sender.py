"""The sender's retries: backoff with jitter, the same id, fresh signatures, a hook without secrets."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import httpx

SECRET = "whsec_c2VjcmV0LWtleS1mb3ItdGhlLXRlc3Rz"


async def _public(host: str, port: int) -> Sequence[str]:
    return ["93.184.215.14"]


def _sender(hooks: ModuleType, answers: list[Any], seen: list[httpx.Request], **kw: Any) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        outcome = answers.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    send = hooks.runtime.webhook_send
    retry = hooks.runtime.retry.Retry(attempts=3, base=1.0, cap=8.0, statuses=send.RETRY_STATUSES)
    return send.Sender(
        secret=hooks.Settings(webhook_signing_secret=SECRET).webhook_signing_secret,
        guard=hooks.runtime.webhook_guard.Guard(resolver=_public),
        transport=httpx.MockTransport(answer),
        retry=retry,
        rng=random.Random(7),
        **kw,
    )


def test_failures_are_retried_with_backoff_and_the_same_id(hooks: ModuleType) -> None:
    seen: list[httpx.Request] = []
    waits: list[float] = []
    attempts: list[Any] = []
    stamps = iter([1000.0, 1001.0, 1003.0, 1007.0])

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    answers: list[Any] = [
        httpx.ConnectError("refused"),
        httpx.Response(503),
        httpx.Response(429, headers={"retry-after": "2"}),
        httpx.Response(204),
    ]
    sender = _sender(
        hooks, answers, seen, sleep=sleep, hook=attempts.append, clock=lambda: next(stamps)
    )
    spec = hooks.webhooks.EVENTS["order_shipped"]

    async def run() -> Any:
        try:
            return await sender.send(
                "https://hooks.test/in", spec, hooks.models.Order(id="o", items=2)
            )
        finally:
            await sender.aclose()

    delivery = asyncio.run(run())
    assert delivery.delivered and delivery.attempts == 4 and delivery.status == 204
    assert len({r.headers["webhook-id"] for r in seen}) == 1
    assert [r.headers["webhook-timestamp"] for r in seen] == ["1000", "1001", "1003", "1007"]
    assert len({r.headers["webhook-signature"] for r in seen}) == 4
    signing = hooks.runtime.webhook_signing
    for request in seen:
        stamp = int(request.headers["webhook-timestamp"])
        assert signing.signature_matches(
            [SECRET],
            request.headers["webhook-id"],
            stamp,
            request.content,
            request.headers["webhook-signature"],
        )
    assert 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0 and waits[2] == 2.0  # Retry-After
    assert [a.status for a in attempts] == [None, 503, 429, 204]
    assert "ConnectError" in (attempts[0].error or "")
    assert all(SECRET not in repr(a) and "webhook-signature" not in repr(a) for a in attempts)


def test_a_client_error_is_not_retried_and_retries_end(hooks: ModuleType) -> None:
    spec = hooks.webhooks.EVENTS["order_shipped"]
    order = hooks.models.Order(id="o", items=2)

    async def nap(seconds: float) -> None:
        return None

    async def run(answers: list[Any]) -> tuple[Any, int]:
        seen: list[httpx.Request] = []
        sender = _sender(hooks, answers, seen, sleep=nap)
        try:
            return await sender.send("https://hooks.test/in", spec, order), len(seen)
        finally:
            await sender.aclose()

    gone, tries = asyncio.run(run([httpx.Response(410)]))
    assert (gone.delivered, gone.status, tries) == (False, 410, 1)
    failing, tries = asyncio.run(run([httpx.Response(500) for _ in range(4)]))
    assert (failing.delivered, failing.status, tries) == (False, 500, 4)


def test_a_redirect_is_not_followed(hooks: ModuleType) -> None:
    seen: list[httpx.Request] = []
    sender = _sender(hooks, [httpx.Response(302, headers={"location": "http://127.0.0.1/"})], seen)
    spec = hooks.webhooks.EVENTS["order_shipped"]

    async def run() -> Any:
        try:
            return await sender.send(
                "https://hooks.test/in", spec, hooks.models.Order(id="o", items=2)
            )
        finally:
            await sender.aclose()

    delivery = asyncio.run(run())
    assert not delivery.delivered and len(seen) == 1


def test_the_replay_store_forgets_after_the_ttl_and_stays_bounded(hooks: ModuleType) -> None:
    now = [0.0]
    store = hooks.runtime.webhook_receive.MemoryReplayStore(capacity=2, clock=lambda: now[0])

    async def run() -> list[bool]:
        seen = [await store.claim("a", 10), await store.claim("a", 10)]
        now[0] = 11.0
        seen.append(await store.claim("a", 10))  # expired: new again
        seen += [await store.claim("b", 10), await store.claim("c", 10)]
        seen.append(await store.claim("a", 10))  # evicted beyond the capacity of 2
        await store.release("c")
        seen.append(await store.claim("c", 10))
        return seen

    assert asyncio.run(run()) == [True, False, True, True, True, True, True]
