"""`create_app()`: the users service, as uvicorn runs it (`--factory`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import email_validator
from fastapi import FastAPI
from starlette.middleware import Middleware

import generated.users

from .admin import AdminHandlers
from .auth import AuthHandlers
from .bootstrap import ensure_admin
from .db import RESOURCE, Database
from .grants import GrantTypeMiddleware
from .health import HealthHandlers, Lifecycle
from .logs import AccessLogMiddleware, RequestContextMiddleware, configure_logging
from .outages import StopOnSignal, install_outage_handlers
from .passwords import Passwords
from .ratelimit import AddressLimitMiddleware, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from .settings import ServiceSettings
from .tokens import AccessTokenIssuer, RefreshTokens
from .users import UsersHandlers

logger = logging.getLogger(__name__)
TOKEN_PATH = "/api/v1/auth/token"
# Every request to these counts per address; sign-in counts failures only (`auth.py`).
REQUEST_LIMITED_PATHS = frozenset(
    {"/api/v1/auth/refresh", "/api/v1/users", "/api/v1/users/me/password"}
)


def create_app() -> FastAPI:
    """The service configured from the environment: `uvicorn --factory examples.users.app:create_app`."""
    return build_app(ServiceSettings())


def build_app(
    settings: ServiceSettings,
    *,
    passwords: Passwords | None = None,
    limiter: RateLimiter | None = None,
) -> FastAPI:
    """The service for `settings`; tests pass a cheaper hasher or their own limiter."""
    configure_logging(settings.log_level, as_json=settings.log_json)
    # email-validator's documented module-level default; see ServiceSettings.
    email_validator.TEST_ENVIRONMENT = settings.email_allow_test_domains
    database = Database.from_settings(settings)
    passwords = passwords or Passwords(concurrency=settings.password_hash_concurrency)
    if limiter is None and settings.redis_url:
        limiter = RedisRateLimiter(settings.redis_url, settings.rate_limit_window_seconds)
    shared = limiter is not None and settings.redis_url is not None
    limiter = limiter or MemoryRateLimiter(settings.rate_limit_window_seconds)
    lifecycle = Lifecycle()

    stop_on_signal = StopOnSignal(lifecycle, settings.shutdown_delay_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_admin(settings, database, passwords)
        stop_on_signal.install()
        logger.info("users service started")
        try:
            yield
        finally:
            # Graceful shutdown: uvicorn has stopped accepting and drained requests by now.
            stop_on_signal.uninstall()
            lifecycle.stopping = True
            await limiter.close()
            await database.dispose()
            logger.info("users service stopped")

    per_account = settings.rate_limit_per_account
    app = generated.users.create_app(
        auth=AuthHandlers(
            passwords=passwords,
            access=AccessTokenIssuer.from_settings(settings),
            refresh=RefreshTokens(settings.refresh_token_ttl_seconds),
            limiter=limiter,
            per_account=per_account,
            per_address=settings.rate_limit_per_address,
        ),
        users=UsersHandlers(passwords=passwords, limiter=limiter, per_account=per_account),
        admin=AdminHandlers(),
        health=HealthHandlers(
            db=database, lifecycle=lifecycle, limiter=limiter if shared else None
        ),
        settings=settings,
        # each request's unit of work (`db.py`); the runtime ends it before the response is sent
        resources={RESOURCE: database.unit_of_work},
        lifespan=lifespan,
    )
    install_outage_handlers(app)
    # Inside the generated middleware (request id, security headers, body limit, 500s):
    # first the request id for logs, then the per-address limit, which needs it, then the
    # token endpoint's `unsupported_grant_type`, which reads the (size-limited) body.
    app.user_middleware.append(Middleware(RequestContextMiddleware))
    app.user_middleware.append(
        Middleware(
            AddressLimitMiddleware,
            limiter=limiter,
            paths=REQUEST_LIMITED_PATHS,
            limit=settings.rate_limit_per_address,
        )
    )
    app.user_middleware.append(Middleware(GrantTypeMiddleware, path=TOKEN_PATH))
    app.add_middleware(AccessLogMiddleware)  # outermost: sees every final status
    app.state.database = database
    app.state.lifecycle = lifecycle
    return app
