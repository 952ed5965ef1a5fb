"""Response rules: the statuses the generated service answers on its own are documented.

The runtime refuses what the contract does not allow before any implementation runs: a
malformed request gets 400 (422 when the contract documents 422 and not 400), a request without
valid credentials 401, one whose credentials lack a required scope 403. A status the contract
does not document fails contract testing (Schemathesis: "undocumented status code") although
the service does what the contract asks, so the contract is the one to change. A status counts
as documented when its own code, its range (`4XX`) or `default` is listed.

* `undocumented-validation-status`: the operation has a parameter or a request body.
* `undocumented-auth-status`: it has a non-empty security requirement (its own `security`, or
  the top-level one when it has none); `security: []` or an empty alternative `{}` makes it
  public, so there is nothing to refuse.
* `undocumented-forbidden-status`: one of those requirements lists scopes (oauth2 and
  openIdConnect scopes, or 3.1 roles for other schemes: the runtime checks them all).

Each finding sits at the operation's `responses` (the operation itself when it has none).

* `no-responses`: the operation documents no response at all (3.1 allows it), so every answer
  the service gives, success included, is one the contract does not document.
* `body-on-no-content-status`: a 204, 205 or 304 response (or a 1xx) documented with content;
  HTTP sends no body with these (RFC 9110 §15), so the service cannot send the one documented.
* `transport-header-parameter`: a constrained header parameter that HTTP clients, proxies and
  servers set themselves (`Accept-Encoding`, `Connection`, `Host`, `Content-Length`,
  `Transfer-Encoding`...): an ordinary client's `Accept-Encoding: gzip, deflate` then breaks
  an `enum: [gzip]`, and the service refuses the request.
* `ignored-header-parameter`: a header parameter named `Accept`, `Content-Type` or
  `Authorization`; OpenAPI says such parameters are ignored (the media types and security
  schemes say it), so the service neither reads nor enforces it.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostic
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract, Operation
from generator.spec.rules.walk import Node


def check_responses(contract: Contract) -> list[Diagnostic]:
    """Operations of `paths` that leave a status the runtime answers undocumented."""
    found: list[Diagnostic] = []
    for op in contract.operations:
        responses = op.node.get("responses", {})
        if not isinstance(responses, dict):
            continue  # the standard check reports it
        codes = {str(code).upper() for code in responses}
        at = join_pointer(op.pointer, "responses") if "responses" in op.node else op.pointer
        if not codes:
            message = (
                f"{op.label} documents no response: whatever the service answers is undocumented"
            )
            found.append(contract.diag("no-responses", message, at))
        for code, response in responses.items():
            node = contract.deref(Node(join_pointer(at, str(code)), response)).value
            if _bodiless(str(code)) and isinstance(node, dict) and node.get("content"):
                message = (
                    f"{op.label} documents a body for {code}, which HTTP sends without one "
                    "(RFC 9110): remove the content, or use 200"
                )
                where = join_pointer(at, str(code), "content")
                found.append(contract.diag("body-on-no-content-status", message, where))
        for parameter in contract.parameters(op):
            lowered = parameter.name.lower()
            schema = parameter.node.get("schema")
            if parameter.location == "header" and lowered in _TRANSPORT and _constrained(schema):
                message = (
                    f"header parameter {parameter.name!r} is set by HTTP clients and proxies "
                    "themselves (`gzip, deflate`, say): constraining it refuses ordinary requests; "
                    "drop the constraint or the parameter"
                )
                found.append(contract.diag("transport-header-parameter", message, parameter.site))
            if parameter.location == "header" and lowered in _IGNORED:
                message = (
                    f"header parameter {parameter.name!r} is ignored (OpenAPI 3.x, Parameter "
                    "Object): the media types and security schemes describe it; remove it"
                )
                found.append(contract.diag("ignored-header-parameter", message, parameter.site))
        takes_input = bool(contract.parameters(op)) or "requestBody" in op.node
        if takes_input and not _documented(codes, "400", "422"):
            message = (
                f"{op.label} takes input, so the generated service answers a malformed request "
                "with 400, but it documents neither 400, 422, 4XX nor default; add a 400 "
                "response (in the contract's error format)"
            )
            found.append(contract.diag("undocumented-validation-status", message, at))
        found.extend(_auth(contract, op, codes, at))
    return found


_IGNORED = frozenset({"accept", "content-type", "authorization"})


_TRANSPORT = frozenset(
    {"accept-encoding", "connection", "content-length", "host", "keep-alive", "te", "trailer",
     "transfer-encoding", "upgrade"}
)  # fmt: skip


def _constrained(schema: Any) -> bool:
    """A schema that refuses some text: anything beyond a bare `type: string`."""
    if not isinstance(schema, dict):
        return False
    return bool(set(schema) - {"type", "description", "title", "example", "examples", "default"})


def _bodiless(code: str) -> bool:
    return code in {"204", "205", "304"} or (len(code) == 3 and code.startswith("1"))


def _auth(c: Contract, op: Operation, codes: set[str], at: str) -> list[Diagnostic]:
    """401 for a secured operation, 403 when its requirements list scopes."""
    own = "security" in op.node
    requirements: Any = op.node["security"] if own else c.root.get("security")
    where = join_pointer(op.pointer, "security") if own else "/security"
    if not _secured(requirements):
        return []
    found: list[Diagnostic] = []
    names = sorted({str(name) for req in requirements for name in req})
    if not _documented(codes, "401"):
        message = (
            f"{op.label} requires authentication ({', '.join(names)}), so the generated "
            "service answers 401 when credentials are missing or invalid, but it documents "
            "neither 401, 4XX nor default; add a 401 response"
        )
        found.append(c.diag("undocumented-auth-status", message, at, related=(where,)))
    scoped = sorted({str(s) for req in requirements for s in _scopes(req)})
    if scoped and not _documented(codes, "403"):
        shown = ", ".join(scoped[:4]) + (", ..." if len(scoped) > 4 else "")
        message = (
            f"{op.label} requires scopes ({shown}), so the generated service answers 403 when "
            "the credentials lack one, but it documents neither 403, 4XX nor default; "
            "add a 403 response"
        )
        found.append(c.diag("undocumented-forbidden-status", message, at, related=(where,)))
    return found


def _secured(requirements: Any) -> bool:
    """A requirement list that admits nobody anonymous: non-empty, and no `{}` alternative."""
    if not isinstance(requirements, list) or not requirements:
        return False
    return all(isinstance(req, dict) and req for req in requirements)


def _scopes(requirement: dict[str, Any]) -> list[Any]:
    return [s for scopes in requirement.values() if isinstance(scopes, list) for s in scopes]


def _documented(codes: set[str], *statuses: str) -> bool:
    """Whether any of `statuses` is listed, by code, by range (`4XX`) or by `default`.

    >>> _documented({"200", "4XX"}, "401"), _documented({"200", "404"}, "400", "422")
    (True, False)
    """
    if "DEFAULT" in codes:
        return True
    return any(s in codes or f"{s[0]}XX" in codes for s in statuses)
