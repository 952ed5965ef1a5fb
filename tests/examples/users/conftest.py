"""Fixtures: each test gets a fresh database on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import email_validator
import pytest

from .backends import (
    Backend,
    drop_postgres,
    fresh_postgres,
    migrated_sqlite,
    postgres_reachable,
    sqlite_copy,
    truncate_postgres,
)
from .service import Service, settings_for


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session, copied for every test."""
    return migrated_sqlite(tmp_path_factory.mktemp("users-sqlite"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """This worker's migrated PostgreSQL database, or None when no server answers."""
    if not postgres_reachable():
        yield None
        return
    url = fresh_postgres()
    yield url
    drop_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Backend:
    """An empty, migrated database."""
    if request.param == "sqlite":
        return Backend("sqlite", sqlite_copy(sqlite_template, tmp_path))
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    truncate_postgres(url)
    return Backend("postgresql", url)


@pytest.fixture
def start(backend: Backend) -> Iterator[Callable[..., Service]]:
    """Start the service on the test's database with settings overrides; stopped afterwards."""
    before = email_validator.TEST_ENVIRONMENT  # build_app sets this process-wide default
    with ExitStack() as stack:

        def make(**overrides: Any) -> Service:
            return Service(settings_for(backend.url, **overrides), stack)

        yield make
    email_validator.TEST_ENVIRONMENT = before


@pytest.fixture
def service(start: Callable[..., Service]) -> Service:
    """The service with default test settings."""
    return start()
