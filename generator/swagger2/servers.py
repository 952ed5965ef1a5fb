"""`host`, `basePath` and `schemes` to OpenAPI 3.0 `servers`.

>>> convert_servers({"host": "api.example.com", "basePath": "/v1", "schemes": ["https"]}, Trace())
[{'url': 'https://api.example.com/v1'}]
>>> convert_servers({"basePath": "/v1"}, Trace())
[{'url': '/v1'}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.trace import Trace

_KEYS = ("host", "basePath", "schemes")


def server_urls(document: Mapping[str, Any], schemes: Any = None) -> list[str]:
    """The base URLs a Swagger 2.0 contract serves at (one per scheme when there is a host).

    Without `schemes` the contract is served with the scheme it was fetched with (2.0,
    "Swagger Object"); https is the likely one, so it stands in.
    """
    host = document.get("host")
    base = document.get("basePath")
    base = base.rstrip("/") if isinstance(base, str) else ""
    if not isinstance(host, str) or not host:
        return [base or "/"] if base else []
    chosen = schemes if schemes is not None else document.get("schemes")
    names = [s for s in chosen if isinstance(s, str)] if isinstance(chosen, list) else []
    return [f"{scheme}://{host}{base}" for scheme in names or ["https"]]


def convert_servers(document: Mapping[str, Any], trace: Trace) -> list[dict[str, Any]]:
    """The top-level `servers`, each traced to the key that contributed it."""
    urls = server_urls(document)
    origin = next((k for k in ("host", "basePath", "schemes") if k in document), "")
    for index in range(len(urls)):
        trace.record(join_pointer("/servers", index), join_pointer("", origin) if origin else "")
    if urls:
        trace.record("/servers", join_pointer("", origin))
    return [{"url": url} for url in urls]


def operation_servers(
    document: Mapping[str, Any], schemes: Any, src: str, dst: str, trace: Trace
) -> list[dict[str, Any]] | None:
    """An operation's own `schemes` as operation-level `servers` (None when it has none)."""
    if schemes is None or schemes == document.get("schemes"):
        return None
    urls = server_urls(document, schemes)
    if not urls:
        message = "`schemes` on an operation of a contract without `host` has no 3.0 equivalent"
        trace.note(src, dst, message)
        return None
    trace.record(dst, src)
    return [{"url": url} for url in urls]


def is_server_key(key: str) -> bool:
    """True for the top-level keys that `servers` replaces."""
    return key in _KEYS
