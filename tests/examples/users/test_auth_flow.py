"""Sign-in, tokens and the account's own life cycle, end to end over HTTP."""

from __future__ import annotations

import jwt

from .backends import run, scalar
from .service import API, PASSWORD, SECRET, Service


def test_register_sign_in_update_and_change_password(service: Service) -> None:
    account = service.register("Ada@Example.com", display_name="Ada Lovelace")
    assert account["email"] == "Ada@Example.com"  # kept as written; uniqueness ignores case
    assert account["roles"] == ["user"] and account["is_active"] is True
    assert set(account) == {
        "id",
        "email",
        "display_name",
        "roles",
        "is_active",
        "created_at",
        "updated_at",
    }

    tokens = service.tokens("ada@EXAMPLE.com")  # emails compare case-insensitively
    assert tokens["token_type"] == "bearer"
    assert tokens["scope"] == "users:read users:write"
    assert tokens["refresh_token"].startswith("rt_")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    me = service.client.get(f"{API}/users/me", headers=headers)
    assert me.status_code == 200 and me.json() == account

    renamed = service.client.patch(
        f"{API}/users/me", headers=headers, json={"display_name": "Augusta Ada King"}
    )
    assert renamed.status_code == 200
    assert renamed.json()["display_name"] == "Augusta Ada King"
    assert renamed.json()["updated_at"] >= account["updated_at"]

    changed = service.client.post(
        f"{API}/users/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 204 and changed.content == b""

    # Every refresh token of the account is revoked; the access token stays valid.
    old_refresh = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert old_refresh.status_code == 401
    assert "invalid_token" in old_refresh.headers["www-authenticate"]
    assert service.client.get(f"{API}/users/me", headers=headers).status_code == 200
    assert service.token_response("ada@example.com").json()["error"] == "invalid_grant"
    assert service.token_response("ada@example.com", "a brand new passphrase").status_code == 200


def test_token_claims(service: Service) -> None:
    account = service.register("claims@example.com")
    token = service.tokens("claims@example.com")["access_token"]
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        issuer="specfirst-users",
        audience="specfirst-users-api",
        options={"require": ["exp", "iat", "nbf", "sub", "jti", "iss", "aud"]},
    )
    assert claims["sub"] == account["id"]
    assert claims["scope"] == "users:read users:write"
    assert claims["exp"] - claims["iat"] == service.settings.access_token_ttl_seconds


def test_token_response_headers(service: Service) -> None:
    service.register("headers@example.com")
    response = service.token_response("headers@example.com")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    assert response.json()["expires_in"] == service.settings.access_token_ttl_seconds


def test_wrong_password_unknown_and_deactivated_accounts_look_the_same(service: Service) -> None:
    account = service.register("victim@example.com")
    admin = service.admin()
    off = service.client.patch(
        f"{API}/users/{account['id']}", headers=admin, json={"is_active": False}
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    answers = [
        service.token_response("victim@example.com"),  # deactivated, right password
        service.token_response("victim@example.com", "wrong password"),
        service.token_response("nobody@example.com"),
    ]
    assert {r.status_code for r in answers} == {400}
    assert {r.text for r in answers} == {
        '{"error":"invalid_grant","error_description":"The email address or password is incorrect."}'
    }


def test_scopes_requested_and_refused(service: Service) -> None:
    service.register("scoped@example.com")
    narrow = service.tokens("scoped@example.com", scope="users:read")
    assert narrow["scope"] == "users:read"
    headers = {"Authorization": f"Bearer {narrow['access_token']}"}
    assert service.client.get(f"{API}/users/me", headers=headers).status_code == 200
    forbidden = service.client.patch(f"{API}/users/me", headers=headers, json={"display_name": "X"})
    assert forbidden.status_code == 403
    refused = service.token_response("scoped@example.com", scope="users:read admin")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    # The refreshed pair keeps the grant's scopes.
    refreshed = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": narrow["refresh_token"]}
    )
    assert refreshed.status_code == 200 and refreshed.json()["scope"] == "users:read"


def test_admin_gets_admin_scope(service: Service) -> None:
    tokens = service.tokens("root@example.com", "root password 1234")
    assert tokens["scope"] == "users:read users:write admin"


def test_too_many_form_parameters_is_invalid_request(service: Service) -> None:
    service.register("form@example.com")
    form = {"grant_type": "password", "username": "form@example.com", "password": PASSWORD}
    form |= {f"extra{i}": "x" for i in range(6)}  # 9 parameters; unknown ones are fine up to 8
    response = service.client.post(f"{API}/auth/token", data=form)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    del form["extra5"]
    assert service.client.post(f"{API}/auth/token", data=form).status_code == 200


def test_refresh_rotates_and_a_replay_revokes_the_sign_in(service: Service) -> None:
    service.register("rotate@example.com")
    first = service.tokens("rotate@example.com")
    second = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert pair["scope"] == first["scope"]
    me = service.client.get(
        f"{API}/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200

    replay = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    # The replay revoked the whole family, including the token issued by the rotation.
    descendant = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert descendant.status_code == 401
    # Another sign-in is unaffected.
    other = service.tokens("rotate@example.com")
    assert (
        service.client.post(
            f"{API}/auth/refresh", json={"refresh_token": other["refresh_token"]}
        ).status_code
        == 200
    )


def test_an_expired_refresh_token_is_refused_and_left_as_it_was(service: Service) -> None:
    # The handler consumes the token before it sees the expiry: its 401 must roll that back.
    service.register("late@example.com")
    tokens = service.tokens("late@example.com")
    url = service.settings.database_url
    run(url, "UPDATE refresh_tokens SET expires_at = created_at")
    unused = "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL"
    before = scalar(url, unused)
    refresh = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert scalar(url, unused) == before


def test_unknown_refresh_token(service: Service) -> None:
    response = service.client.post(f"{API}/auth/refresh", json={"refresh_token": "rt_made_up"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_deactivated_account_loses_its_tokens(service: Service) -> None:
    account = service.register("leaver@example.com")
    tokens = service.tokens("leaver@example.com")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    admin = service.admin()
    assert (
        service.client.patch(
            f"{API}/users/{account['id']}", headers=admin, json={"is_active": False}
        ).status_code
        == 200
    )
    assert service.client.get(f"{API}/users/me", headers=headers).status_code == 401
    refresh = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


def test_deleted_account_token_is_rejected(service: Service) -> None:
    account = service.register("gone@example.com")
    tokens = service.tokens("gone@example.com")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert service.client.delete(f"{API}/users/{account['id']}", headers=headers).status_code == 204
    assert service.client.get(f"{API}/users/me", headers=headers).status_code == 401
    assert service.client.get(f"{API}/users/{account['id']}", headers=headers).status_code == 401
    refresh = service.client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


def test_missing_and_forged_tokens(service: Service) -> None:
    assert service.client.get(f"{API}/users/me").status_code == 401
    forged = jwt.encode(
        {"sub": "x", "exp": 9999999999}, "another-secret-that-is-long-enough!", algorithm="HS256"
    )
    response = service.client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_change_password_needs_the_current_one(service: Service) -> None:
    _, headers = service.user("careful@example.com")
    response = service.client.post(
        f"{API}/users/me/password",
        headers=headers,
        json={"current_password": "not it", "new_password": "another long passphrase"},
    )
    assert response.status_code == 403
    assert response.json()["type"] == "https://example.com/problems/invalid-current-password"
    assert service.token_response("careful@example.com").status_code == 200


def test_registration_accepts_test_domains(service: Service) -> None:
    # Contract tests generate addresses like x@y.test; `format: email` accepts them.
    assert service.register("x@y.test")["email"] == "x@y.test"
