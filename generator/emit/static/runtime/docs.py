"""The docs pages: the contract itself at /openapi.json (not FastAPI's derived schema) and
Swagger UI over it at /docs, with its assets from the installed fastapi-offline package so
the page works without internet access.

The served contract names this very server first in `servers`, relative to the page, so
Swagger UI's "Try it out" calls the host and port the browser reached, wherever the app
runs; the contract's own servers (production, say) follow it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

THIS_SERVER = "This server (where these docs are served)"


def served_contract(document: Mapping[str, Any], root_path: str, prefix: str) -> dict[str, Any]:
    """`document` with this server first: `root_path` (behind a proxy) and the mount prefix.

    >>> served_contract({"servers": [{"url": "http://127.0.0.1:8000/api"}]}, "", "/api")["servers"]
    [{'url': '/api', 'description': 'This server (where these docs are served)'}, {'url': 'http://127.0.0.1:8000/api'}]
    """
    here = (root_path.rstrip("/") + prefix) or "/"
    others = [s for s in document.get("servers") or () if s.get("url") != here]
    return {**document, "servers": [{"url": here, "description": THIS_SERVER}, *others]}


def add_docs(
    app: FastAPI, title: str, contract: Callable[[], Mapping[str, Any]], prefix: str
) -> None:
    """Serve `contract()` at /openapi.json and Swagger UI over it at /docs."""
    assets = files("fastapi_offline") / "static"
    app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_document(request: Request) -> JSONResponse:
        root_path = str(request.scope.get("root_path") or "")
        return JSONResponse(served_contract(contract(), root_path, prefix))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=title,
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
