"""Minimal valid requests for an operation: required inputs from examples or synthesized (from the
package's request view, judged by its runtime), and credentials for its first security
requirement, as a schemathesis Case."""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from typing import Any

from generator.devtoken import mint
from generator.ir.refs import as_mapping
from generator.mock.examples import examples_for
from generator.mock.judge import Judge
from generator.mock.synth import Synthesizer
from generator.spec.pointers import deref, join_pointer

SECRET = "s" * 32
API_KEY = "test-api-key"
BASIC = ("tester", "correct horse")


def _value(
    document: Mapping[str, Any], judge: Judge, holder: Mapping[str, Any], pointer: str
) -> Any:
    for candidate in examples_for(document, holder):
        if judge.accepts("request", pointer, candidate):
            return candidate
    accepts = functools.partial(judge.accepts, "request")
    synth = Synthesizer(judge.view("request"), judge=accepts, source=document)
    return next(iter(synth.candidates(pointer)), "string")


def inputs(document: Mapping[str, Any], judge: Judge, path: str, method: str) -> dict[str, Any]:
    """`Case` keyword arguments: every path parameter, required others, a required body."""
    item = as_mapping(as_mapping(document.get("paths")).get(path))
    op = as_mapping(item.get(method))
    found: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
    merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for level, at in (
        (item, join_pointer("/paths", path)),
        (op, join_pointer("/paths", path, method)),
    ):
        for i, node in enumerate(level.get("parameters") or []):
            param, ptr = deref(document, node, join_pointer(at, "parameters", i))
            param = as_mapping(param)
            merged[(str(param.get("in")), str(param.get("name")))] = (param, ptr)
    for (location, name), (param, ptr) in merged.items():
        if location in found and (location == "path" or param.get("required") is True):
            value = _value(document, judge, param, ptr + "/schema")
            found[location][name] = value if location == "query" else _text(value)
    kwargs: dict[str, Any] = {
        "path_parameters": found["path"],
        "query": found["query"],
        "headers": found["header"],
        "cookies": found["cookie"],
    }
    body_node, body_at = deref(
        document, op.get("requestBody"), join_pointer("/paths", path, method, "requestBody")
    )
    body = as_mapping(body_node)
    if body.get("required") is True and as_mapping(body.get("content")):
        media_type, media = next(iter(as_mapping(body["content"]).items()))
        media_at = join_pointer(body_at, "content", media_type)
        kwargs["media_type"] = media_type
        kwargs["body"] = _value(document, judge, as_mapping(media), media_at + "/schema")
    return kwargs


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def credentials(document: Mapping[str, Any], path: str, method: str) -> dict[str, dict[str, str]]:
    """Headers, query and cookies satisfying the operation's first requirement (none if public)."""
    op = as_mapping(as_mapping(as_mapping(document.get("paths")).get(path)).get(method))
    requirements = op["security"] if "security" in op else document.get("security") or []
    schemes = as_mapping(as_mapping(document.get("components")).get("securitySchemes"))
    out: dict[str, dict[str, str]] = {"headers": {}, "query": {}, "cookies": {}}
    if not requirements or any(not as_mapping(r) for r in requirements):
        return out
    for name, scopes in as_mapping(requirements[0]).items():
        scheme = as_mapping(deref(document, schemes.get(name), "")[0])
        kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
        if kind in {"oauth2", "openIdConnect"} or (kind == "http" and http == "bearer"):
            token = mint("tester", [str(s) for s in scopes], secret=SECRET)
            out["headers"]["Authorization"] = f"Bearer {token}"
        elif kind == "http" and http == "basic":
            raw = base64.b64encode(":".join(BASIC).encode()).decode()
            out["headers"]["Authorization"] = f"Basic {raw}"
        elif kind == "apiKey":
            where = {"header": "headers", "query": "query", "cookie": "cookies"}[str(scheme["in"])]
            out[where][str(scheme["name"])] = API_KEY
    return out


def settings_for(package: Any) -> Any:
    """The package's Settings accepting the tokens, key and password above."""
    from pwdlib import PasswordHash

    auth = __import__(f"{package.__name__}.runtime.auth", fromlist=["hash_api_key"])
    return package.Settings(
        jwt_secret=SECRET,
        jwt_algorithms=["HS256"],
        api_key_hashes={"tester": auth.hash_api_key(API_KEY)},
        basic_users={BASIC[0]: PasswordHash.recommended().hash(BASIC[1])},
    )
