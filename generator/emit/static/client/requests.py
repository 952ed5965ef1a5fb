"""From a method's arguments to an `httpx.Request`: path, query, headers, cookies, credentials, body.

Optional parameters left at None are not sent (the server applies the contract's default).
Credentials come from the first of the operation's security alternatives that the client
holds every credential for; with none of them, the request goes out without credentials and
the documented 401 comes back as a typed result.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import params
from .specs import BodySpec, OperationSpec, SchemeSpec


@dataclass
class Parts:
    """What a request is made of, before httpx builds it."""

    path: str
    query: list[tuple[str, Any]] = field(default_factory=list)  # values are text
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[tuple[str, str]] = field(default_factory=list)


def _path(spec: OperationSpec[Any], values: Mapping[str, Any]) -> str:
    path = spec.path
    for param in spec.params:
        if param.location == "path":
            path = path.replace(
                "{" + param.wire + "}", params.path_value(param, values[param.name])
            )
    return path


def _credential(scheme: SchemeSpec, value: Any, parts: Parts) -> None:
    if scheme.kind == "basic":
        user, password = value
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        parts.headers["Authorization"] = f"Basic {token}"
    elif scheme.kind == "apiKey" and scheme.location == "query":
        parts.query.append((scheme.parameter, str(value)))
    elif scheme.kind == "apiKey" and scheme.location == "cookie":
        parts.cookies.append((scheme.parameter, str(value)))
    elif scheme.kind == "apiKey":
        parts.headers[scheme.parameter] = str(value)
    elif scheme.kind == "jwt":  # http bearer, oauth2 and openIdConnect: a bearer token
        parts.headers["Authorization"] = f"Bearer {value}"


def add_credentials(
    spec: OperationSpec[Any],
    schemes: Mapping[str, SchemeSpec],
    credentials: Mapping[str, Any],
    parts: Parts,
) -> None:
    """Send the credentials of the first security alternative the client can satisfy."""
    # an empty alternative (anonymous access) is the last resort, not the first choice
    for alternative in sorted(spec.security, key=lambda alt: not alt):
        held = [credentials.get(name) for name in alternative]
        if all(value is not None for value in held):
            for name, value in zip(alternative, held, strict=True):
                _credential(schemes[name], value, parts)
            return


def build_parts(spec: OperationSpec[Any], values: Mapping[str, Any]) -> Parts:
    """Path, query, header and cookie parameters as the contract serializes them."""
    parts = Parts(_path(spec, values))
    for param in spec.params:
        value = values.get(param.name)
        if value is None or param.location == "path":
            continue
        if param.location == "query":
            parts.query += params.query_pairs(param, value)
        elif param.location == "header":
            parts.headers[param.wire] = params.header_value(param, value)
        else:
            parts.cookies.append((param.wire, params.header_value(param, value)))
    return parts


def choose_body(bodies: tuple[BodySpec, ...], body: Any) -> BodySpec:
    """The media type to send: raw bytes or text go as such when the contract allows it."""
    wanted = "binary" if isinstance(body, bytes) else "text" if isinstance(body, str) else ""
    return next((b for b in bodies if b.kind == wanted), bodies[0])


def body_arguments(bodies: tuple[BodySpec, ...], body: Any) -> dict[str, Any]:
    """httpx keyword arguments (`content`, `data`, `files`) and the Content-Type header."""
    if body is None or not bodies:
        return {}
    spec = choose_body(bodies, body)
    if spec.kind in {"binary", "text"}:
        raw = body.encode() if isinstance(body, str) else bytes(body)
        return {"content": raw, "headers": {"Content-Type": spec.media_type}}
    if spec.kind == "json":
        return {
            "content": spec.adapter.dump_json(body, by_alias=True),
            "headers": {"Content-Type": spec.media_type},
        }
    data = spec.adapter.dump_python(body, mode="python", by_alias=True)
    fields = data if isinstance(data, dict) else {}
    if spec.kind == "form":
        form = {k: params.text(params.jsonable(v)) for k, v in fields.items() if v is not None}
        return {"data": form, "headers": {"Content-Type": spec.media_type}}
    # every part goes in `files` so the body is multipart even without a file; a filename of
    # None makes a plain form field; an array of files is one part per file
    parts: list[tuple[str, tuple[str | None, bytes | str]]] = []
    for k, v in fields.items():
        files = isinstance(v, list) and bool(v) and all(isinstance(i, bytes) for i in v)
        for item in v if files else [v] if v is not None else []:
            text = None if isinstance(item, bytes) else params.text(params.jsonable(item))
            parts.append((k, (k, item) if text is None else (None, text)))
    return {"files": parts}


def build_request(
    client: httpx.Client | httpx.AsyncClient,
    spec: OperationSpec[Any],
    values: Mapping[str, Any],
    body: Any,
    *,
    prefix: str,
    schemes: Mapping[str, SchemeSpec],
    credentials: Mapping[str, Any],
) -> httpx.Request:
    """The request for one call (relative to the client's base URL)."""
    parts = build_parts(spec, values)
    add_credentials(spec, schemes, credentials, parts)
    arguments = body_arguments(spec.bodies, body)
    headers = {**parts.headers, **arguments.pop("headers", {})}
    if parts.cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in parts.cookies)
    if parts.query:  # an empty `params` still costs httpx a URL merge
        arguments["params"] = parts.query
    return client.build_request(
        spec.method.upper(), prefix + parts.path, headers=headers, **arguments
    )
