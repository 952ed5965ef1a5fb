"""The showcase service under test: the app in a TestClient, credentials, and common calls."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from examples.showcase.app import create_app
from examples.showcase.seed import SAMPLE_MEMBER_ID
from examples.showcase.settings import ShowcaseSettings
from examples.showcase.store import Store
from generated.showcase.runtime.auth import hash_api_key
from generated.showcase.runtime.tokens import mint_token
from generator.devtoken import mint

from .contract import assert_conforms

API = "/showcase/v2"
SECRET = "showcase-test-secret-0123456789abcdef"
PARTNER_KEY = "acme-partner-key-0123456789"
OTHER_PARTNER_KEY = "globex-partner-key-9876543210"
GRACE_SESSION = "grace-browser-session-0123456789"  # the sample member's website session
OPERATOR, OPERATOR_PASSWORD = "operator", "op3rator-password"
# Argon2id with test-only costs: the same code path, milliseconds instead of ~0.15 s a hash.
FAST_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
OPERATOR_HASH = FAST_HASH.hash(OPERATOR_PASSWORD)
BOOK: dict[str, Any] = {
    "title": "Notes on the Analytical Engine",
    "subtitle": None,
    "authors": ["Ada Lovelace"],
    "isbn": "9780000000002",
    "class": "510.92",
    "format": "hardcover",
    "edition": 1,
    "language": "en",
    "genres": ["science", "history"],
    "tags": ["classic"],
    "published_on": "1843-09-01",
    "replacement_cost": 24.5,
    "homepage": "https://example.org/notes",
    "copies_by_branch": {"CEN": 2, "NTH": 1},
}


def settings(**overrides: Any) -> ShowcaseSettings:
    """Settings for one test: a JWT secret, two partner keys, one operator, fast imports."""
    values: dict[str, Any] = {
        "jwt_secret": SECRET,
        "jwt_algorithms": ["HS256"],
        "api_key_hashes": {
            "acme": hash_api_key(PARTNER_KEY),
            "globex": hash_api_key(OTHER_PARTNER_KEY),
            # A session's subject is the member's id (see examples.showcase.access).
            str(SAMPLE_MEMBER_ID): hash_api_key(GRACE_SESSION),
        },
        "basic_users": {OPERATOR: OPERATOR_HASH},
        "import_queue_seconds": 0,
        "import_run_seconds": 0,
    }
    return ShowcaseSettings(**(values | overrides))


def bearer(
    subject: str, scopes: Sequence[str] = (), claims: dict[str, Any] | None = None
) -> dict[str, str]:
    """`Authorization` with a token minted like the identity provider's (extra `claims` too)."""
    if claims:
        token = mint_token(subject, scopes, secret=SECRET.encode(), extra=claims)
    else:
        token = mint(subject, list(scopes), secret=SECRET)
    return {"Authorization": f"Bearer {token}"}


def basic(username: str, password: str) -> dict[str, str]:
    """`Authorization: Basic ...`."""
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


STAFF = bearer("staff-1")
WRITER = bearer("staff-2", ["catalog:write"])
PARTNER = {"X-API-Key": PARTNER_KEY}
OPERATOR_HEADERS = {**PARTNER, **basic(OPERATOR, OPERATOR_PASSWORD)}


def member_token(member_id: str) -> dict[str, str]:
    """An OpenID Connect token of a registered member."""
    return bearer(member_id, ["openid", "profile", "email"])


def session(key: str = GRACE_SESSION) -> dict[str, str]:
    """The `session` cookie, as a header (httpx deprecates per-request cookies)."""
    return {"Cookie": f"session={key}"}


class Clock:
    """A clock tests move by hand: `clock.now += timedelta(days=1)`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Library:
    """A fresh service (the sample data, or `store`); `call` checks responses against the contract."""

    def __init__(self, *, store: Store | None = None, **overrides: Any) -> None:
        self.app = create_app(settings(**overrides), store=store, hasher=FAST_HASH)
        self.store: Store = self.app.state.store
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def call(self, operation_id: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request whose response must be one the contract documents for `operation_id`."""
        response: httpx.Response = self.client.request(method, API + path, **kwargs)
        assert_conforms(response, operation_id)
        return response

    def create_book(self, **overrides: Any) -> httpx.Response:
        """POST /books as staff with `catalog:write`, asserting 201."""
        response = self.call("createBook", "POST", "/books", headers=WRITER, json=BOOK | overrides)
        assert response.status_code == 201, response.text
        return response

    def register(self, email: str = "ada@example.com", **fields: str) -> dict[str, Any]:
        """POST /members from the sign-up form, asserting 201."""
        form = {"email": email, "display_name": "Ada", "password": "engine1843"} | fields
        response = self.call("registerMember", "POST", "/members", data=form)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def borrow(self, headers: dict[str, str], book_id: int, **extra: Any) -> httpx.Response:
        """POST /loans, collecting at the central branch unless told otherwise."""
        body = {"book_id": book_id, "delivery": {"method": "pickup", "branch": "CEN"}} | extra
        return self.call("createLoan", "POST", "/loans", headers=headers, json=body)
