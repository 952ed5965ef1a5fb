"""Failures never answer 2xx; limits, probes, shutdown and logs behave as documented."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession

from examples.users.health import Lifecycle
from examples.users.logs import JsonFormatter
from examples.users.outages import StopOnSignal
from examples.users.passwords import Passwords, Verdict

from .backends import scalar
from .service import ADMIN_EMAIL, ADMIN_PASSWORD, API, PASSWORD, Service


def _failing_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    async def commit(self: AsyncSession) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(AsyncSession, "commit", commit)


def test_failed_commit_answers_503_and_stores_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_commit(monkeypatch)
    response = service.client.post(
        f"{API}/users",
        json={"email": "lost@example.com", "password": PASSWORD, "display_name": "L"},
    )
    assert response.status_code == 503  # the database failed, not the request
    assert response.headers["retry-after"] == "5"
    assert "disk" not in response.text and "COMMIT" not in response.text  # no details leak
    assert response.headers["x-request-id"]
    monkeypatch.undo()
    count = scalar(
        service.settings.database_url,
        "SELECT count(*) FROM users WHERE email_key = :e",
        e="lost@example.com",
    )
    assert count == 0


def test_failed_commit_on_update_and_delete_is_never_2xx(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    me, headers = service.user("steady@example.com")
    _failing_commit(monkeypatch)
    url = f"{API}/users/{me['id']}"
    assert (
        service.client.patch(url, headers=headers, json={"display_name": "Changed"}).status_code
        == 503
    )
    assert service.client.delete(url, headers=headers).status_code == 503
    assert service.token_response("steady@example.com").status_code == 503
    monkeypatch.undo()
    assert service.client.get(url, headers=headers).json() == me


def test_password_hashing_holds_no_database_connection(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashing is the slow part of a request: its session's connection goes back to the pool.
    pool = service.app.state.database.engine.pool
    held: list[int] = []
    verify, hash_ = Passwords.verify, Passwords.hash

    async def counted_verify(self: Passwords, password: str, stored: str | None) -> Verdict:
        held.append(pool.checkedout())
        return await verify(self, password, stored)

    async def counted_hash(self: Passwords, password: str) -> str:
        held.append(pool.checkedout())
        return await hash_(self, password)

    monkeypatch.setattr(Passwords, "verify", counted_verify)
    monkeypatch.setattr(Passwords, "hash", counted_hash)
    tokens = service.tokens(ADMIN_EMAIL, ADMIN_PASSWORD)
    change = service.client.post(
        f"{API}/users/me/password",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        json={"current_password": ADMIN_PASSWORD, "new_password": "another secret 24680"},
    )
    assert change.status_code == 204
    service.register("hasher@example.com")
    assert held == [0, 0, 0, 0]  # sign-in, current and new password, registration


def test_body_limit_is_16_kib(service: Service) -> None:
    big = {"email": "big@example.com", "password": PASSWORD, "display_name": "x" * 17_000}
    response = service.client.post(f"{API}/users", json=big)
    assert response.status_code == 413


def test_wrong_media_type_is_415(service: Service) -> None:
    response = service.client.post(
        f"{API}/users", content=b"email=a@example.com", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_probes(service: Service) -> None:
    live = service.client.get(f"{API}/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = service.client.get(f"{API}/health/ready")
    assert ready.status_code == 200 and ready.json() == {
        "status": "ok",
        "checks": {"database": "ok"},
    }


def test_readiness_reports_a_database_outage(
    start: Callable[..., Service], tmp_path: object
) -> None:
    service = start(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        admin_email=None,
        admin_password=None,
    )
    ready = service.client.get(f"{API}/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert service.client.get(f"{API}/health/live").status_code == 200  # liveness ignores it


def test_a_database_outage_answers_503_with_retry_after(start: Callable[..., Service]) -> None:
    service = start(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        admin_email=None,
        admin_password=None,
    )
    for response in (
        service.token_response("anyone@example.com"),
        service.client.post(
            f"{API}/users",
            json={"email": "new@example.com", "password": PASSWORD, "display_name": "N"},
        ),
    ):
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 503 and response.json()["request_id"]
        assert "nobody" not in response.text and "Refused" not in response.text


def test_an_exhausted_pool_answers_503(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    async def exhausted(self: AsyncSession, *args: object, **kwargs: object) -> None:
        raise PoolTimeoutError("QueuePool limit of size 10 overflow 10 reached")

    monkeypatch.setattr(AsyncSession, "execute", exhausted)
    response = service.token_response("anyone@example.com")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"


def test_a_bug_in_a_query_stays_a_500(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(self: AsyncSession, *args: object, **kwargs: object) -> None:
        raise ProgrammingError("SELECT", {}, Exception("syntax error"))

    monkeypatch.setattr(AsyncSession, "execute", broken)
    assert service.token_response("anyone@example.com").status_code == 500


def test_readiness_with_redis_down_is_ready_and_says_so(start: Callable[..., Service]) -> None:
    # The limiter fails open without Redis, so the service still serves: degraded, not down.
    service = start(redis_url="redis://127.0.0.1:1/0")
    ready = service.client.get(f"{API}/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "unavailable"},
    }


def test_sigterm_flags_stopping_at_once_and_hands_over_after_the_delay() -> None:
    forwarded: list[int] = []

    async def scenario() -> None:
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: forwarded.append(signum))
        lifecycle = Lifecycle()
        stop = StopOnSignal(lifecycle, delay=600)
        try:
            stop.install()
            signal.raise_signal(signal.SIGTERM)
            await asyncio.sleep(0)
            assert lifecycle.stopping and forwarded == []  # liveness says 503; still serving
            signal.raise_signal(signal.SIGTERM)  # asked again: stop now
            assert forwarded == [signal.SIGTERM]
        finally:
            stop.uninstall()
            signal.signal(signal.SIGTERM, previous)

    asyncio.run(scenario())


def test_liveness_is_503_once_stopping(service: Service) -> None:
    service.app.state.lifecycle.stopping = True
    live = service.client.get(f"{API}/health/live")
    assert live.status_code == 503 and live.json() == {"status": "unavailable"}
    assert service.client.get(f"{API}/health/ready").status_code == 503


def test_shutdown_disposes_the_engine_and_flags_liveness(start: Callable[..., Service]) -> None:
    service = start()
    service.client.__exit__(None, None, None)  # runs the lifespan's shutdown
    assert service.app.state.lifecycle.stopping is True
    assert service.app.state.database.engine.pool.checkedout() == 0


def test_security_headers_request_id_and_cors(start: Callable[..., Service]) -> None:
    service = start(cors_origins=["https://app.example.com"])
    response = service.client.get(
        f"{API}/health/live",
        headers={"Origin": "https://app.example.com", "X-Request-Id": "req-123"},
    )
    assert response.headers["x-request-id"] == "req-123"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    other = service.client.get(f"{API}/health/live", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_logs_are_json_with_request_id_and_no_secrets(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = service.tokens("root@example.com", "root password 1234")
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "X-Request-Id": "trace-42"}
    service.client.post(
        f"{API}/users/me/password",
        headers=headers,
        json={"current_password": "root password 1234", "new_password": "rotated secret 98765"},
    )
    service.client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    logging.getLogger("examples.users").warning("probe")
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    text = json.dumps(lines)
    for secret in (
        "root password 1234",
        "rotated secret 98765",
        tokens["access_token"],
        tokens["refresh_token"],
    ):
        assert secret not in text
    access = [line for line in lines if line["logger"] == "examples.users.access"]
    assert any(line.get("request_id") == "trace-42" and line["status"] == 204 for line in access)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
