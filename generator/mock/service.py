"""Mocking a generated package's app: mocks built from its own bundled contract, real code first.

`install_mocks(app, mocks)` puts a mock behind every operation of the app: an operation whose
implementation is missing, or raises NotImplementedError, is answered by the mock instead.
Each route is bound again through its own generated routes class, so the mock is called
exactly as a hand-written implementation would be.
"""

from __future__ import annotations

import contextvars
import dataclasses
import importlib
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI

from generator.contract.credentials import operation_security
from generator.mock import STATELESS, STATELESS_HEADER
from generator.mock.impl import mock_implementations
from generator.mock.judge import Judge
from generator.pipeline import api_of
from generator.spec.document import SourceMap, Spec

Handler = Callable[[Any], Awaitable[object]]
# Per request, a list the mock appends to when it answers (a shared object, so the mark
# survives the copies of the context that middleware and task groups make).
_ANSWERED: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "specfirst_mock_answered", default=None
)


def _marking(mock: Handler) -> Handler:
    async def call(request: Any) -> object:
        answered = _ANSWERED.get()
        if answered is not None:
            answered.append(True)
        return await mock(request)

    return call


class StatelessMark:
    """ASGI middleware: a response the mock answered carries `x-specfirst-mock: stateless`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered: list[bool] = []
        token = _ANSWERED.set(answered)

        async def marked(message: Any) -> None:
            if message["type"] == "http.response.start" and answered:
                headers = [
                    *message.get("headers", ()),
                    (STATELESS_HEADER.encode(), STATELESS.encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, marked)
        finally:
            _ANSWERED.reset(token)


def _first_implemented(real: Handler, mock: Handler) -> Handler:
    async def call(request: Any) -> object:
        try:
            return await real(request)
        except NotImplementedError:
            return await mock(request)

    return call


def package_mocks(package: ModuleType) -> dict[str, object]:
    """`create_app` keyword -> mock, for the generated `package` (from its bundled contract)."""
    contract = importlib.import_module(f"{package.__name__}.contract")
    results = importlib.import_module(f"{package.__name__}.results")
    document: dict[str, Any] = contract.contract()
    spec = Spec(path=Path("openapi.json"), root=document, source_map=SourceMap())
    name = package.__name__.rsplit(".", 1)[-1]
    api = api_of(spec, label="openapi.json", package=name)
    return mock_implementations(api, document, results, Judge.from_package(package))


def install_mocks(app: FastAPI, mocks: Mapping[str, object]) -> None:
    """Answer every operation the app's implementations leave out with its mock."""
    for route in app.router.routes:
        operation = getattr(route, "operation", None)
        bind = getattr(route, "routes_class", None)
        if operation is None or bind is None:
            continue
        mock = mocks.get(str(bind.__module__).rsplit(".", 1)[-1])  # the tag's router module
        if mock is None:
            continue
        mocked: Handler = _marking(getattr(bind(mock), operation.name))
        real: Handler | None = getattr(route, "handler", None)
        route.rebind(mocked if real is None else _first_implemented(real, mocked))  # type: ignore[attr-defined]


def mock_app(package: ModuleType, app: FastAPI | None = None) -> FastAPI:
    """`app` (default: the package's own `create_app()`) with mocks behind its implementations."""
    served: FastAPI = app if app is not None else package.create_app()
    install_mocks(served, package_mocks(package))
    served.add_middleware(StatelessMark)
    return served


def open_auth(package: ModuleType, app: FastAPI, subject: str = "mock-user") -> None:
    """Let every request in as `subject` holding every scope the contract names (`--skip-auth`).

    Only who is asking changes: the app's own verifiers are replaced by one that accepts any
    request, so operations still see a principal, and every other check stays as it was.
    """
    auth = importlib.import_module(f"{package.__name__}.runtime.auth")
    contract = importlib.import_module(f"{package.__name__}.contract")
    scopes = frozenset(
        scope
        for alternatives in operation_security(contract.contract()).values()
        for requirement in alternatives
        for _, named in requirement
        for scope in named
    )
    claims = {"sub": subject, "scope": " ".join(sorted(scopes))}
    anyone = auth.Principal(subject, scopes, claims)

    class OpenDoor(auth.AuthContext):  # type: ignore[misc,name-defined]
        async def principal(self, request: Any, spec: Any) -> Any:
            return dataclasses.replace(anyone, schemes=(spec.name,))

        def bearer_principal(self, request: Any, spec: Any) -> Any:
            return dataclasses.replace(anyone, schemes=(spec.name,))

    current = app.state.auth
    kept = {f.name: getattr(current, f.name) for f in dataclasses.fields(current) if f.init}
    app.state.auth = OpenDoor(**kept)
