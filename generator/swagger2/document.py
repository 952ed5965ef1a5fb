"""A whole Swagger 2.0 contract to OpenAPI 3.0.3: top-level keys in their order, components.

>>> convert_swagger2({"swagger": "2.0", "host": "h", "paths": {}}).document
{'openapi': '3.0.3', 'servers': [{'url': 'https://h'}], 'paths': {}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.spec.pointers import join_pointer, local_ref
from generator.swagger2.bodies import body_request
from generator.swagger2.operations import convert_paths, media_types
from generator.swagger2.parameters import convert_parameter
from generator.swagger2.refs import BODY, FORM
from generator.swagger2.responses import convert_response
from generator.swagger2.schemas import convert_definitions
from generator.swagger2.security import convert_schemes
from generator.swagger2.servers import convert_servers, is_server_key
from generator.swagger2.trace import OPENAPI_VERSION, Trace

SOURCE_FORMAT = "swagger 2.0"  # what `Spec.converted_from` says of a converted contract
_COPIED = frozenset({"info", "tags", "externalDocs", "security"})
_COMPONENT_KEYS = frozenset({"definitions", "parameters", "responses", "securityDefinitions"})
_CONSUMED = frozenset({"consumes", "produces"})  # become each operation's media types


@dataclass(frozen=True)
class Conversion:
    """The converted document and its trace (origins of its nodes, notes on what was lost)."""

    document: dict[str, Any]
    trace: Trace


def is_swagger2(data: Any) -> bool:
    """True for a Swagger 2.0 document (`swagger: "2.0"`, or 2.0 unquoted in YAML)."""
    if not isinstance(data, dict) or "openapi" in data:
        return False
    version = data.get("swagger")
    return version == "2.0" or (isinstance(version, float) and version == 2.0)


def convert_swagger2(document: Mapping[str, Any]) -> Conversion:
    """Convert a Swagger 2.0 document; never raises on any JSON-like input mapping."""
    trace = Trace()
    out: dict[str, Any] = {}
    for key, value in document.items():
        here = join_pointer("", key)
        if key == "swagger":
            out["openapi"] = OPENAPI_VERSION
            trace.record("/openapi", here)
        elif is_server_key(key):
            if "servers" not in out:
                servers = convert_servers(document, trace)
                if servers:
                    out["servers"] = servers
        elif key in _COMPONENT_KEYS:
            if "components" not in out:
                out["components"] = _components(document, trace)
        elif key == "paths":
            out["paths"] = convert_paths(document, value, trace)
        elif key in _COPIED or str(key).startswith("x-"):
            out[key] = value
        elif key not in _CONSUMED:
            trace.note(here, "", f"top-level keyword {key!r} is not Swagger 2.0; dropped")
    return Conversion(out, trace)


def _components(document: Mapping[str, Any], trace: Trace) -> dict[str, Any]:
    """`definitions`, global parameters, responses and security definitions as components."""
    out: dict[str, Any] = {}
    first = next(k for k in document if k in _COMPONENT_KEYS)
    trace.record("/components", join_pointer("", first))
    consumes = media_types(document.get("consumes")) or []
    produces = media_types(document.get("produces")) or []
    if "definitions" in document:
        out["schemas"] = convert_definitions(
            document["definitions"], "/definitions", "/components/schemas", trace
        )
    params = document.get("parameters")
    if isinstance(params, dict):
        used = _refs(document.get("paths"))
        plain, bodies = {}, {}
        for name, param in params.items():
            src = join_pointer("/parameters", name)
            where = param.get("in") if isinstance(param, dict) else None
            if where == BODY:
                dst = join_pointer("/components/requestBodies", name)
                bodies[name] = body_request(param, src, dst, consumes, trace)
            elif where != FORM:
                dst = join_pointer("/components/parameters", name)
                plain[name] = convert_parameter(param, src, dst, trace)
            elif local_ref(src) not in used:  # a used form field is inlined where it is used
                message = (
                    f"global form parameter {name!r} is used by no operation, and OpenAPI 3.0 "
                    "has no component for a form field; dropped"
                )
                trace.note(src, "/components", message)
        if plain:
            trace.record("/components/parameters", "/parameters")
            out["parameters"] = plain
        if bodies:
            trace.record("/components/requestBodies", "/parameters")
            out["requestBodies"] = bodies
    responses = document.get("responses")
    if isinstance(responses, dict):
        trace.record("/components/responses", "/responses")
        out["responses"] = {
            code: convert_response(
                resp,
                join_pointer("/responses", code),
                join_pointer("/components/responses", code),
                produces,
                trace,
            )
            for code, resp in responses.items()
        }
    if "securityDefinitions" in document:
        out["securitySchemes"] = convert_schemes(
            document["securityDefinitions"],
            "/securityDefinitions",
            "/components/securitySchemes",
            trace,
        )
    return out


def _refs(node: Any) -> set[str]:
    """Every `$ref` string under `node`."""
    found: set[str] = set()
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                found.add(value["$ref"])
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found
