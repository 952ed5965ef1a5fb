"""`specfirst token`: tokens the service itself accepts, scopes the contract defines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt

ROOT = Path(__file__).parents[1]
SECRET = "s" * 40


def token(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("JWT_SECRET")}
    return subprocess.run(
        [sys.executable, "-m", "generator", "token", "--sub", "alice", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
    )


def test_signs_with_the_services_own_secret_issuer_and_audience() -> None:
    # examples.users reads USERS_JWT_SECRET and verifies iss/aud; SPECFIRST_JWT_SECRET is not its
    result = token("-s", "users:read", "--app", "users", USERS_JWT_SECRET=SECRET)
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(
        result.stdout.strip(),
        SECRET,
        algorithms=["HS256"],
        issuer="specfirst-users",
        audience="specfirst-users-api",
    )
    assert (claims["sub"], claims["scope"]) == ("alice", "users:read")


def test_the_generated_service_accepts_it() -> None:
    os.environ["USERS_JWT_SECRET"] = SECRET
    try:
        from generated.users import create_app

        app = create_app()
    finally:
        del os.environ["USERS_JWT_SECRET"]
    result = token("-s", "admin", "--app", "generated.users", USERS_JWT_SECRET=SECRET)
    assert result.returncode == 0, result.stderr
    assert app.state.auth.jwt.claims(result.stdout.strip())["scope"] == "admin"


def test_a_scope_the_contract_does_not_define_is_refused_with_the_valid_ones() -> None:
    result = token("-s", "users:wirte", "--app", "users", USERS_JWT_SECRET=SECRET)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "users:wirte" in result.stderr
    assert "valid scopes: admin, users:read, users:write" in result.stderr


def test_without_a_secret_it_names_the_services_variable() -> None:
    result = token("--app", "generated.users", SPECFIRST_JWT_SECRET=SECRET)
    assert result.returncode == 2
    assert "set USERS_JWT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_several_apps_and_none_chosen_is_a_usage_error_listing_them() -> None:
    result = token(USERS_JWT_SECRET=SECRET)
    assert result.returncode == 2
    assert "showcase, users" in result.stderr


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    from generator import token_app

    result = doctest.testmod(token_app)
    assert result.attempted > 0 and result.failed == 0
