"""All configuration of the users service, from the environment (prefix `USERS_`)."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from generated.users import Settings

SQLITE_DEFAULT = "sqlite+aiosqlite:///./users.db"


class ServiceSettings(Settings):
    """The generated package's settings plus what the implementation needs.

    Every field reads `USERS_<NAME>`; `DATABASE_URL` and `REDIS_URL` are also read without the
    prefix because that is how platforms hand them over. Example:

        USERS_JWT_SECRET=$(openssl rand -hex 32) DATABASE_URL=postgresql+asyncpg://u@db/users
    """

    model_config = SettingsConfigDict(validate_by_name=True)

    # The contract documents a 16 KiB body limit (`info.description`, "Limits").
    max_body_bytes: int = Field(default=16_384, ge=1)
    # Tokens are minted here, so issuer and audience always have a value to verify against.
    jwt_issuer: str | None = "specfirst-users"
    jwt_audience: str | None = "specfirst-users-api"

    database_url: str = Field(
        default=SQLITE_DEFAULT,
        validation_alias=AliasChoices("USERS_DATABASE_URL", "DATABASE_URL"),
    )
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    database_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    database_pool_recycle_seconds: int = Field(default=1800, ge=-1)
    # SQLite: how long a writer waits for another (process's) write to finish. Generous,
    # because under CPU pressure a short write can hold the lock for seconds.
    database_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # asyncpg waits 60 s for a connection by default; an unreachable database should answer
    # 503 (`outages.py`) well before a client gives up.
    database_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("USERS_REDIS_URL", "REDIS_URL")
    )

    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86_400, ge=300)

    # Credential endpoints (token, refresh, register, password change): requests per window.
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86_400)
    rate_limit_per_address: int = Field(default=30, ge=1)
    rate_limit_per_account: int = Field(default=10, ge=1)

    # Argon2id needs 64 MiB and 4 threads per hash: bound how many run at once per process,
    # so a burst of sign-ins cannot starve the event loop (and its open transactions).
    password_hash_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2), ge=1, le=64
    )
    # The contract's `format: email` accepts addresses under `.test` (RFC 6761), which
    # email-validator refuses unless told this is a test environment.
    email_allow_test_domains: bool = True

    admin_email: str | None = None
    admin_password: SecretStr | None = None
    admin_display_name: str = "Administrator"

    # The server (`python -m examples.users serve`, README "Running it"). Forwarded headers
    # (`X-Forwarded-For`) are trusted from these addresses only; none by default, so a client
    # cannot choose the address its rate limits are counted under.
    trusted_proxies: list[str] = Field(default_factory=list)
    max_header_bytes: int = Field(default=16_384, ge=1024, le=1_048_576)
    keep_alive_seconds: int = Field(default=5, ge=1, le=300)
    graceful_shutdown_seconds: int = Field(default=10, ge=0, le=600)
    # After SIGTERM, how long liveness and readiness answer 503 before the server stops
    # accepting (a load balancer's time to notice); a second SIGTERM skips the wait.
    shutdown_delay_seconds: float = Field(default=0.0, ge=0, le=600)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _admin_pair(self) -> ServiceSettings:
        """The bootstrap admin needs both an email and a password, or neither."""
        if (self.admin_email is None) != (self.admin_password is None):
            raise ValueError("set both USERS_ADMIN_EMAIL and USERS_ADMIN_PASSWORD, or neither")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file (or memory)."""
        return self.database_url.startswith("sqlite")
