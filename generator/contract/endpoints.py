"""Endpoints: an OpenAPI document's operations reduced to what drift compares.

Both sides of a drift check are OpenAPI documents (the contract, and FastAPI's derived
`app.openapi()`), so one reader serves both; only security comes from elsewhere for the app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.ir.refs import as_mapping
from generator.spec.pointers import deref, join_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# OpenAPI 3.x §4.8.12.1: header parameters with these names are ignored.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_TEMPLATE = re.compile(r"\{[^{}]*\}")

# One security requirement: every (scheme, scopes) must hold; the empty set means anonymous.
Requirement = frozenset[tuple[str, frozenset[str]]]
Security = frozenset[Requirement]
PUBLIC: Security = frozenset({frozenset()})


def route_shape(path: str) -> str:
    """A path with every template variable blanked, so renamed variables still match.

    >>> route_shape("/users/{user-id}/posts/{id}")
    '/users/{}/posts/{}'
    """
    return _TEMPLATE.sub("{}", path)


@dataclass(frozen=True)
class ParameterKey:
    """Where a parameter travels and its wire name (headers compared case-insensitively)."""

    location: str
    name: str

    def __str__(self) -> str:
        return f"{self.location} parameter {self.name!r}"


@dataclass(frozen=True)
class Endpoint:
    """One operation as drift sees it; path parameters are implied by the path's shape."""

    method: str
    path: str  # relative to the mount prefix
    document_path: str  # the key under `paths`, as the document writes it
    pointer: str
    parameters: Mapping[ParameterKey, bool]  # -> required
    deep_objects: frozenset[ParameterKey]  # read by the route itself: invisible to FastAPI
    body_media_types: frozenset[str] | None  # None: no request body
    body_required: bool
    statuses: Mapping[str, Mapping[str, Any]]  # status key -> response object
    security: Security | None  # None: unknown here (FastAPI's schema does not show ours)

    @property
    def key(self) -> tuple[str, str]:
        """What matches an operation across the two documents: method and path shape."""
        return self.method, route_shape(self.path)

    @property
    def label(self) -> str:
        """`GET /users/{id}`, as messages name the operation."""
        return f"{self.method.upper()} {self.path}"


def parameter_key(location: str, name: str) -> ParameterKey:
    """The comparison key of a parameter: header names fold to lower case (RFC 9110 §5.1)."""
    return ParameterKey(location, name.lower() if location == "header" else name)


def _parameters(
    root: Mapping[str, Any], item: Mapping[str, Any], op: Mapping[str, Any]
) -> tuple[dict[ParameterKey, bool], frozenset[ParameterKey]]:
    merged: dict[ParameterKey, Mapping[str, Any]] = {}
    for level in (item, op):  # operation-level parameters override path-level ones
        raw = level.get("parameters")
        for node in raw if isinstance(raw, list) else []:
            param = as_mapping(deref(root, node, "")[0])
            location, name = str(param.get("in", "")), str(param.get("name", ""))
            if location == "path" or (location == "header" and name.lower() in IGNORED_HEADERS):
                continue
            merged[parameter_key(location, name)] = param
    required = {key: p.get("required") is True for key, p in merged.items()}
    deep = frozenset(k for k, p in merged.items() if p.get("style") == "deepObject")
    return required, deep


def _security(raw: Any) -> Security:
    if not isinstance(raw, list):
        return PUBLIC
    alternatives: set[Requirement] = set()
    for requirement in raw:
        alternatives.add(
            frozenset(
                (str(name), frozenset(str(s) for s in scopes if isinstance(s, str)))
                for name, scopes in as_mapping(requirement).items()
                if isinstance(scopes, list)
            )
        )
    return frozenset(alternatives) or PUBLIC


def status_key(key: object) -> str:
    """A response key as compared: ranges upper-cased, `default` lower-cased.

    >>> status_key("2xx"), status_key("Default"), status_key(200)
    ('2XX', 'default', '200')
    """
    text = str(key)
    return "default" if text.lower() == "default" else text.upper()


def _statuses(root: Mapping[str, Any], op: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    responses = as_mapping(op.get("responses"))
    return {status_key(k): as_mapping(deref(root, v, "")[0]) for k, v in responses.items()}


def read_security(root: Mapping[str, Any], op: Mapping[str, Any]) -> Security:
    """The operation's requirements (its own, else the document's); absent or `[]` is public."""
    return _security(op["security"] if "security" in op else root.get("security"))


def read_endpoints(
    root: Mapping[str, Any], *, prefix: str = "", with_security: bool = True
) -> list[Endpoint]:
    """Every operation of `root` in document order, paths made relative to `prefix`."""
    found: list[Endpoint] = []
    for path, item_node in as_mapping(root.get("paths")).items():
        item = as_mapping(deref(root, item_node, "")[0])
        relative = str(path)
        if prefix and (relative == prefix or relative.startswith(prefix + "/")):
            relative = relative[len(prefix) :] or "/"
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            parameters, deep = _parameters(root, item, op)
            body = as_mapping(deref(root, op.get("requestBody"), "")[0])
            found.append(
                Endpoint(
                    method=method,
                    path=relative,
                    document_path=str(path),
                    pointer=join_pointer("/paths", str(path), method),
                    parameters=parameters,
                    deep_objects=deep,
                    body_media_types=(
                        frozenset(as_mapping(body.get("content"))) if "requestBody" in op else None
                    ),
                    body_required=body.get("required") is True,
                    statuses=_statuses(root, op),
                    security=read_security(root, op) if with_security else None,
                )
            )
    return found
