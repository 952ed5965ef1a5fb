"""Logging in through the contract's OAuth2 password flow instead of minting tokens."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from generator.contract.credentials import Identity, plan_credentials, read_schemes
from generator.contract.login import PasswordGrant, token_urls

DOC: dict[str, Any] = {
    "paths": {
        "/me": {"get": {"security": [{"oauth2": ["me:read"]}]}},
        "/all": {"get": {"security": [{"oauth2": ["admin"]}]}},
    },
    "components": {
        "securitySchemes": {
            "oauth2": {
                "type": "oauth2",
                "flows": {
                    "password": {"tokenUrl": "token", "scopes": {"me:read": "", "admin": ""}}
                },
            }
        }
    },
}


class TokenEndpoint(BaseHTTPRequestHandler):
    """Grants `me:read` to ada (password `pw`), refuses everything else with RFC 6749 errors."""

    requests: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        TokenEndpoint.requests.append(form)
        ok = form["username"] == ["ada"] and form["password"] == ["pw"]
        if ok and form.get("scope") == ["me:read"]:
            status, body = 200, {"access_token": "t-" + form["scope"][0], "expires_in": 900}
        else:
            status, body = 400, {"error": "invalid_scope" if ok else "invalid_grant"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), TokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    TokenEndpoint.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


def test_tokens_come_from_the_token_endpoint_once_per_scope_set(base_url: str) -> None:
    grant = PasswordGrant(token_urls(read_schemes(DOC), base_url))
    assert grant.urls == {"oauth2": base_url + "/token"}
    alice = Identity("alice", {"oauth2": "ada:pw"})
    plan = plan_credentials(
        DOC, identities=(alice, Identity("bob")), jwt_secret="s" * 40, login=grant
    )
    assert [i.name for i in plan.identities] == ["alice"]  # bob could only mint: dropped
    for _ in range(3):
        sent = plan.credentials("GET /me", alice)
        assert sent is not None and sent.headers == {"Authorization": "Bearer t-me:read"}
    assert TokenEndpoint.requests == [
        {"grant_type": ["password"], "username": ["ada"], "password": ["pw"], "scope": ["me:read"]}
    ]


def test_a_refused_login_is_reported_once_and_sends_no_token(base_url: str) -> None:
    grant = PasswordGrant(token_urls(read_schemes(DOC), base_url))
    alice = Identity("alice", {"oauth2": "ada:pw"})
    plan = plan_credentials(DOC, identities=(alice,), jwt_secret=None, login=grant)
    for _ in range(2):
        sent = plan.credentials("GET /all", alice)
        assert sent is not None and sent.headers == {}
    assert len(TokenEndpoint.requests) == 1
    assert len(grant.refusals) == 1 and "invalid_scope" in grant.refusals[0]
