"""The example services pass their own contract tests: `specfirst test` at 100 examples, fixed seed."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.examples.users.backends import PG_ADMIN_URL, PG_HOST, postgres_reachable, run

ROOT = Path(__file__).parents[2]
PG_DATABASE = "specfirst_users_contract"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (PostgreSQL skipped cleanly when none answers)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'users.db'}"
        return
    if not postgres_reachable():
        pytest.skip("no PostgreSQL reachable on 127.0.0.1:5432")
    drop = f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'
    run(PG_ADMIN_URL, drop, f'CREATE DATABASE "{PG_DATABASE}"', autocommit=True)
    yield f"postgresql+asyncpg://postgres@{PG_HOST}:5432/{PG_DATABASE}"
    run(PG_ADMIN_URL, drop, autocommit=True)


def test_users_service_passes_its_contract_tests(tmp_path: Path, database_url: str) -> None:
    password = secrets.token_urlsafe(18)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "USERS_JWT_SECRET": secrets.token_hex(32),
        "USERS_ADMIN_EMAIL": "admin@example.com",
        "USERS_ADMIN_PASSWORD": password,
        "PYTHONPATH": str(ROOT),
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "examples.users", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    summary = tmp_path / "summary.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "test",
            "specs/users.yaml",
            "--app",
            "examples.users.app:create_app",
            "--credential",
            f"oauth2=admin@example.com:{password}",
            "--max-examples",
            "100",
            "--seed",
            "20240601",
            "--json",
            str(summary),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    result = json.loads(summary.read_text())
    assert result["passed"] is True and result["failures"] == []
    assert result["operations"]["tested"] == result["operations"]["total"] == 12
    assert result["cases"] > 1000


def test_showcase_service_passes_its_contract_tests(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "test",
            "specs/showcase.yaml",
            "--app",
            "examples.showcase.app:create_app",
            "--env-prefix",
            "SHOWCASE_",
            "--max-examples",
            "100",
            "--seed",
            "20240601",
            "--json",
            str(summary),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    result = json.loads(summary.read_text())
    assert result["passed"] is True and result["failures"] == []
    assert result["operations"]["tested"] == result["operations"]["total"] == 23
    assert result["warnings"] == []  # every secured operation got past authentication
