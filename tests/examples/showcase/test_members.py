"""Sign-up by form, and the signed-in member by OpenID Connect token or website session."""

from __future__ import annotations

from uuid import UUID

from examples.showcase.seed import SAMPLE_MEMBER_ID

from .service import FAST_HASH, PARTNER_KEY, STAFF, Library, bearer, member_token, session


def test_register_from_the_form(library: Library) -> None:
    member = library.register("Ada@Example.com", newsletter="true", locale="fr")
    assert set(member) == {"id", "email", "display_name", "newsletter", "locale", "created_at"}
    assert (member["newsletter"], member["locale"]) == (True, "fr")
    stored = library.store.members[UUID(member["id"])]
    # `format: email` allows the special-use `.test` domain (RFC 6761) too.
    assert library.register("grace@library.test")["email"] == "grace@library.test"
    assert stored.password_hash is not None and FAST_HASH.verify("engine1843", stored.password_hash)


def test_register_refusals(library: Library) -> None:
    library.register("ada@example.com")
    form = {"email": "ADA@example.com", "display_name": "Ada", "password": "engine1843"}
    taken = library.call("registerMember", "POST", "/members", data=form)
    assert (taken.status_code, taken.json()["code"]) == (409, "email_taken")
    fresh = form | {"email": "eve@example.com"}
    no_password = {k: v for k, v in fresh.items() if k != "password"}
    for bad in (
        no_password,
        fresh | {"id": str(SAMPLE_MEMBER_ID)},
        fresh | {"password": "nodigits"},
    ):
        response = library.call("registerMember", "POST", "/members", data=bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "validation_failed", bad  # refused on the wire
    details = library.call("registerMember", "POST", "/members", data=no_password).json()["details"]
    assert details == [{"field": "body.password", "issue": "is required"}]
    as_json = library.call("registerMember", "POST", "/members", json=fresh)
    assert as_json.status_code == 415


def test_current_member_by_token_or_session(library: Library) -> None:
    ada = library.register()
    me = library.call("getCurrentMember", "GET", "/members/me", headers=member_token(ada["id"]))
    assert me.json() == ada
    grace = library.call("getCurrentMember", "GET", "/members/me", headers=session())
    assert (grace.json()["id"], grace.json()["email"]) == (
        str(SAMPLE_MEMBER_ID),
        "grace@example.org",
    )
    assert library.call("getCurrentMember", "GET", "/members/me").status_code == 401


def test_a_token_without_the_member_scopes_gets_a_documented_status(library: Library) -> None:
    response = library.call("getCurrentMember", "GET", "/members/me", headers=STAFF)
    assert response.status_code == 403  # documented since validate flagged it missing
    assert response.json()["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_unknown_subjects_become_members_on_first_sign_in(library: Library) -> None:
    claims = {"name": "Mary Somerville", "email": "mary@example.org", "email_verified": True}
    token = bearer("idp|mary", ["openid", "profile", "email"], claims)
    first = library.call("getCurrentMember", "GET", "/members/me", headers=token).json()
    assert (first["display_name"], first["email"]) == ("Mary Somerville", "mary@example.org")
    again = library.call("getCurrentMember", "GET", "/members/me", headers=token).json()
    assert again == first
    # A partner key sent as the session cookie: its subject has no verified address.
    acme = library.call(
        "getCurrentMember", "GET", "/members/me", headers=session(PARTNER_KEY)
    ).json()
    assert acme["email"].startswith("acme.") and acme["email"].endswith("@members.example.org")


def test_update_changes_only_the_fields_sent(library: Library) -> None:
    ada = library.register(newsletter="true")
    headers = member_token(ada["id"])
    changed = library.call(
        "updateCurrentMember", "PATCH", "/members/me", headers=headers, json={"locale": "de"}
    )
    assert changed.json() == ada | {"locale": "de"}
    renamed = library.call(
        "updateCurrentMember",
        "PATCH",
        "/members/me",
        headers=session(),
        json={"display_name": "G. Hopper", "newsletter": False},
    )
    assert (renamed.json()["display_name"], renamed.json()["newsletter"]) == ("G. Hopper", False)
    for bad in ({}, {"password": "engine1843"}, {"display_name": None}):
        response = library.call(
            "updateCurrentMember", "PATCH", "/members/me", headers=headers, json=bad
        )
        assert response.status_code == 400, bad
    anonymous = library.call("updateCurrentMember", "PATCH", "/members/me", json={"locale": "fr"})
    assert anonymous.status_code == 401
