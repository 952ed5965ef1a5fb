"""Operations as routes: read and check the request, call the bound handler, check its result.

Each generated router module describes its operations (`Operation`) and a class whose methods
call the tag's Protocol with typed arguments. `register` binds them once, at `create_app`:
an operation whose method is missing, or only inherited from the Protocol, is answered 501
after authentication and request validation, and a method whose signature cannot take the
contract's arguments stops start-up with a clear error. No name is looked up per request.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .bodies import BodySpec, Invalid, read_body
from .context import (
    CURRENT,
    PRINCIPAL_KEY,
    Injecting,
    RequestContext,
    Resources,
    provider,
    wants_context,
)

__all__ = ["Call", "ContractRoute", "Operation", "Resources", "register"]
from .errors import BOOK
from .expressions import CURRENT as CALLBACK_SOURCE
from .expressions import Source
from .params import ParamSpec, openapi_parameters, read_parameters
from .responses import ContractViolation, ResultSpec, render
from .schemas import Issue, node, resolve
from .service import request_id_of
from .streams import ItemStream, StreamSettings

logger = logging.getLogger(__name__.rsplit(".", 2)[0])
Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]
_NO_MATCH = Match.NONE  # an enum member looked up once (~75 ns a lookup on Python 3.11)


class Call:
    """One validated request, as the generated route hands it to a handler.

    `values` holds the parameters by handler keyword, already of the handler's types; `body`
    the typed body; `principal` who made the request (None where anonymous is allowed). The
    generated routes class assigns each to a local of the Protocol's type, so mypy checks the
    call. A plain class with slots: one is made per request.
    """

    __slots__ = ("body", "principal", "request", "values")

    def __init__(
        self, request: Request, values: Mapping[str, Any], body: Any, principal: Any
    ) -> None:
        self.request = request
        self.values = values
        self.body = body
        self.principal = principal


Handler = Callable[[Call], Awaitable[object]]


class ContractRoute(APIRoute):
    """The route class of every generated operation.

    The endpoint takes the request alone and is called directly, without FastAPI's per-route
    handler (dependency solving, two exit stacks, exception handling again inside the route):
    it reads and validates its own parameters and body. What it raises still reaches the
    application's exception handlers. `wrap` adds steps before the endpoint
    (`auth.secured_route`).
    """

    operation: Operation | None = None  # set by `register`
    handler: Handler | None = None  # the bound method, None while unimplemented
    implementation: object | None = None  # the object implementing the tag's Protocol
    routes_class: Callable[[Any], object] | None = None  # binds an implementation

    literals: frozenset[str] | set[str] = frozenset()  # the router's non-templated paths
    # more concrete templates tried before this one (`/p/{k}/avatar/temporary` for
    # `/p/{k}/avatar/{id}`): a path one of them matches is theirs, whatever the method
    shadows: tuple[re.Pattern[str], ...] = ()

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.literal_prefix = self.path.split("{", 1)[0]
        self.templated = "{" in self.path
        if not self.dependant.dependencies:  # a handler that asks for its context keeps them
            self.app = _direct(self.wrap(endpoint))

    def rebind(self, handler: Handler | None) -> None:
        """Serve the operation with another handler (`serve --mock` fills gaps this way)."""
        assert self.operation is not None
        self.handler = handler
        if not self.dependant.dependencies:
            self.app = _direct(self.wrap(_endpoint(self.operation, handler)))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # The router tries every route before the one that matches: a request path that does
        # not start with this route's literal prefix is refused without the regex and
        # FastAPI's scope look-ups (~1 us a route). Under a root path or an inclusion
        # context FastAPI decides as always.
        path = scope["path"]
        if scope["type"] == "http" and not scope.get("root_path") and not scope.get("fastapi"):
            if not path.startswith(self.literal_prefix):
                return _NO_MATCH, {}
            # OpenAPI 3.x, Paths Object: a concrete path is matched before a templated one, so
            # `/pets/mine` never reaches `/pets/{id}` (another method there is a 405, not a 400).
            if self.templated and path in self.literals:
                return _NO_MATCH, {}
            if self.shadows and any(regex.match(path) for regex in self.shadows):
                return _NO_MATCH, {}
        return super().matches(scope)

    def wrap(self, handler: Endpoint) -> Endpoint:
        return handler

    def challenge(self, request: Request, status: int) -> str | None:
        """The `WWW-Authenticate` value for a handler's own 401/403 (none on public routes)."""
        return None

    def get_route_handler(self) -> Endpoint:
        return self.wrap(super().get_route_handler())


def _direct(endpoint: Endpoint) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


@dataclass(frozen=True)
class Operation:
    """One operation of the contract, as its route needs it."""

    operation_id: str
    method: str
    path: str  # below the mount prefix, with identifier-safe parameter names
    name: str  # the method on the tag's Protocol and on the generated routes class
    results_of: Callable[[], Mapping[type, ResultSpec]]  # results.py's entry (read on first use)
    parameters: tuple[ParamSpec, ...] = ()
    bodies: tuple[BodySpec, ...] = ()
    body_required: bool = False
    route_class: type[ContractRoute] = ContractRoute
    docs: Mapping[str, Any] = field(default_factory=dict)  # FastAPI's route documentation
    callbacks: bool = False  # its handler may send callbacks: record the request for them

    @functools.cached_property
    def results(self) -> Mapping[type, ResultSpec]:
        """How each result class of the operation is sent: results.py is imported by the first
        request a handler answers (runtime/lazy.py), not at start-up."""
        return self.results_of()

    @functools.cached_property
    def documented(self) -> frozenset[int]:
        """The statuses the contract lists for the operation (a range or `default` aside)."""
        return frozenset(r.status for r in self.results.values() if r.status is not None)

    @property
    def openapi_extra(self) -> dict[str, Any]:
        """What FastAPI's derived schema cannot see, since the route reads it itself."""
        extra: dict[str, Any] = {"parameters": openapi_parameters(self.parameters)}
        if self.bodies:
            content: dict[str, Any] = {b.media_type: {} for b in self.bodies}
            extra["requestBody"] = {"required": self.body_required, "content": content}
        return extra


def implemented(impl: object | None, name: str, protocol: type) -> bool:
    """True when `impl` has its own `name` method (not one inherited from the Protocol)."""
    if impl is None:
        return False
    found = inspect.getattr_static(impl, name, None)
    return found is not None and found is not protocol.__dict__.get(name)


def check_signature(impl: object, name: str, protocol: type) -> None:
    """Refuse, at start-up, a method that cannot be called the way the contract calls it."""
    method = getattr(impl, name)
    owner = f"{type(impl).__name__}.{name}"
    if not inspect.iscoroutinefunction(method):
        raise TypeError(f"{owner} must be an `async def` method")
    wanted = [p for p in inspect.signature(getattr(protocol, name)).parameters if p != "self"]
    given = inspect.signature(method).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in given.values())
    missing = [w for w in wanted if w not in given and not open_ended]
    extra = [
        p.name
        for p in given.values()
        if p.name not in wanted
        and p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    ]
    if missing or extra:
        problems = [f"does not accept {', '.join(missing)}"] if missing else []
        problems += (
            [f"requires {', '.join(extra)}, which the contract does not pass"] if extra else []
        )
        raise TypeError(f"{owner} {' and '.join(problems)}: update it to the generated Protocol")


def _endpoint(op: Operation, handler: Handler | None) -> Endpoint:
    claimed = frozenset(p.wire for p in op.parameters if p.location == "query")
    parameters, bodies, required = op.parameters, op.bodies, op.body_required
    callbacks = op.callbacks

    async def endpoint(request: Request) -> Response:
        values: Mapping[str, Any] = {}
        issues: list[Issue] = []
        if parameters:
            values, issues = read_parameters(request, parameters, claimed)
        body = None
        if bodies:
            try:
                body = await read_body(request, bodies, required)
            except Invalid as invalid:
                issues.extend(invalid.issues)
        if issues:
            raise Invalid(issues)
        if handler is None:
            return not_implemented(request, op.operation_id)
        principal = request.scope.get(PRINCIPAL_KEY)
        if callbacks:
            token = CALLBACK_SOURCE.set(await _source(request, parameters))
            try:
                result = await handler(Call(request, values, body, principal))
            finally:
                CALLBACK_SOURCE.reset(token)
        else:
            result = await handler(Call(request, values, body, principal))
        try:
            response = render(result, op.results, op.operation_id, op.documented)
        except ContractViolation as violation:
            if request.app.state["settings"].response_checks != "log":
                raise
            logger.error("contract violation sent as is: %s", violation)
            response = render(result, op.results, op.operation_id, op.documented, checked=False)
        if isinstance(response, ItemStream):
            response.settings = _stream_settings(request)
        if response.status_code in (401, 403) and "www-authenticate" not in response.headers:
            route = request.scope.get("route")
            challenge = route.challenge(request, response.status_code) if route else None
            if challenge:
                response.headers["WWW-Authenticate"] = challenge
        return response

    # Real classes, not this module's postponed strings: FastAPI reads the endpoint's
    # signature once per route and would compile each string annotation (issue 23).
    endpoint.__annotations__ = {"request": Request, "return": Response}
    return endpoint


async def _source(request: Request, parameters: Sequence[ParamSpec]) -> Source:
    """What a callback's runtime expressions read: this request, by the contract's names."""
    path = {
        p.wire: str(request.path_params[p.name])
        for p in parameters
        if p.location == "path" and p.name in request.path_params
    }
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return Source.from_raw_body(
        await request.body(),
        url=str(request.url),
        method=request.method,
        path=path,
        query=query,
        headers={k.lower(): v for k, v in request.headers.items()},
    )


def _stream_settings(request: Request) -> StreamSettings:
    settings = request.app.state["settings"]
    return StreamSettings(
        heartbeat_seconds=settings.stream_heartbeat_seconds,
        retry_ms=settings.stream_retry_ms,
        checked=settings.response_checks != "log",
    )


def _with_context(
    op: Operation, handler: Handler | None, resources: Resources
) -> Callable[..., Coroutine[Any, Any, Response]]:
    """The endpoint of a handler that declares `context`: FastAPI resolves the context (and
    the application's resources, `yield` dependencies included) before it runs."""
    inner = _endpoint(op, handler)

    async def endpoint(request: Request, context: RequestContext) -> Response:
        token = CURRENT.set(context)
        try:
            return await inner(request)
        finally:
            CURRENT.reset(token)

    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", positional, annotation=Request),
            inspect.Parameter(
                "context",
                positional,
                annotation=Annotated[RequestContext, Depends(provider(resources))],
            ),
        ],
        return_annotation=Response,
    )
    return endpoint


def not_implemented(request: Request, operation: str, detail: str | None = None) -> Response:
    """501: the operation is in the contract but nothing implements it yet."""
    return BOOK.response(
        operation,
        501,
        detail=detail or "This operation is not implemented yet.",
        request_id=request_id_of(request.scope),
    )


def register(
    router: APIRouter,
    prefix: str,
    operations: Sequence[Operation],
    routes_class: Callable[[Any], object],
    impl: object | None,
    protocol: type,
    resources: Resources | None = None,
) -> list[str]:
    """Add each operation's route, bound to `routes_class(impl)`; the unimplemented ones' ids.

    Methods that declare `context` are bound through `Injecting`, which passes them the
    request's context; `resources` are the application's per-request dependencies.
    """
    served = {op.name for op in operations if implemented(impl, op.name, protocol)}
    for name in served:
        check_signature(impl, name, protocol)
    wanting = frozenset(name for name in served if wants_context(getattr(impl, name)))
    target = Injecting(impl, wanting) if wanting else impl
    bound = routes_class(target) if impl is not None else None
    missing: list[str] = []
    literals: set[str] = router.__dict__.setdefault("specfirst_literals", set())
    literals.update(prefix + op.path for op in operations if "{" not in op.path)
    for op in operations:
        handler: Handler | None = getattr(bound, op.name) if op.name in served else None
        if handler is None:
            missing.append(op.operation_id)
        endpoint = (
            _with_context(op, handler, resources or {})
            if op.name in wanting
            else _endpoint(op, handler)
        )
        router.add_api_route(
            prefix + op.path,
            endpoint,
            methods=[op.method],
            operation_id=op.operation_id,
            response_class=Response,
            route_class_override=op.route_class,
            openapi_extra=op.openapi_extra,
            **op.docs,
        )
        route = router.routes[-1]
        if isinstance(route, ContractRoute):
            _split_adjacent(route, op)
            route.operation, route.handler = op, handler
            route.implementation, route.routes_class = impl, routes_class
            route.literals = literals
    return missing


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _split_adjacent(route: APIRoute, op: Operation) -> None:
    """Two parameters in one segment (`/{page}{ext}`): Starlette's regex gives the first all
    but one character. A path parameter listing its values (string `enum`) matches only
    those, and one followed by another takes as few characters as the rest allows."""
    if "}{" not in route.path:
        return
    enums: dict[str, list[str]] = {}
    for param in op.parameters:
        if param.location == "path" and param.schema:
            values = _mapping(resolve(param.schema, node(param.schema))[1]).get("enum")
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                enums[param.name] = sorted(values, key=len, reverse=True)
    pattern, end = "^", 0
    for match in _PLACEHOLDER.finditer(route.path):
        name = match.group(1)
        pattern += re.escape(route.path[end : match.start()])
        if name in enums:
            body = "|".join(re.escape(v) for v in enums[name])
        else:
            body = "[^/]+?" if route.path.startswith("{", match.end()) else "[^/]+"
        pattern += f"(?P<{name}>{body})"
        end = match.end()
    route.path_regex = re.compile(pattern + re.escape(route.path[end:]) + "$")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def log_unimplemented(missing: Sequence[str]) -> None:
    """Say once, at start-up, which operations will answer 501."""
    if missing:
        logger.warning(
            "%d operation(s) not implemented (they answer 501): %s",
            len(missing),
            ", ".join(missing),
        )
