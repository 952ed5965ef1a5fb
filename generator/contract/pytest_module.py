"""`render_pytest_module`: a pytest module running the contract tests in-process (ASGI, no uvicorn).

The rendered module is the developer's (written once by `specfirst scaffold`, then theirs): it
reads the contract from the generated package (`<package>.contract.contract()`, the bundled
contract, not FastAPI's derived schema) and how the package verifies each security scheme
(`<package>.security.SCHEMES`: the IR's `SchemeKind`), builds the app through their factory
with fresh test credentials in the environment, and runs schemathesis (`@schema.parametrize()`
and the stateful `as_state_machine()`, a fresh app per scenario) plus an auth matrix: per
secured operation, no credentials and invalid credentials get 401, a token without the required
scopes gets 403, valid credentials get past authentication. It imports nothing from specfirst.

>>> "def test_contract" in render_pytest_module("specs/notes.yaml", "generated.notes", "app:create_app")
True
"""

from __future__ import annotations

import json
import re
from string import Template

from generator.ir.security import SchemeKind

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")

TEMPLATE = Template(
    r'''"""Contract tests for $package, in-process: schemathesis and the auth matrix.

Written once by specfirst; yours to edit. The contract comes from the generated package (the
bundled contract it was generated from), so new operations are covered after regenerating.
Tune with CONTRACT_MAX_EXAMPLES, CONTRACT_SEED and CONTRACT_EXCLUDE_CHECKS (comma-separated).
`specfirst test` runs the same checks against the service over HTTP (uvicorn), with a peer
identity for object-level authorization.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import re
import secrets
import time
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import jwt
import pytest
import schemathesis
from starlette.testclient import TestClient

CONTRACT_FILE = $contract
PACKAGE = $package_literal
FACTORY = $factory
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("CONTRACT_SEED", "20240601"))
# Checks to skip while a known problem is being fixed, e.g. "allow_header_conformance".
EXCLUDE_CHECKS = [c for c in os.environ.get("CONTRACT_EXCLUDE_CHECKS", "").split(",") if c]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
USER = "alice"

DOCUMENT: dict[str, Any] = importlib.import_module(f"{PACKAGE}.contract").contract()
SETTINGS = importlib.import_module(f"{PACKAGE}.settings").Settings
PREFIX: str = SETTINGS.model_config["env_prefix"]
SECRET = secrets.token_urlsafe(48)
API_KEY = secrets.token_urlsafe(24)
PASSWORD = secrets.token_urlsafe(18)
# The generated package's schemes by contract name: how each is verified (`kind`: jwt, apiKey,
# basic or unsupported) and, for an API key, where it travels.
SCHEMES: dict[str, Any] = {
    spec.name: spec for spec in importlib.import_module(f"{PACKAGE}.security").SCHEMES.values()
}


def _kind(name: str) -> str:
    return str(SCHEMES[name].kind) if name in SCHEMES else $unsupported


def _requirement(operation: dict[str, Any]) -> dict[str, list[str]] | None:
    """The first security alternative these tests can satisfy (None: send no credentials)."""
    for alternative in operation.get("security", DOCUMENT.get("security", [])):
        kinds = [_kind(name) for name in alternative]
        usable = $unsupported not in kinds and kinds.count($jwt) + kinds.count($basic) <= 1
        if alternative and usable:
            return dict(alternative)
    return None


def _token(scopes: list[str], secret: str = SECRET) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"sub": USER, "iat": now, "nbf": now, "exp": now + 900}
    if scopes:
        claims["scope"] = " ".join(scopes)
    for claim, setting in (("iss", "JWT_ISSUER"), ("aud", "JWT_AUDIENCE")):
        if os.environ.get(PREFIX + setting):
            claims[claim] = os.environ[PREFIX + setting]
    return jwt.encode(claims, secret, algorithm="HS256")


def _credentials(
    requirement: dict[str, list[str]], *, valid: bool = True, scoped: bool = True
) -> dict[str, dict[str, str]]:
    """Headers, query parameters and cookies that meet (or, `valid=False`, fail) `requirement`."""
    sent: dict[str, dict[str, str]] = {"headers": {}, "query": {}, "cookies": {}}
    for name, scopes in requirement.items():
        scheme, kind = SCHEMES[name], _kind(name)
        if kind == $jwt:
            token = _token(scopes if scoped else [], SECRET if valid else "x" * 48)
            sent["headers"]["Authorization"] = f"Bearer {token}"
        elif kind == $basic:
            pair = f"{USER}:{PASSWORD if valid else 'wrong-password'}".encode()
            sent["headers"]["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        else:
            place = {"query": "query", "cookie": "cookies"}.get(scheme.location, "headers")
            sent[place][scheme.parameter] = API_KEY if valid else "not-a-valid-key"
    return sent


def _environment() -> dict[str, str]:
    env = {
        PREFIX + "JWT_SECRET": SECRET,
        PREFIX + "JWT_ALGORITHMS": json.dumps(["HS256"]),
        PREFIX + "API_KEY_HASHES": json.dumps({USER: hashlib.sha256(API_KEY.encode()).hexdigest()}),
    }
    if any(_kind(name) == $basic for name in SCHEMES):
        from pwdlib import PasswordHash

        env[PREFIX + "BASIC_USERS"] = json.dumps({USER: PasswordHash.recommended().hash(PASSWORD)})
    return env


def _make_app() -> Any:
    module, _, factory = FACTORY.partition(":")
    foreign = [
        PREFIX + name
        for name in ("JWT_PUBLIC_KEY", "JWT_JWKS_FILE", "JWT_JWKS_URL", "OIDC_DISCOVERY_URL")
    ]
    with mock.patch.dict(os.environ, _environment()):
        for name in foreign:
            os.environ.pop(name, None)
        return getattr(importlib.import_module(module), factory)()


APP = _make_app()
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
    "cache": {"enabled": False},
    "auth": {"auto-signup": False},
    "checks": {name: {"enabled": False} for name in EXCLUDE_CHECKS},
}
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))
schema.app = APP


@schema.auth(refresh_interval=None)
class ContractCredentials:
    """Per operation, credentials for its first satisfiable security requirement."""

    def get(self, case: Any, context: Any) -> dict[str, dict[str, str]] | None:
        operation = DOCUMENT["paths"][context.operation.path][context.operation.method.lower()]
        requirement = _requirement(operation)
        return _credentials(requirement) if requirement else None

    def set(self, case: Any, data: dict[str, dict[str, str]], context: Any) -> None:
        case.headers.update(data["headers"])
        case.query.update(data["query"])
        case.cookies.update(data["cookies"])


@schema.parametrize()
def test_contract(case: Any) -> None:
    case.call_and_validate()


class ContractStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    """Each scenario talks to a fresh app: state kept in memory does not leak between scenarios,
    so hypothesis can replay (and shrink) a scenario exactly."""

    def setup(self) -> None:
        self.app = _make_app()

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"app": self.app}


TestContractStateful = ContractStateMachine.TestCase


def _secured() -> list[Any]:
    found = []
    for path, item in DOCUMENT.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            requirement = _requirement(operation) if isinstance(operation, dict) else None
            if requirement:
                found.append(pytest.param(method, path, requirement, id=f"{method.upper()} {path}"))
    return found


def _base_path() -> str:
    server = (DOCUMENT.get("servers") or [{}])[0]
    url = str(server.get("url", ""))
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return urlsplit(url).path.rstrip("/")


def _call(client: TestClient, method: str, path: str, sent: dict[str, dict[str, str]]) -> int:
    url = _base_path() + re.sub(r"\{[^{}]*\}", "1", path)  # any value: auth is checked first
    client.cookies.clear()
    for name, value in sent["cookies"].items():
        client.cookies.set(name, value)
    response = client.request(method.upper(), url, headers=sent["headers"], params=sent["query"])
    return response.status_code


@pytest.mark.parametrize(("method", "path", "requirement"), _secured())
def test_auth_matrix(method: str, path: str, requirement: dict[str, list[str]]) -> None:
    """No or invalid credentials: 401. Missing scopes: 403. Valid: past authentication."""
    nothing: dict[str, dict[str, str]] = {"headers": {}, "query": {}, "cookies": {}}
    with TestClient(APP) as client:
        assert _call(client, method, path, nothing) == 401
        assert _call(client, method, path, _credentials(requirement, valid=False)) == 401
        if any(scopes for name, scopes in requirement.items() if _kind(name) == $jwt):
            assert _call(client, method, path, _credentials(requirement, scoped=False)) == 403
        assert _call(client, method, path, _credentials(requirement)) not in {401, 403}
'''
)


def render_pytest_module(contract: str, package: str, factory: str) -> str:
    """Source of the developer's contract-test module.

    `contract` is the contract's path as the project names it (documentation only), `package`
    the generated package's import path (`generated.users`), `factory` the app factory as
    `module:function`, called without arguments (settings come from the environment).
    """
    module, sep, function = factory.partition(":")
    if not DOTTED.match(package):
        raise ValueError(f"not an importable package path: {package!r}")
    if not sep or not DOTTED.match(module) or not DOTTED.match(function) or "." in function:
        raise ValueError(f"the factory must look like package.module:function, not {factory!r}")
    return TEMPLATE.substitute(
        # the kinds the generated `security.SCHEMES` names, as the IR spells them
        jwt=json.dumps(SchemeKind.JWT.value),
        basic=json.dumps(SchemeKind.BASIC.value),
        unsupported=json.dumps(SchemeKind.UNSUPPORTED.value),
        package=package,
        package_literal=json.dumps(package),
        contract=json.dumps(contract),  # a double-quoted Python literal, as ruff formats it
        factory=json.dumps(factory),
    )
