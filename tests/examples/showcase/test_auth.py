"""Every way to authenticate, each where the contract accepts it and refused where it does not."""

from __future__ import annotations

from generator.devtoken import mint

from .service import (
    GRACE_SESSION,
    OPERATOR,
    OPERATOR_PASSWORD,
    PARTNER_KEY,
    SECRET,
    STAFF,
    Library,
    basic,
    bearer,
    session,
)

FEED = {"source_url": "https://partner.example.org/feed.csv", "format": "csv"}


def test_api_key_in_header_query_and_cookie(library: Library) -> None:
    header = library.call("getBook", "GET", "/books/1001", headers={"X-API-Key": PARTNER_KEY})
    query = library.call("searchBooks", "GET", f"/search?q=faust&api_key={PARTNER_KEY}")
    cookie = library.call("getCurrentMember", "GET", "/members/me", headers=session(GRACE_SESSION))
    assert [header.status_code, query.status_code, cookie.status_code] == [200, 200, 200]
    # Each key only where its scheme is declared: no query key for getBook, no header for search.
    assert library.call("getBook", "GET", f"/books/1001?api_key={PARTNER_KEY}").status_code == 401
    assert (
        library.call(
            "searchBooks", "GET", "/search?q=faust", headers={"X-API-Key": PARTNER_KEY}
        ).status_code
        == 401
    )
    unknown = library.call("getBook", "GET", "/books/1001", headers={"X-API-Key": "not-a-key"})
    assert unknown.status_code == 401 and "ApiKey" in unknown.headers["WWW-Authenticate"]


def test_basic_together_with_the_partner_key(library: Library) -> None:
    both = {"X-API-Key": PARTNER_KEY, **basic(OPERATOR, OPERATOR_PASSWORD)}
    assert (
        library.call("startImport", "POST", "/imports", headers=both, json=FEED).status_code == 202
    )
    for headers in (
        basic(OPERATOR, OPERATOR_PASSWORD),
        {"X-API-Key": PARTNER_KEY, **basic(OPERATOR, "wrong")},
        {"X-API-Key": PARTNER_KEY, **basic("nobody", OPERATOR_PASSWORD)},
        {"X-API-Key": PARTNER_KEY, "Authorization": "Basic !!!"},
    ):
        assert (
            library.call("startImport", "POST", "/imports", headers=headers, json=FEED).status_code
            == 401
        )


def test_bearer_tokens(library: Library) -> None:
    assert library.call("getBook", "GET", "/books/1001", headers=STAFF).status_code == 200
    forged = mint_with("another-secret-of-at-least-32-bytes!")
    expired = {"Authorization": "Bearer " + _expired()}
    for headers in (forged, expired, {"Authorization": "Bearer"}, {"Authorization": "Token abc"}):
        response = library.call("getBook", "GET", "/books/1001", headers=headers)
        assert response.status_code == 401, headers
    assert (
        'error="invalid_token"'
        in library.client.get("/showcase/v2/books/1001", headers=forged).headers["WWW-Authenticate"]
    )


def test_oauth2_and_openid_connect_scopes(library: Library) -> None:
    writer = bearer("desk-app", ["catalog:write"])
    body = {"title": "T", "authors": ["A"], "isbn": "9780000000323", "language": "en"}
    assert (
        library.call("createBook", "POST", "/books", headers=writer, json=body).status_code == 201
    )
    member = bearer("idp|someone", ["openid"])
    loan = {"book_id": 1005, "delivery": {"method": "pickup", "branch": "CEN"}}
    assert (
        library.call("createLoan", "POST", "/loans", headers=member, json=loan).status_code == 201
    )
    # A member's OpenID Connect token is no staff token, even where bearer tokens are accepted.
    refused = library.call("downloadBookFile", "GET", "/books/1003/file", headers=member)
    assert refused.status_code == 403


def mint_with(secret: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint("staff-1", [], secret=secret)}


def _expired() -> str:
    return mint("staff-1", [], secret=SECRET, now=1_000_000_000, ttl_seconds=60)
