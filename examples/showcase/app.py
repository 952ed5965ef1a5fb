"""`create_app()`: the Lending Library, as uvicorn runs it (`--factory`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pwdlib import PasswordHash
from starlette.middleware import Middleware
from starlette.types import Lifespan

import generated.showcase

from . import parts
from .books import BooksHandlers
from .categories import CategoriesHandlers
from .imports import ImportsHandlers
from .limits import BodyLimitMiddleware, limits_from
from .links import Links
from .loans import LoansHandlers
from .members import MembersHandlers
from .ratelimit import RateLimiter
from .seed import seed
from .settings import MIB, ShowcaseSettings
from .store import Store


def create_app(
    settings: ShowcaseSettings | None = None,
    *,
    store: Store | None = None,
    hasher: PasswordHash | None = None,
) -> FastAPI:
    """The service: `uvicorn --factory examples.showcase.app:create_app` (settings from env).

    Tests pass settings, and may pass their own store or a cheaper password hasher.
    """
    settings = settings or ShowcaseSettings()
    if store is None:
        store = Store()
        if settings.seed_sample_data:
            seed(store)
    limiter = RateLimiter(settings.rate_limit_requests, settings.rate_limit_window_seconds)
    links = Links(settings.public_url)
    # callbacks (importFinished) are sent only when a signing secret is configured
    sender = (
        generated.showcase.webhooks.WebhookSender(settings)
        if settings.webhook_signing_secret is not None
        else None
    )
    app = generated.showcase.create_app(
        books=BooksHandlers(
            store=store, limiter=limiter, links=links, media_base_url=settings.media_base_url
        ),
        categories=CategoriesHandlers(store=store),
        members=MembersHandlers(
            store=store, limiter=limiter, hasher=hasher or PasswordHash.recommended()
        ),
        loans=LoansHandlers(
            store=store, limiter=limiter, links=links, loan_limit=settings.member_loan_limit
        ),
        imports=ImportsHandlers(
            store=store,
            limiter=limiter,
            links=links,
            queue_seconds=settings.import_queue_seconds,
            run_seconds=settings.import_run_seconds,
            sender=sender,
        ),
        settings=settings,
        resources={parts.RESOURCE: parts.declared_parts},
        lifespan=_closing(sender),  # what multipart parts declared
    )
    # Inside the generated middleware, so its 413s carry the request id and security headers.
    limits = limits_from(
        settings.json_body_limit_bytes,
        min(20 * MIB, settings.max_body_bytes),
        settings.max_body_bytes,
    )
    app.user_middleware.append(Middleware(BodyLimitMiddleware, limits=limits))
    app.state.store = store
    return app


def _closing(sender: generated.showcase.webhooks.WebhookSender | None) -> Lifespan[FastAPI]:
    """A lifespan that closes the callback sender's connections at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if sender is not None:
                await sender.aclose()

    return lifespan
