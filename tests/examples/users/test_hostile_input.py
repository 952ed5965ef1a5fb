"""Input the contract lets through but storage cannot take: a clear 400, never a 500 (issue 22)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from examples.users.inputs import email_problem

from .service import API, PASSWORD, Service

# Case-folding can lengthen an address: "ß" folds to "ss", so 127 of them fold to 254 chars.
LONG_WHEN_FOLDED = "ß" * 127 + "a@example.com"
CONTROLS = ["\r", "\u2028", "\u2029", "\u0085", "\x07", "\x1b", "\x7f", "\u202e", "\ufeff"]


def _problem_pointers(response: Any) -> list[str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://example.com/problems/validation-error"
    return [issue.get("pointer", "") for issue in body["errors"]]


@pytest.mark.parametrize(
    "created_after",
    ["0001-01-01T00:00:00+01:00", "0001-01-01T00:30:00+00:45"],
)
def test_created_after_before_year_one_in_utc_lists_everyone(
    service: Service, created_after: str
) -> None:
    # An instant before 0001-01-01T00:00Z is before every account: it clamps, never a 500.
    response = service.client.get(
        f"{API}/users", params={"created_after": created_after}, headers=service.admin()
    )
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 1


def test_created_before_past_year_9999_in_utc_lists_everyone(service: Service) -> None:
    response = service.client.get(
        f"{API}/users",
        params={"created_before": "9999-12-31T23:59:59-01:00"},
        headers=service.admin(),
    )
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 1


def test_nul_in_sign_in_username_is_invalid_request(service: Service) -> None:
    form = {"grant_type": "password", "username": "a\x00b@example.com", "password": "x"}
    response = service.client.post(f"{API}/auth/token", data=form)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("field", ["email", "display_name"])
def test_nul_in_registration_is_a_validation_error(service: Service, field: str) -> None:
    body = {"email": "nul@example.com", "password": PASSWORD, "display_name": "Nul"}
    body[field] = body[field].replace("@", "\x00@") if field == "email" else "Nu\x00l"
    response = service.client.post(f"{API}/users", json=body)
    assert _problem_pointers(response) == [f"/{field}"]


def test_nul_in_updates_and_filters_is_a_validation_error(service: Service) -> None:
    me, headers = service.user("patch@example.com")
    mine = service.client.patch(f"{API}/users/me", headers=headers, json={"display_name": "a\x00b"})
    assert _problem_pointers(mine) == ["/display_name"]
    admin = service.admin()
    theirs = service.client.patch(
        f"{API}/users/{me['id']}", headers=admin, json={"email": "x\x00@example.com"}
    )
    assert _problem_pointers(theirs) == ["/email"]
    listed = service.client.get(f"{API}/users", params={"email": "a\x00"}, headers=admin)
    assert listed.status_code == 400, listed.text
    assert listed.json()["errors"][0]["parameter"] == "email"


def test_email_too_long_once_case_folded(service: Service) -> None:
    assert len(LONG_WHEN_FOLDED) <= 254 < len(LONG_WHEN_FOLDED.casefold())
    body = {"email": LONG_WHEN_FOLDED, "password": PASSWORD, "display_name": "Long"}
    assert _problem_pointers(service.client.post(f"{API}/users", json=body)) == ["/email"]
    form = {"grant_type": "password", "username": LONG_WHEN_FOLDED, "password": "x"}
    token = service.client.post(f"{API}/auth/token", data=form)
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_display_name_refuses_control_and_line_separators(service: Service, char: str) -> None:
    body = {"email": "ctl@example.com", "password": PASSWORD, "display_name": f"Eve{char}Admin"}
    assert _problem_pointers(service.client.post(f"{API}/users", json=body)) == ["/display_name"]


def test_display_name_keeps_joiners_and_emoji(service: Service) -> None:
    name = "Ada \U0001f469\u200d\U0001f4bb Lovelace"  # ZWJ sequence
    assert service.register("emoji@example.com", display_name=name)["display_name"] == name


def test_email_checks_the_folded_length() -> None:
    # The contract's `format: email` admits ASCII only today; the check must not rely on it.
    assert email_problem("ß" * 64 + "@" + "a" * 150 + ".example") is not None
    assert email_problem("ss" * 32 + "@example.com") is None


def test_email_filter_longer_than_any_key_matches_nothing(service: Service) -> None:
    response = service.client.get(
        f"{API}/users", params={"email": "ß" * 254}, headers=service.admin()
    )
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


@pytest.mark.parametrize("field", ["email", "display_name", "password"])
def test_half_a_surrogate_pair_is_a_validation_error(service: Service, field: str) -> None:
    # Python's json decodes "\ud800" into a string no UTF-8 text can hold; it was a 500.
    body = {"email": "sur@example.com", "password": PASSWORD, "display_name": "Sur"}
    raw = json.dumps(body).replace(f'"{field}": "', f'"{field}": "\\ud800', 1)
    response = service.client.post(
        f"{API}/users", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
