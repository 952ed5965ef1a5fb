"""`securityDefinitions` to OpenAPI 3.0 `components/securitySchemes`.

>>> convert_scheme({"type": "oauth2", "flow": "application", "tokenUrl": "https://t",
...                 "scopes": {"read": "r"}}, "/s", "/t", Trace())
{'type': 'oauth2', 'flows': {'clientCredentials': {'tokenUrl': 'https://t', 'scopes': {'read': 'r'}}}}
"""

from __future__ import annotations

from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.trace import Trace

# Swagger 2.0 flow -> OpenAPI 3.0 flow and the URLs it carries (3.0.3 section 4.7.28).
FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_KNOWN = {
    "basic": frozenset({"type", "description"}),
    "apiKey": frozenset({"type", "description", "name", "in"}),
    "oauth2": frozenset({"type", "description", "flow", "authorizationUrl", "tokenUrl", "scopes"}),
}


def convert_scheme(scheme: Any, src: str, dst: str, trace: Trace) -> Any:
    """The 3.0 Security Scheme Object for a 2.0 one; None when its type has no equivalent."""
    trace.record(dst, src)
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    if not isinstance(kind, str) or kind not in _KNOWN:
        trace.note(join_pointer(src, "type"), dst, f"security scheme type {kind!r} is unknown")
        return None
    out: dict[str, Any] = {}
    if kind == "basic":
        out = {"type": "http", "scheme": "basic"}
    elif kind == "apiKey":
        out = {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in")}
    else:
        flows = _flows(scheme, src, join_pointer(dst, "flows"), trace)
        if flows is None:
            return None
        out = {"type": "oauth2", "flows": flows}
    if "description" in scheme:
        out["description"] = scheme["description"]
    for key, value in scheme.items():
        if str(key).startswith("x-"):
            out[key] = value
        elif key not in _KNOWN[kind]:
            message = f"{key!r} has no meaning on a {kind} security scheme; dropped"
            trace.note(join_pointer(src, key), dst, message)
    return out


def _flows(scheme: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any] | None:
    found = FLOWS.get(str(scheme.get("flow")))
    if found is None:
        message = f"oauth2 flow {scheme.get('flow')!r} is none of {', '.join(FLOWS)}; dropped"
        trace.note(join_pointer(src, "flow"), dst, message)
        return None
    name, urls = found
    flow: dict[str, Any] = {url: scheme.get(url, "") for url in urls}
    scopes = scheme.get("scopes")
    flow["scopes"] = scopes if isinstance(scopes, dict) else {}
    trace.record(join_pointer(dst, name), join_pointer(src, "flow"))
    for key in (*urls, "scopes"):
        trace.record(join_pointer(dst, name, key), join_pointer(src, key))
    return {name: flow}


def convert_schemes(definitions: Any, src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """Every scheme of `securityDefinitions` that has a 3.0 form, names kept."""
    trace.record(dst, src)
    out: dict[str, Any] = {}
    for name, scheme in definitions.items() if isinstance(definitions, dict) else ():
        converted = convert_scheme(scheme, join_pointer(src, name), join_pointer(dst, name), trace)
        if converted is not None:
            out[name] = converted
    return out
