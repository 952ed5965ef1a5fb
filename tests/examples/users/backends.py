"""Test databases: an SQLite file per test, or one PostgreSQL database per xdist worker."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from examples.users import migrate
from examples.users.settings import ServiceSettings

PG_HOST = os.environ.get("SPECFIRST_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_URL = f"postgresql+asyncpg://postgres@{PG_HOST}:5432/postgres"
TABLES = ("refresh_tokens", "users")


def pg_database_name() -> str:
    """One database per xdist worker, so parallel runs never share rows."""
    return f"specfirst_users_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


async def _execute(url: str, *statements: str, autocommit: bool = False) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        async with engine.connect() as connection:
            connection = await connection.execution_options(**options)
            for statement in statements:
                await connection.execute(text(statement))
            if not autocommit:
                await connection.commit()
    finally:
        await engine.dispose()


def run(url: str, *statements: str, autocommit: bool = False) -> None:
    """Execute SQL statements against `url` from synchronous test code."""
    asyncio.run(_execute(url, *statements, autocommit=autocommit))


async def _scalar(url: str, statement: str, params: dict[str, object]) -> object:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(statement), params)).scalar()
    finally:
        await engine.dispose()


def scalar(url: str, statement: str, **params: object) -> object:
    """The first column of the first row of a query, from synchronous test code."""
    return asyncio.run(_scalar(url, statement, params))


def postgres_reachable() -> bool:
    """True when the PostgreSQL server answers within a second or two."""
    try:
        asyncio.run(asyncio.wait_for(_execute(PG_ADMIN_URL, "SELECT 1"), 3))
    except Exception:
        return False
    return True


def fresh_postgres() -> str:
    """(Re)create this worker's database, migrated to head; returns its URL."""
    name = pg_database_name()
    run(
        PG_ADMIN_URL,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
        autocommit=True,
    )
    url = f"postgresql+asyncpg://postgres@{PG_HOST}:5432/{name}"
    migrate.upgrade(ServiceSettings(database_url=url), configure_logging=False)
    return url


def drop_postgres() -> None:
    """Remove this worker's database."""
    run(
        PG_ADMIN_URL,
        f'DROP DATABASE IF EXISTS "{pg_database_name()}" WITH (FORCE)',
        autocommit=True,
    )


def truncate_postgres(url: str) -> None:
    """Empty every table between tests (much cheaper than migrating again)."""
    run(url, f"TRUNCATE {', '.join(TABLES)} CASCADE")


def migrated_sqlite(folder: Path) -> Path:
    """An SQLite file migrated to head, to copy for each test."""
    path = folder / "template.db"
    migrate.upgrade(
        ServiceSettings(database_url=f"sqlite+aiosqlite:///{path}"), configure_logging=False
    )
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """A private copy of the migrated template; returns its URL."""
    path = folder / "users.db"
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


@dataclass(frozen=True)
class Backend:
    """The database one test runs against."""

    name: str
    url: str
