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

`api-key-parameter` (warning): an operation parameter with the name and location of an apiKey
scheme the operation requires (Trello's `key` and `token`, also listed as required query
parameters). The credential is then also data: a request without it is malformed (400) before
it can be unauthenticated (401), and the key is shown as a plain parameter in the docs.
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
    found += _key_parameters(c, schemes)
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


def _key_parameters(c: Contract, schemes: dict[str, Any]) -> list[Diagnostic]:
    """Parameters that repeat an apiKey scheme the operation requires (once per definition)."""
    found: list[Diagnostic] = []
    seen: set[str] = set()
    top = c.root.get("security")
    for op in c.operations:
        keys = _api_keys(op.node.get("security", top), schemes)
        for param in c.parameters(op):
            scheme = keys.get(_key_of(param.location, param.name))
            if scheme is None or param.pointer in seen:
                continue
            seen.add(param.pointer)
            message = (
                f'{op.label}: parameter "{param.name}" (in {param.location}) is the credential of '
                f'the apiKey scheme "{scheme}" the operation requires; a request without it is '
                "refused as malformed (400), not unauthenticated (401): remove the parameter "
                "and let the scheme carry the key"
            )
            found.append(c.diag("api-key-parameter", message, param.pointer))
    return found


def _api_keys(requirements: Any, schemes: dict[str, Any]) -> dict[tuple[str, str], str]:
    """`(in, name)` of each apiKey scheme the requirements name, to the scheme's name."""
    keys: dict[tuple[str, str], str] = {}
    for requirement in requirements if isinstance(requirements, list) else ():
        for name in requirement if isinstance(requirement, dict) else ():
            scheme = schemes.get(name)
            if isinstance(scheme, dict) and scheme.get("type") == "apiKey":
                where, key = scheme.get("in"), scheme.get("name")
                if isinstance(where, str) and isinstance(key, str):
                    keys.setdefault(_key_of(where, key), str(name))
    return keys


def _key_of(where: str, name: str) -> tuple[str, str]:
    """Header names are case-insensitive (RFC 9110, section 5.1); query and cookie names not."""
    return where, name.lower() if where == "header" else name


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
