"""Fixtures: each test gets a fresh database on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
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


@contextmanager
def process_wide_settings() -> Iterator[None]:
    """Undo what `build_app` sets for the whole process (logging, email-validator's default),
    so the rest of the test session is not affected."""
    root = logging.getLogger()
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in [root, *loggers]]
    test_environment = email_validator.TEST_ENVIRONMENT
    try:
        yield
    finally:
        for logger, handlers, level, propagate, disabled in saved:
            logger.handlers, logger.propagate, logger.disabled = handlers, propagate, disabled
            logger.setLevel(level)
        email_validator.TEST_ENVIRONMENT = test_environment


@pytest.fixture
def start(backend: Backend) -> Iterator[Callable[..., Service]]:
    """Start the service on the test's database with settings overrides; stopped afterwards."""
    with process_wide_settings(), ExitStack() as stack:

        def make(**overrides: Any) -> Service:
            return Service(settings_for(backend.url, **overrides), stack)

        yield make


@pytest.fixture
def service(start: Callable[..., Service]) -> Service:
    """The service with default test settings."""
    return start()
