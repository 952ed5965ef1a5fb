"""Security rules: requirements name defined schemes, oauth2 scopes their flows declare, and
every scheme is one the generated runtime can verify.

OpenAPI 3.x, Security Requirement Object: "Each name MUST correspond to a security scheme
which is declared in the Security Schemes under the Components Object", and for oauth2 the
list holds the scope names required. openIdConnect scopes come from the provider's discovery
document, so they cannot be checked here.

`unverifiable-security-scheme` (warning): a scheme of kind `SchemeKind.UNSUPPORTED` in
`generator.ir.security` (mutualTLS, an http scheme other than basic/bearer, an apiKey outside
header/query/cookie); the application must supply its verifier, and until it does every
operation requiring it answers 501.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.ir.security import SchemeKind, scheme_kind
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

_LISTED = 6


def check_security(contract: Contract) -> list[Diagnostic]:
    """Undefined schemes and undeclared oauth2 scopes in every security requirement."""
    c = contract
    nodes = schemes_of(c)
    schemes = {name: node.value for name, node in nodes.items()}
    found = [d for name, node in nodes.items() if (d := _unverifiable(c, name, node))]
    for pointer, name, scopes in _requirements(c):
        if name not in schemes:
            message = f'security scheme "{name}" is not defined in components.securitySchemes'
            found.append(c.diag("undefined-security-scheme", message + _listing(schemes), pointer))
            continue
        declared = _oauth2_scopes(schemes[name])
        if declared is None or not isinstance(scopes, list):
            continue
        for i, scope in enumerate(scopes):
            if isinstance(scope, str) and scope not in declared:
                message = (
                    f'scope "{scope}" is not declared by any flow of the oauth2 scheme "{name}"'
                )
                found.append(
                    c.diag(
                        "undeclared-scope",
                        message + _listing(declared),
                        join_pointer(pointer, i),
                    )
                )
    return found


def schemes_of(c: Contract) -> dict[str, Node]:
    """Declared security schemes by name, resolved through `$ref` (None values when dangling)."""
    components = c.root.get("components")
    raw = components.get("securitySchemes") if isinstance(components, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    return {
        str(name): c.deref(Node(join_pointer("/components/securitySchemes", str(name)), value))
        for name, value in raw.items()
    }


def _unverifiable(c: Contract, name: str, node: Node) -> Diagnostic | None:
    """A scheme the runtime cannot verify, located at the key that makes it so."""
    raw = node.value
    if not isinstance(raw, dict) or scheme_kind(raw) is not SchemeKind.UNSUPPORTED:
        return None
    kind, http, where = raw.get("type"), raw.get("scheme"), raw.get("in")
    if kind == "mutualTLS":
        key, what = "type", "mutual TLS"
    elif kind == "http" and isinstance(http, str):
        key, what = "scheme", f"HTTP {http!r} authentication"
    elif kind == "apiKey" and isinstance(where, str):
        key, what = "in", f"an API key in {where!r}"
    else:
        return None  # a malformed scheme: the standard check says what is wrong
    message = (
        f'security scheme "{name}" uses {what}, which the generated service cannot verify by '
        "itself: the application must pass a verifier to create_app; until then, operations "
        "requiring it answer 501"
    )
    return c.diag("unverifiable-security-scheme", message, join_pointer(node.pointer, key))


def _requirements(c: Contract) -> Iterator[tuple[str, str, Any]]:
    """`(pointer, scheme name, scopes)` of every requirement, top level first."""
    sites = [("/security", c.root.get("security"))]
    for op in [*c.operations, *c.callback_operations]:
        sites.append((join_pointer(op.pointer, "security"), op.node.get("security")))
    for pointer, requirements in sites:
        if not isinstance(requirements, list):
            continue
        for i, requirement in enumerate(requirements):
            if isinstance(requirement, dict):
                for name, scopes in requirement.items():
                    yield join_pointer(pointer, i, str(name)), str(name), scopes


def _oauth2_scopes(scheme: Any) -> dict[str, Any] | None:
    """Scopes declared by any flow of an oauth2 scheme; None for other scheme types."""
    if not isinstance(scheme, dict) or scheme.get("type") != "oauth2":
        return None
    flows = scheme.get("flows")
    declared: dict[str, Any] = {}
    for flow in flows.values() if isinstance(flows, dict) else ():
        scopes = flow.get("scopes") if isinstance(flow, dict) else None
        if isinstance(scopes, dict):
            declared.update(scopes)
    return declared


def _listing(names: dict[str, Any]) -> str:
    if not names:
        return " (there are none)"
    shown = ", ".join(sorted(str(n) for n in names)[:_LISTED])
    more = ", ..." if len(names) > _LISTED else ""
    return f" (declared: {shown}{more})"
