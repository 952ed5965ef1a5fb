"""Who may see and change which account: owner or admin, 404 for anyone else, no mass assignment."""

from __future__ import annotations

import pytest

from examples.users import accounts, users

from .backends import scalar
from .service import API, PASSWORD, Service


def test_one_user_cannot_read_change_or_delete_another(service: Service) -> None:
    ada, ada_headers = service.user("ada@example.com")
    _, eve_headers = service.user("eve@example.com")
    target = f"{API}/users/{ada['id']}"
    missing = f"{API}/users/00000000-0000-4000-8000-000000000000"
    for url in (target, missing):  # someone else's account answers exactly like a missing one
        read = service.client.get(url, headers=eve_headers)
        change = service.client.patch(url, headers=eve_headers, json={"display_name": "Pwned"})
        delete = service.client.delete(url, headers=eve_headers)
        assert [read.status_code, change.status_code, delete.status_code] == [404, 404, 404]
        assert read.json()["title"] == "Not Found"
    # Ada's account is untouched.
    assert service.client.get(target, headers=ada_headers).json() == ada


def test_owner_reads_changes_and_deletes_own_account(service: Service) -> None:
    me, headers = service.user("self@example.com")
    url = f"{API}/users/{me['id']}"
    assert service.client.get(url, headers=headers).json() == me
    changed = service.client.patch(url, headers=headers, json={"email": "Self2@example.com"})
    assert changed.status_code == 200 and changed.json()["email"] == "Self2@example.com"
    assert service.client.delete(url, headers=headers).status_code == 204
    admin = service.admin()
    assert service.client.get(url, headers=admin).status_code == 404


def test_registration_rejects_id_roles_and_is_active(service: Service) -> None:
    for extra in (
        {"id": "00000000-0000-4000-8000-000000000000"},
        {"roles": ["admin"]},
        {"is_active": False},
    ):
        body = {"email": "sneaky@example.com", "password": PASSWORD, "display_name": "S"} | extra
        assert service.client.post(f"{API}/users", json=body).status_code == 400
    admin = service.admin()
    listed = service.client.get(f"{API}/users", headers=admin, params={"email": "sneaky"})
    assert listed.json()["total"] == 0


def test_non_admin_cannot_assign_roles_or_activation(service: Service) -> None:
    me, headers = service.user("climber@example.com")
    for body in (
        {"roles": ["user", "admin"]},
        {"is_active": True},
        {"display_name": "C", "roles": ["admin"]},
    ):
        response = service.client.patch(f"{API}/users/{me['id']}", headers=headers, json=body)
        assert response.status_code == 403
        assert response.json()["type"] == "https://example.com/problems/admin-only-field"
    # /users/me has a closed body without those fields at all.
    for body in ({"roles": ["admin"]}, {"id": me["id"]}, {"is_active": False}):
        assert (
            service.client.patch(f"{API}/users/me", headers=headers, json=body).status_code == 400
        )
    assert service.client.get(f"{API}/users/me", headers=headers).json() == me


def test_admin_changes_any_field_of_any_account(service: Service) -> None:
    account, _ = service.user("promoted@example.com")
    admin = service.admin()
    url = f"{API}/users/{account['id']}"
    response = service.client.patch(
        url, headers=admin, json={"roles": ["user", "admin"], "display_name": "Promoted"}
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["user", "admin"]
    assert service.tokens("promoted@example.com")["scope"] == "users:read users:write admin"
    assert service.client.get(url, headers=admin).json() == response.json()


def test_demoted_admin_token_stops_granting_admin(service: Service) -> None:
    account, _ = service.user("temp-admin@example.com")
    admin = service.admin()
    url = f"{API}/users/{account['id']}"
    service.client.patch(url, headers=admin, json={"roles": ["user", "admin"]})
    temp = service.login("temp-admin@example.com")
    assert service.client.get(f"{API}/users", headers=temp).status_code == 200
    assert service.client.patch(url, headers=admin, json={"roles": ["user"]}).status_code == 200
    assert service.client.get(f"{API}/users", headers=temp).status_code == 403


def test_user_token_on_admin_operation_is_403(service: Service) -> None:
    _, headers = service.user("plain@example.com")
    assert service.client.get(f"{API}/users", headers=headers).status_code == 403


def test_empty_update_is_rejected(service: Service) -> None:
    me, headers = service.user("empty@example.com")
    for url in (f"{API}/users/me", f"{API}/users/{me['id']}"):
        response = service.client.patch(url, headers=headers, json={})
        assert response.status_code == 400
        assert response.json()["type"] == "https://example.com/problems/validation-error"


def test_duplicate_email_is_409(service: Service) -> None:
    service.register("taken@example.com")
    again = service.client.post(
        f"{API}/users",
        json={"email": "TAKEN@example.com", "password": PASSWORD, "display_name": "T"},
    )
    assert again.status_code == 409
    assert again.json()["type"] == "https://example.com/problems/email-taken"
    me, headers = service.user("other@example.com")
    for url in (f"{API}/users/me", f"{API}/users/{me['id']}"):
        clash = service.client.patch(url, headers=headers, json={"email": "Taken@Example.com"})
        assert clash.status_code == 409


def test_unique_violation_at_commit_is_409(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the pre-check cannot see: the database's unique index answers 409."""
    service.register("race@example.com")

    async def nobody(*args: object) -> None:
        return None

    monkeypatch.setattr(users, "find_by_email", nobody)
    monkeypatch.setattr(accounts, "find_by_email", nobody)
    again = service.client.post(
        f"{API}/users",
        json={"email": "Race@example.com", "password": PASSWORD, "display_name": "R"},
    )
    assert again.status_code == 409
    me, headers = service.user("racer@example.com")
    clash = service.client.patch(
        f"{API}/users/me", headers=headers, json={"email": "race@example.com"}
    )
    assert clash.status_code == 409
    assert service.client.get(f"{API}/users/me", headers=headers).json() == me


def test_last_admin_cannot_be_deleted_demoted_or_deactivated(service: Service) -> None:
    admin = service.admin()
    root = service.client.get(f"{API}/users/me", headers=admin).json()
    url = f"{API}/users/{root['id']}"
    for body in ({"roles": ["user"]}, {"is_active": False}):
        response = service.client.patch(url, headers=admin, json=body)
        assert response.status_code == 409
        assert response.json()["type"] == "https://example.com/problems/last-admin"
    assert service.client.delete(url, headers=admin).status_code == 409
    assert service.client.get(url, headers=admin).json() == root

    # With a second admin, the first may step down.
    second, _ = service.user("second@example.com")
    service.client.patch(f"{API}/users/{second['id']}", headers=admin, json={"roles": ["admin"]})
    assert service.client.delete(url, headers=admin).status_code == 204
    second_headers = service.login("second@example.com")
    last = service.client.delete(f"{API}/users/{second['id']}", headers=second_headers)
    assert last.status_code == 409


def test_deleting_an_account_deletes_its_refresh_tokens(service: Service) -> None:
    account = service.register("cascade@example.com")
    service.tokens("cascade@example.com")
    admin = service.admin()
    url = service.settings.database_url
    assert scalar(url, "SELECT count(*) FROM refresh_tokens") == 2
    assert service.client.delete(f"{API}/users/{account['id']}", headers=admin).status_code == 204
    assert scalar(url, "SELECT count(*) FROM refresh_tokens") == 1  # only the admin's is left
