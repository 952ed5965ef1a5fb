"""The database: one async engine per process, one session per request, SQLite or PostgreSQL.

Each request's session is its unit of work: the `db` resource the app registers with
`create_app(resources=...)`, found in `context.resources`. It commits when the handler
returns and rolls back when it raises, before the response is sent, so a client never sees
2xx for a write that was not stored. It cannot see which result the handler returned, so
a handler that wrote and then answers an error rolls its writes back first
(`session.rollback()`); whatever a handler leaves in the session is committed, an error
result's deliberate writes included (a replayed refresh token revokes its sign-in).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from generated.users import RequestContext

from .settings import ServiceSettings

RESOURCE = "db"  # the name of the request's session in `context.resources`


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    """An engine with pooling set from settings; SQLite gets foreign keys, WAL and a busy timeout.

    `hide_parameters` keeps bound values (password hashes, token hashes, emails) out of
    exception messages and logs.
    """
    url = make_url(settings.database_url)
    options: dict[str, Any] = {
        "echo": settings.database_echo,
        "hide_parameters": True,
        "pool_pre_ping": True,
    }
    if url.get_driver_name() == "asyncpg":
        options["connect_args"] = {"timeout": settings.database_connect_timeout_seconds}
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if not in_memory:
        options |= {
            "pool_size": settings.database_pool_size,
            "max_overflow": settings.database_max_overflow,
            "pool_timeout": settings.database_pool_timeout_seconds,
            "pool_recycle": settings.database_pool_recycle_seconds,
        }
    engine = create_async_engine(url, **options)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine, settings.database_busy_timeout_ms)
    return engine


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """Per-connection pragmas: SQLite forgets them between connections."""

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class Database:
    """The engine and its session factory: `unit_of_work()` per request, `session()` else."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # expire_on_commit=False: rows stay readable after `release()` and the final commit.
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Database:
        """The database the settings name."""
        return cls(create_engine(settings))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session outside requests (start-up); rolls back what was not committed."""
        async with self._sessions() as session:
            yield session

    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One request's session (a FastAPI `yield` dependency): commit when the handler
        returns, roll back (closing the session) when it raises or the commit fails."""
        async with self._sessions() as session:
            yield session
            await session.commit()

    async def ping(self) -> bool:
        """True when the database answers a trivial query (readiness)."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Close every pooled connection (graceful shutdown)."""
        await self.engine.dispose()


def session_of(context: RequestContext) -> AsyncSession:
    """The request's session, from the context its handler declared."""
    session: AsyncSession = context.resources[RESOURCE]
    return session


async def release(session: AsyncSession) -> None:
    """End a transaction that has only read, so its connection goes back to the pool while
    the handler does slow work that needs none (password hashing); the next query begins
    another. A commit, not a rollback: a rollback would expire the rows already loaded."""
    await session.commit()


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (-1 when the driver cannot tell)."""
    return result.rowcount if isinstance(result, CursorResult) else -1
