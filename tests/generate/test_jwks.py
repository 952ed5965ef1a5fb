"""Asymmetric keys: a JWKS file, a JWKS URL (fetched once, refetched on an unknown kid), OIDC discovery."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

URL = "/v1/tasks"


def make_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


def token(key: rsa.RSAPrivateKey, kid: str, **headers: Any) -> str:
    now = int(time.time())
    claims = {"sub": "alice", "exp": now + 300, "iat": now, "scope": "tasks:write"}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, **headers})


class Impl:
    def __init__(self, results: ModuleType) -> None:
        self.r = results

    async def create_task(self, *, body: Any, principal: Any) -> Any:
        raise NotImplementedError


def post(client: TestClient, bearer: str) -> int:
    return client.post(
        URL, json={"title": "t"}, headers={"Authorization": f"Bearer {bearer}"}
    ).status_code


def test_jwks_file(tasks: ModuleType, tmp_path: Path) -> None:
    key, other = make_key(), make_key()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk(key, "k1")]}))
    client = TestClient(
        tasks.create_app(settings=tasks.Settings(jwt_jwks_file=jwks)), raise_server_exceptions=False
    )
    assert post(client, token(key, "k1")) == 501  # past authentication, not implemented
    assert post(client, token(other, "k1")) == 401  # wrong signature
    assert post(client, token(key, "unknown")) == 401


class KeyServer:
    """A local OIDC provider: discovery document and a JWKS whose keys can rotate."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.jwks_fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                base = f"http://127.0.0.1:{self.server.server_address[1]}"
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": base, "jwks_uri": base + "/jwks.json"}
                elif self.path == "/jwks.json":
                    server.jwks_fetches += 1
                    body = {"keys": server.keys}
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def provider() -> Iterator[KeyServer]:
    server = KeyServer()
    yield server
    server.httpd.shutdown()


def test_jwks_url_cached_and_refreshed_on_unknown_kid(
    tasks: ModuleType, provider: KeyServer
) -> None:
    first, second = make_key(), make_key()
    provider.keys = [jwk(first, "k1")]
    settings = tasks.Settings(
        jwt_jwks_url=provider.base + "/jwks.json", jwt_jwks_refresh_cooldown_seconds=0
    )
    client = TestClient(tasks.create_app(settings=settings), raise_server_exceptions=False)
    assert post(client, token(first, "k1")) == 501
    assert post(client, token(first, "k1")) == 501
    assert provider.jwks_fetches == 1  # cached
    provider.keys = [jwk(first, "k1"), jwk(second, "k2")]  # the provider rotates keys
    assert post(client, token(second, "k2")) == 501
    assert provider.jwks_fetches == 2  # refetched once for the unknown kid


def test_oidc_discovery_and_hostile_headers(tasks: ModuleType, provider: KeyServer) -> None:
    key, attacker = make_key(), make_key()
    provider.keys = [jwk(key, "k1")]
    settings = tasks.Settings(
        oidc_discovery_url=provider.base + "/.well-known/openid-configuration"
    )
    client = TestClient(tasks.create_app(settings=settings), raise_server_exceptions=False)
    assert post(client, token(key, "k1")) == 501
    # A token that points at the attacker's own key material is never trusted.
    assert post(client, token(attacker, "k1", jwk=jwk(attacker, "k1"))) == 401
    assert post(client, token(attacker, "evil", jku="http://127.0.0.1:9/jwks.json")) == 401
    assert post(client, token(attacker, "evil", x5u="http://127.0.0.1:9/cert.pem")) == 401
