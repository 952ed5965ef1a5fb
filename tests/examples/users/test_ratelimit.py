"""Rate limits on the credential endpoints: 429 with Retry-After, per account and per address."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import _TestClientTransport

from examples.users.ratelimit import MemoryRateLimiter, RedisRateLimiter

from .service import API, PASSWORD, Service

REDIS_URL = "redis://127.0.0.1:6379/15"


def _assert_429(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    return retry_after


def test_token_endpoint_limits_one_account(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_account=3)
    service.register("target@example.com")
    for _ in range(3):
        assert service.token_response("target@example.com", "guess").status_code == 400
    _assert_429(service.token_response("target@example.com", "guess"))
    _assert_429(service.token_response("TARGET@example.com"))  # even the right password now
    # Other accounts from the same address are not affected by this account's limit.
    service.register("bystander@example.com")
    assert service.token_response("bystander@example.com").status_code == 200


def _from(service: Service, address: str) -> Service:
    """The service's client, now connecting from `address`.

    The TestClient's transport is the one place its peer address lives; a second TestClient
    would run a second event loop, which the database pool's connections cannot cross.
    """
    transport = service.client._transport
    assert isinstance(transport, _TestClientTransport)
    transport.client = (address, 40000)
    return service


def _sign_in(service: Service, email: str, password: str = PASSWORD) -> int:
    return service.token_response(email, password).status_code


def test_successful_sign_ins_cost_no_budget(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_account=2, rate_limit_per_address=2)
    service.register("regular@example.com")
    for _ in range(6):
        assert service.token_response("regular@example.com").status_code == 200
    assert service.token_response("regular@example.com", "typo").status_code == 400


def test_a_stranger_guessing_cannot_lock_the_owner_out(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_account=3)
    service.register("owner@example.com")
    attacker = _from(service, "203.0.113.66")
    for _ in range(3):
        assert _sign_in(attacker, "owner@example.com", "guess") == 400
    assert _sign_in(attacker, "owner@example.com", "guess") == 429
    assert _sign_in(attacker, "owner@example.com") == 429  # this address stays blocked
    assert _sign_in(attacker, "someone@example.com", "guess") == 400  # for this account only
    # ...while the owner, elsewhere, signs in.
    assert _sign_in(_from(service, "198.51.100.7"), "owner@example.com") == 200


def test_a_success_clears_the_failures_of_that_address(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_account=3)
    service.register("forgetful@example.com")
    for _ in range(2):
        assert service.token_response("forgetful@example.com", "typo").status_code == 400
    assert service.token_response("forgetful@example.com").status_code == 200
    for _ in range(3):
        assert service.token_response("forgetful@example.com", "typo").status_code == 400
    _assert_429(service.token_response("forgetful@example.com", "typo"))


def test_credential_endpoints_limit_one_address(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_address=4)
    for i in range(4):
        assert service.token_response(f"nobody{i}@example.com").status_code == 400
    _assert_429(service.token_response("someone-else@example.com"))
    # Limits are per endpoint: registration from this address still works...
    account = service.register("fresh@example.com")
    # ...and operations that are not rate limited never answer 429.
    for _ in range(6):
        assert service.client.get(f"{API}/health/live").status_code == 200
    assert account["email"] == "fresh@example.com"


def test_registration_and_password_change_are_limited(start: Callable[..., Service]) -> None:
    service = start(rate_limit_per_account=2)
    _, headers = service.user("limited@example.com")
    body = {"current_password": "wrong", "new_password": "a long new passphrase"}
    for _ in range(2):
        assert (
            service.client.post(f"{API}/users/me/password", headers=headers, json=body).status_code
            == 403
        )
    _assert_429(service.client.post(f"{API}/users/me/password", headers=headers, json=body))
    again = {"email": "limited@example.com", "password": PASSWORD, "display_name": "L"}
    assert service.client.post(f"{API}/users", json=again).status_code == 409  # 2nd try
    _assert_429(service.client.post(f"{API}/users", json=again))


def test_sign_in_failures_are_limited_per_address_across_accounts(
    start: Callable[..., Service],
) -> None:
    service = start(rate_limit_per_address=3)
    stuffer = _from(service, "192.0.2.1")
    for i in range(3):
        assert _sign_in(stuffer, f"victim{i}@example.com", "leaked") == 400
    assert _sign_in(stuffer, "victim9@example.com", "leaked") == 429
    service.register("elsewhere@example.com")
    assert _sign_in(_from(service, "192.0.2.2"), "elsewhere@example.com") == 200


def test_limit_holds_across_workers_with_redis(start: Callable[..., Service]) -> None:
    """Two app instances (two workers) sharing Redis enforce one per-account limit."""
    prefix = f"limit-{uuid.uuid4().hex[:8]}"
    first = start(redis_url=REDIS_URL, rate_limit_per_account=2)
    if first.client.get(f"{API}/health/ready").json()["checks"].get("redis") != "ok":
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    second = start(redis_url=REDIS_URL, rate_limit_per_account=2)
    email = f"{prefix}@example.com"
    assert first.token_response(email).status_code == 400
    assert second.token_response(email).status_code == 400
    _assert_429(first.token_response(email))
    _assert_429(second.token_response(email))


def test_memory_window_resets() -> None:
    async def scenario() -> None:
        limiter = MemoryRateLimiter(window_seconds=1)
        assert (await limiter.hit("k", 1)).allowed
        refused = await limiter.hit("k", 1)
        assert not refused.allowed and refused.retry_after == 1
        await asyncio.sleep(1.05)
        assert (await limiter.hit("k", 1)).allowed

    asyncio.run(scenario())


def test_redis_limiter_is_shared_between_instances() -> None:
    """Two limiters (two workers) on one Redis see the same counts."""

    async def scenario() -> None:
        first = RedisRateLimiter(REDIS_URL, window_seconds=30)
        if not await first.ping():
            await first.close()
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        second = RedisRateLimiter(REDIS_URL, window_seconds=30)
        key = f"test:{uuid.uuid4()}"
        try:
            assert (await first.hit(key, 2)).allowed
            assert (await second.peek(key, 2)).allowed  # one more would still be allowed
            assert (await second.hit(key, 2)).allowed
            assert not (await second.peek(key, 2)).allowed
            refused = await first.hit(key, 2)
            assert not refused.allowed and 1 <= refused.retry_after <= 30
            assert not (await second.hit(key, 2)).allowed
            await second.clear(key)
            assert (await first.peek(key, 2)).allowed
        finally:
            await first.client.delete(first.prefix + key)
            await first.close()
            await second.close()

    asyncio.run(scenario())


def test_redis_outage_fails_open() -> None:
    async def scenario() -> None:
        limiter = RedisRateLimiter("redis://127.0.0.1:1/0", window_seconds=30)
        try:
            assert (await limiter.hit("k", 0)).allowed
            assert not await limiter.ping()
        finally:
            await limiter.close()

    asyncio.run(scenario())
