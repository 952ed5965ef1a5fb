"""Mocking a generated package's app: mocks built from its own bundled contract, real code first.

`install_mocks(app, package)` puts a mock behind every tag's implementation in
`app.state.implementations` (the table the generated routes look handlers up in): a method
that is missing, or that raises NotImplementedError, is answered by the mock instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI

from generator.mock.impl import mock_implementations
from generator.pipeline import build_ir
from generator.spec.document import SourceMap, Spec


class Fallback:
    """The real implementation first; the mock for what it lacks or leaves unimplemented."""

    def __init__(self, real: object, mock: object) -> None:
        self._specfirst_real = real
        self._specfirst_mock = mock

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._specfirst_real, name, None)
        mock = getattr(self._specfirst_mock, name, None)
        if real is None or mock is None:
            return real if real is not None else mock
        return _first_implemented(real, mock)


def _first_implemented(
    real: Callable[..., Awaitable[Any]], mock: Callable[..., Awaitable[Any]]
) -> Callable[..., Awaitable[Any]]:
    async def call(**kwargs: Any) -> Any:
        try:
            return await real(**kwargs)
        except NotImplementedError:
            return await mock(**kwargs)

    return call


def package_mocks(package: ModuleType) -> dict[str, object]:
    """`create_app` keyword -> mock, for the generated `package` (from its bundled contract)."""
    contract = importlib.import_module(f"{package.__name__}.contract")
    results = importlib.import_module(f"{package.__name__}.results")
    document: dict[str, Any] = contract.contract()
    spec = Spec(path=Path("openapi.json"), root=document, source_map=SourceMap())
    name = package.__name__.rsplit(".", 1)[-1]
    _, api = build_ir(spec, label="openapi.json", package=name)
    return mock_implementations(api, document, results)


def install_mocks(app: FastAPI, mocks: Mapping[str, object]) -> None:
    """Answer every operation the app's implementations leave out with its mock."""
    implementations: dict[str, object | None] = app.state.implementations
    for tag, mock in mocks.items():
        real = implementations.get(tag)
        implementations[tag] = mock if real is None else Fallback(real, mock)


def mock_app(package: ModuleType, app: FastAPI | None = None) -> FastAPI:
    """`app` (default: the package's own `create_app()`) with mocks behind its implementations."""
    served: FastAPI = app if app is not None else package.create_app()
    install_mocks(served, package_mocks(package))
    return served
