"""The SSRF guard with a stub resolver: every refused class, before any connection is made."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import ModuleType

import httpx
import pytest

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.10.10", "link-local"),
    ("fe80::1", "link-local"),
    ("fc00::1", "unique-local"),
    ("fd12:3456::1", "unique-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"),
    ("100.64.0.1", "not a public"),
]


def stub(answers: dict[str, Sequence[str]], asked: list[str]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    return resolve


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_a_host_resolving_to_a_refused_address_is_refused(
    hooks: ModuleType, address: str, why: str
) -> None:
    guard_module = hooks.runtime.webhook_guard
    asked: list[str] = []
    guard = guard_module.Guard(resolver=stub({"hooks.example.test": [address]}, asked))
    with pytest.raises(guard_module.RefusedTarget, match=why):
        asyncio.run(guard.vet("https://hooks.example.test/in"))
    assert asked == ["hooks.example.test"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://2130706433/",  # 127.0.0.1 in decimal
        "http://0177.0.0.1/",  # octal
        "http://0x7f.0.0.1/",  # hex
        "http://0x7f000001/",
        "http://127.1/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
    ],
)
def test_literal_addresses_in_any_form_are_refused_without_resolving(
    hooks: ModuleType, url: str
) -> None:
    guard_module = hooks.runtime.webhook_guard
    asked: list[str] = []
    guard = guard_module.Guard(resolver=stub({}, asked))
    with pytest.raises(guard_module.RefusedTarget):
        asyncio.run(guard.vet(url))
    assert asked == []


def test_one_refused_answer_among_public_ones_refuses_the_host(hooks: ModuleType) -> None:
    guard_module = hooks.runtime.webhook_guard
    guard = guard_module.Guard(resolver=stub({"mixed.test": ["93.184.215.14", "10.0.0.1"]}, []))
    with pytest.raises(guard_module.RefusedTarget, match="private"):
        asyncio.run(guard.vet("https://mixed.test/"))


@pytest.mark.parametrize("url", ["ftp://example.test/", "file:///etc/passwd", "http:///x", "::"])
def test_only_http_urls_with_a_host(hooks: ModuleType, url: str) -> None:
    guard_module = hooks.runtime.webhook_guard
    with pytest.raises(guard_module.RefusedTarget):
        asyncio.run(guard_module.Guard(resolver=stub({}, [])).vet(url))


def test_an_unresolvable_host_is_refused(hooks: ModuleType) -> None:
    guard_module = hooks.runtime.webhook_guard
    with pytest.raises(guard_module.RefusedTarget, match="does not resolve"):
        asyncio.run(guard_module.Guard(resolver=stub({}, [])).vet("https://nowhere.test/"))


def test_the_allow_list_lets_a_network_through(hooks: ModuleType) -> None:
    guard_module = hooks.runtime.webhook_guard
    guard = guard_module.Guard(["10.0.0.0/8"], stub({"internal.test": ["10.2.3.4"]}, []))
    target = asyncio.run(guard.vet("https://internal.test:8443/in?x=1"))
    assert str(target.url) == "https://10.2.3.4:8443/in?x=1"
    assert (target.host_header, target.server_name) == ("internal.test:8443", "internal.test")
    with pytest.raises(guard_module.RefusedTarget):
        asyncio.run(guard.vet("http://192.168.0.1/"))


def test_the_sender_connects_to_the_vetted_address_with_the_original_host(
    hooks: ModuleType,
) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    settings = hooks.Settings(webhook_signing_secret="s3cret")
    resolver = stub({"hooks.example.test": ["93.184.215.14"]}, [])

    async def send() -> None:
        sender = hooks.webhooks.WebhookSender(
            settings, resolver=resolver, transport=httpx.MockTransport(answer)
        )
        try:
            await sender.order_shipped(
                "https://hooks.example.test/in", hooks.models.Order(id="o", items=1)
            )
        finally:
            await sender.aclose()

    asyncio.run(send())
    [request] = seen
    assert request.url.host == "93.184.215.14"
    assert request.headers["host"] == "hooks.example.test"
    assert request.extensions["sni_hostname"] == "hooks.example.test"
