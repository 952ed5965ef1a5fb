"""An event's declared parameters: typed keywords on the sender, sent and checked by their
schemas; read, validated (400 in the error shape) and handed to the receiver, over 127.0.0.1.

tests/data/contracts/hook_params.yaml: the `invoicePaid` webhook takes a required `X-Tenant`
header (path-item level, a lower-case pattern) and an `attempt` query parameter (integer >= 1),
and documents the `webhook-signature` header the sender writes itself; the `exportDone` callback
takes an `X-Export-Id` header (uuid).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from generator.pipeline import generate_contract

from .conftest import serving

CONTRACT = Path(__file__).parents[1] / "data" / "contracts" / "hook_params.yaml"
SECRET = "a-plain-secret-for-the-parameter-tests"


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("hook_params")
    result = generate_contract(CONTRACT, root / "hook_params_pkg", label=CONTRACT.name)
    assert result.report is not None, result.checked.diagnostics
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("hook_params_pkg")
    finally:
        sys.path.remove(str(root))


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []

    async def invoice_paid(
        self, *, event: Any, x_tenant: str, attempt: int | None, delivery: Any
    ) -> None:
        self.received.append(("invoice_paid", (event.invoice, x_tenant, attempt)))

    async def start_export_export_done(self, *, x_export_id: UUID, delivery: Any) -> None:
        self.received.append(("export_done", x_export_id))


def _settings(pkg: ModuleType, **values: Any) -> Any:
    return pkg.Settings(webhook_allowed_networks=["127.0.0.1/32"], webhook_max_retries=0, **values)


@pytest.fixture()
def receiver(pkg: ModuleType) -> Iterator[tuple[Receiver, str]]:
    impl = Receiver()
    app = pkg.webhooks.create_receiver_app(impl, settings=_settings(pkg, webhook_secrets=[SECRET]))
    with serving(app) as base:
        yield impl, base


def test_the_sender_and_the_receiver_take_the_parameters_as_typed_keywords(
    pkg: ModuleType,
) -> None:
    sender = inspect.signature(pkg.webhooks.WebhookSender.invoice_paid).parameters
    assert str(sender["x_tenant"]) == "x_tenant: 'str'"
    assert str(sender["attempt"]) == "attempt: 'int | None' = None"
    assert sender["x_tenant"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "webhook_signature" not in sender  # the signing header is the sender's own
    protocol = inspect.signature(pkg.webhooks.WebhookReceiver.invoice_paid).parameters
    assert list(protocol) == ["self", "event", "x_tenant", "attempt", "delivery"]
    callback = inspect.signature(pkg.webhooks.StartExportCallbacks.start_export_export_done)
    assert str(callback.parameters["x_export_id"]) == "x_export_id: 'UUID'"


def test_a_webhooks_parameters_are_sent_and_reach_the_handler_typed(
    pkg: ModuleType, receiver: tuple[Receiver, str]
) -> None:
    impl, base = receiver

    async def send(**params: Any) -> Any:
        sender = pkg.webhooks.WebhookSender(_settings(pkg, webhook_signing_secret=SECRET))
        try:
            event = pkg.models.InvoicePaidEvent(invoice="inv-1")
            return await sender.invoice_paid(f"{base}/webhooks/invoice_paid", event, **params)
        finally:
            await sender.aclose()

    first = asyncio.run(send(x_tenant="acme", attempt=2))
    second = asyncio.run(send(x_tenant="acme"))
    assert (first.status, second.status) == (204, 204)
    assert impl.received == [
        ("invoice_paid", ("inv-1", "acme", 2)),
        ("invoice_paid", ("inv-1", "acme", None)),
    ]


def test_a_parameter_the_contract_refuses_is_not_sent(pkg: ModuleType) -> None:
    requests: list[httpx.Request] = []

    async def send() -> Any:
        sender = pkg.webhooks.WebhookSender(
            _settings(pkg, webhook_signing_secret=SECRET),
            transport=httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(204)),
        )
        try:
            event = pkg.models.InvoicePaidEvent(invoice="inv-1")
            return await sender.invoice_paid("http://127.0.0.1:9/h", event, x_tenant="ACME")
        finally:
            await sender.aclose()

    with pytest.raises(pkg.runtime.webhook_send.PayloadRefused, match="X-Tenant"):
        asyncio.run(send())
    assert requests == []


def test_a_callbacks_header_parameter_is_sent(
    pkg: ModuleType, receiver: tuple[Receiver, str]
) -> None:
    impl, base = receiver
    export_id = uuid4()

    class Service:
        async def start_export(self, *, body: Any) -> Any:
            sender = pkg.webhooks.WebhookSender(_settings(pkg, webhook_signing_secret=SECRET))
            try:
                delivery = await sender.start_export().start_export_export_done(
                    x_export_id=export_id
                )
                assert delivery.delivered, delivery
            finally:
                await sender.aclose()
            return pkg.results.StartExportAccepted()

    with serving(pkg.create_app(default=Service())) as service:
        target = f"{base}/webhooks/start_export_export_done"
        answer = httpx.post(f"{service}/exports", json={"callbackUrl": target})
    assert answer.status_code == 202, answer.text
    assert impl.received == [("export_done", export_id)]


def _signed(pkg: ModuleType, body: bytes, msg_id: str, **headers: str) -> dict[str, str]:
    stamp = int(time.time())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": pkg.runtime.webhook_signing.sign(SECRET, msg_id, stamp, body),
        "content-type": "application/json",
        **headers,
    }


def test_wrong_or_missing_parameters_get_400_and_never_reach_the_handler(
    pkg: ModuleType, receiver: tuple[Receiver, str]
) -> None:
    impl, base = receiver
    url = f"{base}/webhooks/invoice_paid"
    body = json.dumps({"invoice": "inv-2"}).encode()
    missing = httpx.post(url, content=body, headers=_signed(pkg, body, "m1"))
    pattern = httpx.post(url, content=body, headers=_signed(pkg, body, "m2", **{"X-Tenant": "A!"}))
    query = httpx.post(
        url + "?attempt=0", content=body, headers=_signed(pkg, body, "m3", **{"X-Tenant": "a"})
    )
    for answer in (missing, pattern, query):
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"] == "The parameters do not match the contract."
    assert "X-Tenant" in json.dumps(missing.json()) and "attempt" in json.dumps(query.json())
    assert impl.received == []
    # the refused id was released: the sender's corrected retry is no replay
    fixed = httpx.post(url, content=body, headers=_signed(pkg, body, "m1", **{"X-Tenant": "a"}))
    assert fixed.status_code == 204
    assert impl.received == [("invoice_paid", ("inv-2", "a", None))]
