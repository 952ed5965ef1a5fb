"""Rate limits: per credential, per client address when anonymous; 429 with Retry-After."""

from __future__ import annotations

from examples.showcase.ratelimit import RateLimiter

from .service import PARTNER, STAFF, Library


def test_budgets_count_down_per_credential_then_answer_429() -> None:
    library = Library(rate_limit_requests=2)
    first = library.call("listBooks", "GET", "/books", headers=STAFF)
    second = library.call("listBooks", "GET", "/books", headers=STAFF)
    assert [first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]] == [
        "1",
        "0",
    ]
    third = library.call("listBooks", "GET", "/books", headers=STAFF)
    assert (third.status_code, third.json()["code"]) == (429, "rate_limited")
    assert third.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(third.headers["Retry-After"]) <= 60
    # Another credential, and anonymous callers (by address), have budgets of their own.
    assert library.call("listBooks", "GET", "/books", headers=PARTNER).status_code == 200
    assert library.call("listBooks", "GET", "/books").status_code == 200
    form = {"email": "ada@example.com", "display_name": "Ada", "password": "engine1843"}
    assert library.call("registerMember", "POST", "/members", data=form).status_code == 201
    limited = library.call(
        "registerMember", "POST", "/members", data=form | {"email": "b@example.com"}
    )
    assert limited.status_code == 429


def test_windows_reset() -> None:
    now = [0.0]
    limiter = RateLimiter(1, 60, clock=lambda: now[0])
    assert limiter.hit("k").allowed and not limiter.hit("k").allowed
    assert limiter.hit("k").retry_after == 60
    now[0] = 59.5
    assert limiter.hit("k").retry_after == 1
    now[0] = 60.0
    assert limiter.hit("k").allowed
