"""The token endpoint's RFC 6749 errors and the access token's RFC 7519 claims (issue 22)."""

from __future__ import annotations

import time

import jwt
import pytest

from .service import ADMIN_EMAIL, ADMIN_PASSWORD, API, SECRET, Service


@pytest.mark.parametrize("grant_type", ["client_credentials", "authorization_code", "PASSWORD"])
def test_unsupported_grant_type(service: Service, grant_type: str) -> None:
    form = {"grant_type": grant_type, "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    response = service.client.post(f"{API}/auth/token", data=form)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "unsupported_grant_type"
    assert response.headers["x-content-type-options"] == "nosniff"  # still inside the service


@pytest.mark.parametrize(
    "form",
    [
        {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},  # no grant_type at all
        {"grant_type": "password", "username": ADMIN_EMAIL},  # no password
        {"grant_type": ["password", "password"], "username": ADMIN_EMAIL, "password": "x"},
    ],
)
def test_a_malformed_form_stays_invalid_request(service: Service, form: dict[str, object]) -> None:
    response = service.client.post(f"{API}/auth/token", data=form)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


def test_the_password_grant_still_works(service: Service) -> None:
    assert service.token_response(ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200


def test_an_exp_that_is_a_string_is_refused(service: Service) -> None:
    subject = service.client.get(f"{API}/users/me", headers=service.admin()).json()["id"]
    now = int(time.time())
    claims = {
        "sub": subject,
        "scope": "users:read",
        "iat": now,
        "exp": str(now + 600),  # RFC 7519 §4.1.4: a NumericDate is a number
        "iss": service.settings.jwt_issuer,
        "aud": service.settings.jwt_audience,
    }
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    response = service.client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
