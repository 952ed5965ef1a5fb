"""Alembic environment: runs migrations through the service's async engine."""

from __future__ import annotations

import asyncio
import logging.config

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from examples.users.settings import ServiceSettings
from examples.users.tables import Base

config = context.config
# `migrate` hands the URL over in `attributes`; alembic's own CLI falls back to the settings.
url = config.attributes.get("database_url") or ServiceSettings().database_url
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


# SQLite cannot ALTER most things; batch mode copies the table instead.
BATCH = url.startswith("sqlite")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        compare_server_default=True,
        render_as_batch=BATCH,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=BATCH,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
