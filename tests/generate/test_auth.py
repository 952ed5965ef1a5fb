"""The auth matrix: every attack token gets 401, a missing scope 403, a good token through.

Also the OpenAPI requirement semantics: OR of alternatives, AND inside one, optional (`{}`),
public (`security: []`), and API keys read only where the contract puts them.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
ISSUER, AUDIENCE = "https://issuer.test", "tasks-api"
API_KEY = "key-of-bob"
URL = "/v1/tasks"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "alice",
        "iat": now,
        "exp": now + 300,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "scope": "tasks:write",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: str | bytes = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=alg)


class Impl:
    def __init__(self, results: ModuleType) -> None:
        self.r = results
        self.m = results.models

    async def create_task(self, *, body: Any, principal: Any) -> Any:
        return self.r.CreateTaskCreated(
            body=self.m.Task(id=1, title=body.title, done=False), location="/v1/tasks/1"
        )

    async def delete_task(self, *, task_id: int, principal: Any) -> Any:
        return self.r.DeleteTaskNoContent()

    async def archive_task(self, *, task_id: int, principal: Any) -> Any:
        assert set(principal.schemes) == {"bearer", "apiKey"}
        return self.r.ArchiveTaskNoContent()

    async def peek_task(self, *, task_id: int, principal: Any) -> Any:
        return self.r.PeekTaskOk(body=principal.subject if principal else "anonymous")


@pytest.fixture
def client(tasks: ModuleType) -> TestClient:
    from tasks_pkg.runtime.auth import hash_api_key  # type: ignore[import-not-found]

    settings = tasks.Settings(
        jwt_secret=SECRET,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_leeway_seconds=0,
        api_key_hashes={"bob": hash_api_key(API_KEY)},
    )
    return TestClient(
        tasks.create_app(tasks=Impl(tasks.results), settings=settings),
        raise_server_exceptions=False,
    )


def rsa_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


ATTACKS = {
    "malformed header": "Bearer",
    "wrong scheme": "Basic " + b64(b"alice:pw"),
    "not a jwt": "Bearer abc",
    "expired": "Bearer " + sign(claims(exp=int(time.time()) - 60)),
    "not yet valid": "Bearer " + sign(claims(nbf=int(time.time()) + 600)),
    "wrong signature": "Bearer " + sign(claims(), "another-secret-that-is-long-enough-too!!"),
    "alg none": "Bearer "
    + b64(b'{"alg":"none","typ":"JWT"}')
    + "."
    + b64(json.dumps(claims()).encode())
    + ".",
    "wrong iss": "Bearer " + sign(claims(iss="https://evil.test")),
    "wrong aud": "Bearer " + sign(claims(aud="other-api")),
    "missing exp": "Bearer " + sign(claims(exp=None)),
    # RFC 7519 NumericDates are JSON numbers; PyJWT alone takes `int("...")` (issue 22)
    "exp as a string": "Bearer " + sign(claims(exp=str(int(time.time()) + 300))),
    "nbf as a string": "Bearer " + sign(claims(nbf=str(int(time.time()) - 10))),
    "iat as a boolean": "Bearer " + sign(claims(iat=True)),
    "oversized": "Bearer " + sign(claims(pad="x" * 20000)),
    "garbage segments": "Bearer a.b.c",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_tokens_get_401_invalid_token(client: TestClient, name: str) -> None:
    response = client.post(URL, json={"title": "t"}, headers={"Authorization": ATTACKS[name]})
    assert response.status_code == 401, (name, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_no_credentials_get_bare_challenge(client: TestClient) -> None:
    response = client.post(URL, json={"title": "t"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="Tasks"'


def test_missing_scope_is_403_naming_the_scope(client: TestClient) -> None:
    response = client.post(
        URL,
        json={"title": "t"},
        headers={"Authorization": "Bearer " + sign(claims(scope="tasks:read"))},
    )
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert 'scope="tasks:write"' in response.headers["www-authenticate"]


def test_valid_token_passes(client: TestClient) -> None:
    response = client.post(
        URL, json={"title": "t"}, headers={"Authorization": "Bearer " + sign(claims())}
    )
    assert response.status_code == 201, response.text


def test_hs256_signed_with_the_rs_public_key_is_refused(tasks: ModuleType) -> None:
    private, public = rsa_pair()
    settings = tasks.Settings(jwt_public_key=public, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    client = TestClient(
        tasks.create_app(tasks=Impl(tasks.results), settings=settings),
        raise_server_exceptions=False,
    )
    header = b64(b'{"alg":"HS256","typ":"JWT"}')
    body = b64(json.dumps(claims()).encode())
    signature = b64(hmac.new(public.encode(), f"{header}.{body}".encode(), "sha256").digest())
    forged = f"{header}.{body}.{signature}"
    assert (
        client.post(
            URL, json={"title": "t"}, headers={"Authorization": f"Bearer {forged}"}
        ).status_code
        == 401
    )
    good = sign(claims(), private, "RS256")
    assert (
        client.post(
            URL, json={"title": "t"}, headers={"Authorization": f"Bearer {good}"}
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"jwt_secret": "short"},
        {"jwt_secret": SECRET, "jwt_algorithms": ["none"]},
        {"jwt_secret": SECRET, "jwt_algorithms": ["RS256"]},
    ],
)
def test_unsafe_jwt_settings_refuse_to_start(tasks: ModuleType, settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        tasks.create_app(settings=tasks.Settings(**settings))


def test_or_alternatives_accept_either_scheme(client: TestClient) -> None:
    assert client.delete(f"{URL}/1", headers={"X-API-Key": API_KEY}).status_code == 204
    assert (
        client.delete(f"{URL}/1", headers={"Authorization": "Bearer " + sign(claims())}).status_code
        == 204
    )
    assert client.delete(f"{URL}/1", headers={"X-API-Key": "wrong"}).status_code == 401
    assert (
        client.delete(f"{URL}/1?X-API-Key={API_KEY}").status_code == 401
    )  # key in the wrong place
    assert client.delete(f"{URL}/1").status_code == 401


def test_and_requirement_needs_both(client: TestClient) -> None:
    bearer = {"Authorization": "Bearer " + sign(claims())}
    assert client.post(f"{URL}/1/archive", headers=bearer).status_code == 401
    assert client.post(f"{URL}/1/archive", headers={"X-API-Key": API_KEY}).status_code == 401
    assert (
        client.post(f"{URL}/1/archive", headers={**bearer, "X-API-Key": API_KEY}).status_code == 204
    )


def test_optional_authentication(client: TestClient) -> None:
    assert client.get(f"{URL}/1/peek").text == "anonymous"
    assert (
        client.get(f"{URL}/1/peek", headers={"Authorization": "Bearer " + sign(claims())}).text
        == "alice"
    )
    assert client.get(f"{URL}/1/peek", headers={"Authorization": "Bearer bad"}).status_code == 401


def test_public_operation_needs_nothing(client: TestClient) -> None:
    assert client.get(f"{URL}/1").status_code == 501  # public and unimplemented: no 401 first


def test_default_api_key_verifier_compares_every_entry(
    tasks: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from tasks_pkg.runtime import auth  # type: ignore[import-not-found]

    calls: list[int] = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    verify = auth.default_api_key_verifier(
        {"a": auth.hash_api_key("k1"), "b": auth.hash_api_key("k2"), "c": auth.hash_api_key("k3")}
    )
    assert asyncio.run(verify("apiKey", "k1")).subject == "a"
    assert len(calls) == 3  # no early exit on the first match
    assert asyncio.run(verify("apiKey", "nope")) is None


def test_verified_tokens_are_cached_until_they_expire(
    tasks: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks_pkg.runtime import tokens  # type: ignore[import-not-found]

    verifier = tokens.JwtVerifier(secret=SECRET.encode(), leeway=0, cache_seconds=60)
    decoded: list[str] = []
    real_decode = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        decoded.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)  # the runtime imports PyJWT where it verifies
    now = time.time()
    token = sign(claims(exp=int(now) + 10, iss=None, aud=None))
    first = verifier.verify(token)
    first["sub"] = "mallory"  # callers get copies: the cached claims stay as verified
    assert verifier.verify(token)["sub"] == "alice"
    assert len(decoded) == 1  # the second call skipped the signature check
    with pytest.raises(tokens.InvalidToken):
        verifier.verify(token[:-2] + "xx")  # another text is never a cache hit
    decoded.clear()
    monkeypatch.setattr(tokens.time, "time", lambda: now + 11)
    verifier.verify(token)  # past `exp` (+ leeway) the cache has no say: PyJWT decides again
    assert decoded == [token]
    monkeypatch.setattr(tokens.time, "time", lambda: now)
    uncached = tokens.JwtVerifier(secret=SECRET.encode(), cache_seconds=0)
    decoded.clear()
    uncached.verify(token)
    uncached.verify(token)
    assert len(decoded) == 2


def test_the_token_cache_is_bounded(tasks: ModuleType) -> None:
    from tasks_pkg.runtime import tokens

    verifier = tokens.JwtVerifier(secret=SECRET.encode(), cache_size=3)
    for n in range(5):
        verifier.verify(sign(claims(sub=f"user{n}", iss=None, aud=None)))
    assert len(verifier._verified) == 3


def _bearer_request(token: str) -> Any:
    from starlette.requests import Request

    headers = [(b"authorization", f"Bearer {token}".encode())]
    return Request({"type": "http", "method": "GET", "headers": headers, "path": "/"})


def test_principals_are_reused_while_their_token_stays_verified(
    tasks: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks_pkg.runtime import auth, tokens  # type: ignore[import-not-found]

    verifier = tokens.JwtVerifier(secret=SECRET.encode(), leeway=0, cache_size=2)
    context = auth.AuthContext("r", verifier, verifier, verifier, frozenset())  # type: ignore[arg-type]
    spec = auth.SchemeSpec("bearer", "jwt")
    now = time.time()
    token = sign(claims(exp=int(now) + 10, iss=None, aud=None))
    first = context.bearer_principal(_bearer_request(token), spec)
    assert first.subject == "alice" and first.scopes == {"tasks:write"}
    assert context.bearer_principal(_bearer_request(token), spec) is first
    with pytest.raises(TypeError):
        first.claims["sub"] = "mallory"  # shared between requests, so read-only
    other = auth.SchemeSpec("oauth", "jwt")
    assert context.bearer_principal(_bearer_request(token), other).schemes == ("oauth",)
    # Past the verifier's cache entry the token is verified again, and a new principal built.
    monkeypatch.setattr(tokens.time, "time", lambda: now + 11)
    again = context.bearer_principal(_bearer_request(token), spec)
    assert again is not first and again == first
    with pytest.raises(auth._Rejected):
        context.bearer_principal(_bearer_request(token[:-2] + "xx"), spec)
    monkeypatch.undo()
    for n in range(5):
        fresh = sign(claims(sub=f"user{n}", iss=None, aud=None))
        assert context.bearer_principal(_bearer_request(fresh), spec).subject == f"user{n}"
    assert len(context._principals) == 2


def test_authentication_comes_before_parameter_validation(client: TestClient) -> None:
    # Without credentials a malformed request learns nothing about its parameters.
    anonymous = client.delete(f"{URL}/not-a-number")
    assert anonymous.status_code == 401
    assert "WWW-Authenticate" in anonymous.headers
    token = sign(claims(scope="tasks:write"))
    authenticated = client.delete(
        f"{URL}/not-a-number", headers={"Authorization": f"Bearer {token}"}
    )
    assert authenticated.status_code in {400, 422}
