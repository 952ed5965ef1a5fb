"""Loading the app a command runs against: `module:factory`, or a generated package's `create_app`.

Like uvicorn's default `--app-dir .`, the working directory is importable, so `generated.users`
and a scaffolded `impl:create_app` resolve from the project root.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


class AppLoadError(Exception):
    """The reference does not name an importable FastAPI app or app factory."""


def importable(folder: Path | None = None) -> None:
    """Put `folder` (default: the working directory) first on `sys.path`, once."""
    path = str((folder or Path.cwd()).resolve())
    if path not in sys.path:
        sys.path.insert(0, path)


def split_reference(reference: str) -> tuple[str, str]:
    """`module:attribute` as its two halves.

    >>> split_reference("impl:create_app")
    ('impl', 'create_app')
    """
    module, sep, attribute = reference.partition(":")
    names = [*module.split("."), *attribute.split(".")]
    if not sep or not all(part.isidentifier() for part in names):
        raise AppLoadError(f"{reference!r} is not of the form module:factory")
    return module, attribute


def load_app(reference: str) -> FastAPI:
    """Import `module:factory` and call the factory (or take the app itself) from `module`."""
    module_name, attribute = split_reference(reference)
    importable()
    try:
        target: object = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module itself failing while it loads
        raise AppLoadError(f"cannot import {module_name!r}: {type(exc).__name__}: {exc}") from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise AppLoadError(f"{module_name!r} has no attribute {attribute!r}")
        target = getattr(target, part)
    try:
        app = target if isinstance(target, FastAPI) else target() if callable(target) else None
    except Exception as exc:  # the application's own start-up refused (settings, say)
        raise AppLoadError(f"{reference} failed: {type(exc).__name__}: {exc}") from None
    if not isinstance(app, FastAPI):
        raise AppLoadError(f"{reference} is not a FastAPI app or a factory returning one")
    return app


def package_reference(package: str) -> str:
    """The factory of a generated package.

    >>> package_reference("generated.users")
    'generated.users:create_app'
    """
    return f"{package}:create_app"


def api_routes(app: FastAPI) -> Iterator[tuple[str, set[str], APIRoute]]:
    """(full path, methods, route) of every schema-visible route, included routers flattened."""
    try:  # FastAPI >= 0.164 keeps included routers nested; this walks them with their prefixes
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI flattened routes on include
        contexts: Iterable[Any] = app.routes
    else:
        contexts = iter_route_contexts(app.routes)
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute) and route.include_in_schema:
            yield str(context.path_format), set(context.methods or ()), route


def package_of(app: FastAPI) -> str | None:
    """The generated package an app's routes come from (`<package>.routers.<tag>`), if any.

    A route is bound through its tag's routes class (`<package>.routers.<tag>.<Tag>Routes`);
    its endpoint itself lives in the package's runtime (`<package>.runtime.routes`).
    """
    for _, _, route in api_routes(app):
        bound = getattr(route, "routes_class", None)
        for module in (getattr(bound, "__module__", ""), getattr(route.endpoint, "__module__", "")):
            for marker in (".routers.", ".runtime."):
                if marker in (module or ""):
                    return str(module).rsplit(marker, 1)[0]
    return None
