"""find_drift: the routes an app really registers (FastAPI's derived schema) against its contract.

Compared per operation: method and path (relative to the mount prefix, the first server URL's
path; path variables match by position, since the app's must be Python identifiers), parameter
names, locations and required flags, request body media types and required flag, documented
status codes and security requirements. Differences are diagnostics located in the contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from generator.apps import api_routes
from generator.contract.endpoints import (
    PUBLIC,
    Endpoint,
    Security,
    read_endpoints,
    read_security,
)
from generator.diagnostics import Diagnostic, Level
from generator.ir.build import mount_prefix
from generator.spec.document import Spec

AUTO_VALIDATION = "422"  # FastAPI documents this on every route with parameters
AUTO_SUCCESS = "Successful Response"  # FastAPI's description of a route's own status_code


def app_security(route: APIRoute) -> Security | None:
    """The requirements a generated route enforces (its route class's `specfirst_security`:
    `((wire scheme name, scopes), ...)` per alternative, see `auth.secured_route`); None for a
    route specfirst did not generate."""
    declared = getattr(route, "specfirst_security", None)
    if declared is None:
        return None
    alternatives = {
        frozenset((str(name), frozenset(scopes)) for name, scopes in alternative)
        for alternative in declared
    }
    return frozenset(alternatives) or PUBLIC


def app_endpoints(app: FastAPI, prefix: str) -> list[Endpoint]:
    """What the app registers, from `app.openapi()`, with security read off each route."""
    derived = app.openapi()
    endpoints = read_endpoints(derived, prefix=prefix, with_security=False)
    security: dict[tuple[str, str], Security] = {}
    for path, methods, route in api_routes(app):
        found = app_security(route)
        for method in methods:
            security[(method.lower(), path)] = found or _declared(derived, path, method.lower())
    return [
        replace(e, security=security.get((e.method, e.document_path), PUBLIC)) for e in endpoints
    ]


def _declared(derived: Mapping[str, Any], path: str, method: str) -> Security:
    """Security FastAPI itself documents (its own `fastapi.security` dependencies)."""
    op = derived.get("paths", {}).get(path, {}).get(method, {})
    return read_security({}, op)


def find_drift(spec: Spec, app: FastAPI) -> list[Diagnostic]:
    """Every difference between the contract and the app's routes, in contract order."""
    prefix = mount_prefix(spec.root)
    contract = read_endpoints(spec.root)
    # Paths alike but for parameter names (`ambiguous-path`) share a key: both documents list
    # them in contract order (the app serves them so), and they pair off in that order.
    registered: dict[tuple[str, str], list[Endpoint]] = {}
    for endpoint in app_endpoints(app, prefix):
        registered.setdefault(endpoint.key, []).append(endpoint)
    out: list[Diagnostic] = []

    def report(rule: str, pointer: str, text: str, level: Level = Level.ERROR) -> None:
        out.append(Diagnostic(f"drift-{rule}", level, text, pointer, spec.locate(pointer)))

    for want in contract:
        candidates = registered.get(want.key)
        have = candidates.pop(0) if candidates else None
        if have is None:
            message = "in the contract, but the app registers no such route"
            report("route-missing", want.pointer, f"{want.label}: {message}")
            continue
        for rule, message, level in compare(want, have):
            report(rule, want.pointer, f"{want.label}: {message}", level)
    for have in (e for left in registered.values() for e in left):
        where = f"{have.method.upper()} {have.document_path}"
        report("route-extra", "/paths", f"{where}: registered by the app, not in the contract")
    return out


def compare(want: Endpoint, have: Endpoint) -> Iterator[tuple[str, str, Level]]:
    """(rule, message, level) for each way `have` (the app) differs from `want` (the contract)."""
    error, info = Level.ERROR, Level.INFO
    for key, required in want.parameters.items():
        if key not in have.parameters:
            if key in want.deep_objects:
                yield "unverified", f"{key} (deepObject) is read by the route itself", info
            else:
                yield "param-missing", f"{key} is in the contract, the app does not read it", error
        elif have.parameters[key] != required:
            flag = "required" if required else "optional"
            yield "param-required", f"{key} is {flag} in the contract, not in the app", error
    extra = have.parameters.keys() - want.parameters.keys()
    for key in sorted(extra, key=lambda k: (k.location, k.name)):
        yield "param-extra", f"the app reads {key}, which the contract lacks", error
    yield from _compare_body(want, have)
    yield from _compare_statuses(want, have)
    wanted, enforced = want.security, have.security
    if wanted is not None and enforced is not None and wanted != enforced:
        yield (
            "security",
            f"the contract requires {_show(wanted)}, the app {_show(enforced)}",
            error,
        )


def _compare_body(want: Endpoint, have: Endpoint) -> Iterator[tuple[str, str, Level]]:
    error = Level.ERROR
    if want.body_media_types is None and have.body_media_types is None:
        return
    if have.body_media_types is None:
        yield "body-missing", "the contract documents a request body, the app reads none", error
        return
    if want.body_media_types is None:
        yield "body-extra", "the app reads a request body the contract does not document", error
        return
    if missing := sorted(want.body_media_types - have.body_media_types):
        yield "body-media-type", f"the app does not accept {', '.join(missing)}", error
    if extra := sorted(have.body_media_types - want.body_media_types):
        yield "body-media-type", f"the app accepts undocumented {', '.join(extra)}", error
    if want.body_required != have.body_required:
        flag = "required" if want.body_required else "optional"
        yield "body-required", f"the request body is {flag} in the contract, not in the app", error


def _compare_statuses(want: Endpoint, have: Endpoint) -> Iterator[tuple[str, str, Level]]:
    error = Level.ERROR
    for status in sorted(want.statuses.keys() - have.statuses.keys()):
        yield "status-missing", f"status {status} is documented, the app does not declare it", error
    for status in sorted(have.statuses.keys() - want.statuses.keys()):
        if not _automatic(status, have.statuses[status], want):
            yield "status-extra", f"the app declares status {status}, the contract does not", error


def _automatic(status: str, response: Mapping[str, Any], want: Endpoint) -> bool:
    """Entries FastAPI adds by itself, which the generated service never answers with.

    Its 422 on every route with parameters (the service answers validation errors with the
    contract's status), and a body-less `Successful Response` for the route's `status_code`
    when the contract documents no success status at all.
    """
    if status == AUTO_VALIDATION and response.get("description") == "Validation Error":
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        return str(schema.get("$ref", "")).endswith("/HTTPValidationError")
    documents_success = any(s.startswith("2") for s in want.statuses)
    return (
        not documents_success
        and response.get("description") == AUTO_SUCCESS
        and "content" not in response
    )


def _show(security: Security) -> str:
    """Requirements as text, e.g. `anonymous or bearer[read]`."""
    parts = []
    for requirement in sorted(security, key=lambda r: sorted((n, sorted(s)) for n, s in r)):
        if not requirement:
            parts.append("anonymous")
            continue
        uses = (f"{n}[{' '.join(sorted(s))}]" if s else n for n, s in sorted(requirement))
        parts.append(" and ".join(uses))
    return " or ".join(parts)


__all__ = ["app_endpoints", "compare", "find_drift"]
