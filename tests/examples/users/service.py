"""A users service under test: the app in a TestClient, plus the calls most tests need."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import httpx
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from examples.users.app import build_app
from examples.users.passwords import Passwords
from examples.users.ratelimit import RateLimiter
from examples.users.settings import ServiceSettings

SECRET = "test-secret-for-the-users-service-0123456789"
ADMIN_EMAIL = "root@example.com"
ADMIN_PASSWORD = "root password 1234"
PASSWORD = "correct horse battery staple"
API = "/api/v1"


def fast_passwords() -> Passwords:
    """Argon2id with test-only costs: the same code path, milliseconds instead of ~0.4 s."""
    hasher = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
    return Passwords(PasswordHash((hasher,)), concurrency=4)


def settings_for(url: str, **overrides: Any) -> ServiceSettings:
    """Settings for one test: its database, generous limits, a bootstrap admin."""
    values: dict[str, Any] = {
        "jwt_secret": SECRET,
        "database_url": url,
        "redis_url": None,
        "rate_limit_per_address": 10_000,
        "rate_limit_per_account": 10_000,
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "log_level": "INFO",
        "cors_origins": [],
    }
    return ServiceSettings(**(values | overrides))


class Service:
    """A running service; `client` is an entered TestClient (lifespan has run).

    The limiter is in memory unless the settings name a Redis URL.
    """

    def __init__(
        self, settings: ServiceSettings, stack: ExitStack, limiter: RateLimiter | None = None
    ) -> None:
        self.settings = settings
        self.app = build_app(settings, passwords=fast_passwords(), limiter=limiter)
        self.client = stack.enter_context(TestClient(self.app, raise_server_exceptions=False))

    def register(
        self, email: str, password: str = PASSWORD, display_name: str = "Test User"
    ) -> dict[str, Any]:
        """Register an account and return it (asserting 201)."""
        response = self.client.post(
            f"{API}/users",
            json={"email": email, "password": password, "display_name": display_name},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def token_response(
        self, email: str, password: str = PASSWORD, scope: str | None = None
    ) -> httpx.Response:
        """POST /auth/token with the password grant."""
        form = {"grant_type": "password", "username": email, "password": password}
        if scope is not None:
            form["scope"] = scope
        response: httpx.Response = self.client.post(f"{API}/auth/token", data=form)
        return response

    def tokens(
        self, email: str, password: str = PASSWORD, scope: str | None = None
    ) -> dict[str, Any]:
        """A token pair (asserting 200)."""
        response = self.token_response(email, password, scope)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        """Authorization headers for an account."""
        return {"Authorization": f"Bearer {self.tokens(email, password)['access_token']}"}

    def admin(self) -> dict[str, str]:
        """Authorization headers for the bootstrap admin."""
        return self.login(ADMIN_EMAIL, ADMIN_PASSWORD)

    def user(self, email: str) -> tuple[dict[str, Any], dict[str, str]]:
        """Register `email` and sign in: (account, headers)."""
        account = self.register(email)
        return account, self.login(email)
