"""The auth matrix for each example contract: every secured operation x every attack token.

Expected: attacks 401 with `error="invalid_token"`, no credentials 401 with a bare challenge,
a valid token lacking a scope 403, a valid token with its scopes gets past authentication.
"""

from __future__ import annotations

import base64
import importlib
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import yaml
from fastapi.testclient import TestClient

ROOT = Path(__file__).parents[2]
SECRET = "matrix-secret-that-is-long-enough-for-hs256"
ISSUER, AUDIENCE = "https://issuer.test", "example-api"
METHODS = ("get", "put", "post", "delete", "patch")
PACKAGES = {"users": "specs/users.yaml", "showcase": "specs/showcase.yaml"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "alice",
        "iat": now,
        "exp": now + 300,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def _sign(claims: dict[str, Any], key: str = SECRET) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


ATTACKS = {
    "malformed header": lambda s: "Bearer",
    "wrong scheme": lambda s: "Token " + _sign(_claims(scope=s)),
    "expired": lambda s: "Bearer " + _sign(_claims(scope=s, exp=int(time.time()) - 60)),
    "not yet valid": lambda s: "Bearer " + _sign(_claims(scope=s, nbf=int(time.time()) + 600)),
    "wrong signature": lambda s: "Bearer " + _sign(_claims(scope=s), "x" * 40),
    "alg none": lambda s: (
        "Bearer "
        + _b64(b'{"alg":"none"}')
        + "."
        + _b64(json.dumps(_claims(scope=s)).encode())
        + "."
    ),
    "wrong iss": lambda s: "Bearer " + _sign(_claims(scope=s, iss="https://evil.test")),
    "wrong aud": lambda s: "Bearer " + _sign(_claims(scope=s, aud="another-api")),
    "missing exp": lambda s: "Bearer " + _sign(_claims(scope=s, exp=None)),
}


def _jwt_only_operations(
    contract: dict[str, Any],
) -> Iterator[tuple[str, str, tuple[str, ...], str]]:
    """(method, path, scopes of the first alternative, package) for ops secured only by JWT schemes."""
    schemes = contract.get("components", {}).get("securitySchemes", {})
    jwt_like = {
        n
        for n, s in schemes.items()
        if s.get("type") in {"oauth2", "openIdConnect"} or s.get("scheme") == "bearer"
    }
    for path, item in contract["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            security = op.get("security", contract.get("security", []))
            if not security or any(not req for req in security):
                continue
            if all(set(req) <= jwt_like for req in security):
                # 403 is only certain when every alternative needs a scope (OR semantics).
                scoped = all(any(req.values()) for req in security)
                yield (
                    method,
                    path,
                    tuple(next(iter(security[0].values()))),
                    "scoped" if scoped else "",
                )


def _cases() -> list[tuple[str, str, str, tuple[str, ...], bool]]:
    cases = []
    for package, spec in PACKAGES.items():
        contract = yaml.safe_load((ROOT / spec).read_text())
        for method, path, scopes, scoped in _jwt_only_operations(contract):
            cases.append((package, method, path, scopes, bool(scoped)))
    return cases


def _client(package: str) -> tuple[TestClient, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = importlib.import_module(f"generated.{package}")
    settings = module.Settings(
        jwt_secret=SECRET, jwt_issuer=ISSUER, jwt_audience=AUDIENCE, jwt_leeway_seconds=0
    )
    prefix = importlib.import_module(f"generated.{package}.contract").MOUNT_PREFIX
    return TestClient(module.create_app(settings=settings), raise_server_exceptions=False), prefix


def _url(prefix: str, path: str) -> str:
    return prefix + path.replace("{", "").replace("}", "").replace("_id", "-id").replace(
        "user-id", "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )


CASES = _cases()


def test_every_example_contract_has_secured_operations() -> None:
    assert {c[0] for c in CASES} == set(PACKAGES)


@pytest.mark.parametrize(
    ("package", "method", "path", "scopes", "scoped"), CASES, ids=lambda v: str(v)
)
def test_auth_matrix(
    package: str, method: str, path: str, scopes: tuple[str, ...], scoped: bool
) -> None:
    client, prefix = _client(package)
    url = _url(prefix, path)
    scope = " ".join(scopes)
    missing = client.request(method, url)
    assert missing.status_code == 401
    assert "error=" not in missing.headers["www-authenticate"]
    for name, make in ATTACKS.items():
        response = client.request(method, url, headers={"Authorization": make(scope)})
        assert response.status_code == 401, (name, response.text)
        if name != "malformed header":
            assert 'error="invalid_token"' in response.headers["www-authenticate"], name
    if scoped:
        weak = client.request(
            method, url, headers={"Authorization": "Bearer " + _sign(_claims(scope="unrelated"))}
        )
        assert weak.status_code == 403, weak.text
        assert 'error="insufficient_scope"' in weak.headers["www-authenticate"]
    good = client.request(
        method, url, headers={"Authorization": "Bearer " + _sign(_claims(scope=scope))}
    )
    assert good.status_code not in {401, 403}, good.text
