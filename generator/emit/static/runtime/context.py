"""A typed request context for the handlers that ask for it (FastAPI's dependency injection).

A handler declares `context: RequestContext = CONTEXT` among its keyword parameters (the
Protocol does not list it, so handlers that do not ask keep their signatures). It then gets
the request id, client address, read-only headers and cookies, the base URL, the verified
principal, FastAPI's `BackgroundTasks` (run after the response is sent), and the per-request
resources the application registered with `create_app(resources={"db": get_session})`: each
is an ordinary FastAPI dependency, so a `yield` dependency wraps the handler (a SQLAlchemy
session that commits when the handler returns and rolls back on an exception, say); it ends
before the response is sent, so a failed commit is answered 500.

    async def get_session() -> AsyncIterator[AsyncSession]:
        async with sessions() as session, session.begin():
            yield session

    class UsersImpl:
        async def get_user(self, *, user_id: UUID, principal: Principal,
                           context: RequestContext = CONTEXT) -> ...:
            session = context.resources["db"]
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import BackgroundTasks, Depends, Request

from .service import request_id_of

if TYPE_CHECKING:
    from .auth import Principal

PRINCIPAL_KEY = "specfirst.principal"
PARAMETER = "context"  # the keyword a handler declares to get the context
Resources = Mapping[str, Callable[..., Any]]  # name -> FastAPI dependency


@dataclass(frozen=True)
class RequestContext:
    """What a handler may want to know about its request, and its per-request resources."""

    request_id: str | None
    client: str | None  # the peer address (behind a proxy: run uvicorn with --proxy-headers)
    headers: Mapping[str, str]
    cookies: Mapping[str, str]
    base_url: str  # scheme://host[:port][root path], without a trailing slash
    principal: Principal | None
    background: BackgroundTasks
    resources: Mapping[str, Any] = field(default_factory=dict)


class _Declared:
    """The default value that marks a handler's `context` parameter."""

    def __repr__(self) -> str:
        return "CONTEXT"


# The default of a handler's `context: RequestContext` parameter (typed Any so that it fits).
CONTEXT: Any = _Declared()
CURRENT: ContextVar[RequestContext | None] = ContextVar("specfirst_context", default=None)


def wants_context(method: Callable[..., Any]) -> bool:
    """True when a handler method declares the `context` keyword."""
    return PARAMETER in inspect.signature(method).parameters


def provider(resources: Resources) -> Callable[..., Any]:
    """A FastAPI dependency that builds the RequestContext, resolving `resources` with it."""

    async def provide(
        request: Request, background: BackgroundTasks, **found: Any
    ) -> RequestContext:
        client = request.client.host if request.client else None
        return RequestContext(
            request_id=request_id_of(request.scope),
            client=client,
            headers=request.headers,
            cookies=dict(request.cookies),
            base_url=str(request.base_url).rstrip("/"),
            principal=request.scope.get(PRINCIPAL_KEY),
            background=background,
            resources=found,
        )

    fixed = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter(
            "background", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=BackgroundTasks
        ),
    ]
    named = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            # scope="function": a `yield` dependency ends before the response is sent, so a
            # commit that fails is the client's 500, not a 2xx for work that was lost
            annotation=Annotated[Any, Depends(dependency, scope="function")],
        )
        for name, dependency in resources.items()
    ]
    provide.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*fixed, *named], return_annotation=RequestContext
    )
    return provide


class Injecting:
    """Stands for an implementation: the methods that declare `context` get the current one."""

    def __init__(self, impl: object, names: frozenset[str]) -> None:
        self._impl = impl
        self._names = names

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._impl, name)
        if name not in self._names:
            return method

        async def with_context(**kwargs: Any) -> Any:
            return await method(**kwargs, context=CURRENT.get())

        return with_context
