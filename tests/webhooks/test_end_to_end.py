"""One generated app sends webhooks and callbacks to another's receiver, over 127.0.0.1.

The service (`create_app`) sends a callback from its handler to the URL its request named;
the test sends a webhook with `WebhookSender`; both reach the receiver app
(`create_receiver_app`) as typed events. Tampered, expired and replayed deliveries are
refused before the handler, and a target the allow-list does not cover is refused before any
connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from types import ModuleType
from typing import Any

import httpx
import pytest

from .conftest import serving

SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGhlLXRlc3Rz"  # base64 of "secret-key-for-the-tests"
LOOPBACK = ["127.0.0.1/32"]


class Receiver:
    """A subscriber's hand-written receiver: it records what it is handed."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any, str]] = []

    async def order_shipped(self, *, event: Any, delivery: Any) -> None:
        self.received.append(("order_shipped", event, delivery.message_id))

    async def subscribe_status_changed(self, *, event: Any, delivery: Any) -> None:
        self.received.append(("subscribe_status_changed", event, delivery.message_id))


def _settings(hooks: ModuleType, **values: Any) -> Any:
    return hooks.Settings(webhook_allowed_networks=LOOPBACK, webhook_max_retries=0, **values)


@pytest.fixture()
def receiver(hooks: ModuleType) -> Any:
    impl = Receiver()
    app = hooks.webhooks.create_receiver_app(
        impl, settings=_settings(hooks, webhook_secrets=[SECRET])
    )
    with serving(app) as base:
        yield impl, base


def test_a_webhook_reaches_the_receiver_as_a_typed_event(hooks: ModuleType, receiver: Any) -> None:
    impl, base = receiver
    attempts: list[Any] = []

    async def send() -> Any:
        sender = hooks.webhooks.WebhookSender(
            _settings(hooks, webhook_signing_secret=SECRET), hook=attempts.append
        )
        try:
            order = hooks.models.Order(id="o-1", items=3)
            return await sender.order_shipped(f"{base}/webhooks/order_shipped", order)
        finally:
            await sender.aclose()

    delivery = asyncio.run(send())
    assert delivery.delivered and delivery.status == 204 and delivery.attempts == 1
    [(name, event, message_id)] = impl.received
    assert name == "order_shipped" and message_id == delivery.message_id
    assert isinstance(event, hooks.models.Order) and event.items == 3
    assert [a.status for a in attempts] == [204]
    assert SECRET not in repr(attempts)


def test_a_handler_sends_its_callback_to_the_url_the_request_named(
    hooks: ModuleType, receiver: Any
) -> None:
    impl, base = receiver
    sent: list[Any] = []

    class Service:
        async def subscribe(self, *, body: Any) -> Any:
            sender = hooks.webhooks.WebhookSender(_settings(hooks, webhook_signing_secret=SECRET))
            try:
                callbacks = sender.subscribe()
                status = hooks.models.SubscribeStatusChangedEvent(topic=body.topic, status="active")
                sent.append(await callbacks.subscribe_status_changed(status))
            finally:
                await sender.aclose()
            return hooks.results.SubscribeCreated(
                body=hooks.models.SubscribeCreatedResponse(id="s-1")
            )

    app = hooks.create_app(default=Service())
    with serving(app) as service:
        target = f"{base}/webhooks/subscribe_status_changed"
        response = httpx.post(
            f"{service}/subscriptions", json={"callbackUrl": target, "topic": "books"}
        )
    assert response.status_code == 201, response.text
    assert sent[0].delivered and sent[0].url == target + "/status"
    [(name, event, _)] = impl.received
    assert name == "subscribe_status_changed" and event.topic == "books"


def _signed(hooks: ModuleType, body: bytes, msg_id: str, stamp: int) -> dict[str, str]:
    signing = hooks.runtime.webhook_signing
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signing.sign(SECRET, msg_id, stamp, body),
        "content-type": "application/json",
    }


def test_tampered_expired_and_replayed_deliveries_never_reach_the_handler(
    hooks: ModuleType, receiver: Any
) -> None:
    impl, base = receiver
    url = f"{base}/webhooks/order_shipped"
    body = json.dumps({"id": "o-2", "items": 1}).encode()
    now = int(time.time())
    headers = _signed(hooks, body, "msg_tampered", now)
    tampered = httpx.post(url, content=body.replace(b"1", b"9"), headers=headers)
    unsigned = httpx.post(url, content=body, headers={"content-type": "application/json"})
    expired = httpx.post(url, content=body, headers=_signed(hooks, body, "msg_old", now - 3600))
    first = httpx.post(url, content=body, headers=_signed(hooks, body, "msg_once", now))
    replayed = httpx.post(url, content=body, headers=_signed(hooks, body, "msg_once", now))
    invalid_body = json.dumps({"id": "o-3", "items": 0}).encode()
    invalid = httpx.post(url, content=invalid_body, headers=_signed(hooks, invalid_body, "m3", now))
    assert (tampered.status_code, unsigned.status_code) == (401, 401)
    assert tampered.headers["content-type"] == "application/problem+json"
    assert expired.status_code == 400 and "tolerance" in expired.json()["detail"]
    assert first.status_code == 204
    assert replayed.status_code == 400 and "replay" in replayed.json()["detail"]
    assert invalid.status_code == 400 and invalid.json()["errors"]
    assert [m for _, _, m in impl.received] == ["msg_once"]


def test_an_unhandled_event_answers_501(hooks: ModuleType) -> None:
    app = hooks.webhooks.create_receiver_app(
        None, settings=_settings(hooks, webhook_secrets=[SECRET])
    )
    body = b'{"id": "o", "items": 1}'
    with serving(app) as base:
        answer = httpx.post(
            f"{base}/webhooks/order_shipped",
            content=body,
            headers=_signed(hooks, body, "m", int(time.time())),
        )
    assert answer.status_code == 501
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_loopback_target_is_refused_before_any_connection_without_the_allow_list(
    hooks: ModuleType,
) -> None:
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(204))
    settings = hooks.Settings(webhook_signing_secret=SECRET)

    async def send() -> None:
        sender = hooks.webhooks.WebhookSender(settings, transport=transport)
        order = hooks.models.Order(id="o", items=1)
        try:
            with pytest.raises(hooks.runtime.webhook_guard.RefusedTarget, match="loopback"):
                await sender.order_shipped("http://127.0.0.1:9/hook", order)
            with pytest.raises(hooks.runtime.webhook_send.PayloadRefused, match="items"):
                await sender.order_shipped(
                    "https://example.test/hook", hooks.models.Order.model_construct(id="o", items=0)
                )
        finally:
            await sender.aclose()

    asyncio.run(send())
    assert requests == []
