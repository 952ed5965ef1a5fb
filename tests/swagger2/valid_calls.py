"""A valid request for every operation of a served contract, built from its schemas (test helper).

Values come from `enum`, `default`, then the type and format, within the schema's bounds;
parameters are serialized by their style and bodies by their first media type, so a
generated service that validates every request lets each one through to its handler.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.mock.patterns import example
from generator.spec.pointers import ref_target

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_FORMATS = {
    "date": "2020-01-02",
    "date-time": "2020-01-02T03:04:05Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "a@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "byte": "YQ==",
}


@dataclass
class Call:
    """One request: method, URL path, query pairs, headers, and a body in one of three forms."""

    label: str
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    data: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes]] | None = None


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        node = ref_target(document, node["$ref"])
    return node


def sample(document: Mapping[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value `schema` accepts (best effort: enum, default, then by type and bounds)."""
    schema = _deref(document, schema)
    if not isinstance(schema, dict):
        return "x"
    enum = [v for v in schema.get("enum") or [] if v is not None]
    if enum:
        return enum[0]
    if schema.get("default") is not None:
        return schema["default"]
    for key in ("allOf", "oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            parts = [_deref(document, p) for p in schema[key]]
            if key == "allOf":
                merged: dict[str, Any] = {}
                for part in parts:
                    value = sample(document, part, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                if merged or all(p.get("type") == "object" for p in parts if isinstance(p, dict)):
                    return {**merged, **_object(document, schema, depth)}
                return sample(document, parts[0], depth + 1)
            return sample(document, parts[0], depth + 1)
    kind = schema.get("type") or ("object" if "properties" in schema else "string")
    if kind == "object":
        return _object(document, schema, depth)
    if kind == "array":
        count = max(int(schema.get("minItems", 1) or 1), 1)
        item = sample(document, schema.get("items", {}), depth + 1)
        return [item] * count if not schema.get("uniqueItems") else [item]
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        value = (
            (low + (1 if schema.get("exclusiveMinimum") is True else 0)) if low is not None else 1
        )
        high = schema.get("maximum")
        value = min(value, high) if high is not None else value
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if schema.get("format") == "binary":
        return b"file"
    if isinstance(schema.get("pattern"), str):
        low, high = schema.get("minLength"), schema.get("maxLength")
        found = example(schema["pattern"], low, high)
        if found is not None:
            return found
    text = _FORMATS.get(str(schema.get("format")), "x")
    return text * max(1, int(schema.get("minLength", 1) or 1)) if text == "x" else text


def _object(document: Mapping[str, Any], schema: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {
        name: sample(document, properties.get(name, {}), depth + 1)
        for name in schema.get("required") or []
        if depth < 30
    }


def text(value: Any) -> str:
    """A scalar as it travels in a URL or header."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def calls(document: Mapping[str, Any], prefix: str) -> Iterator[Call]:
    """A request for each operation of `document`, mounted under `prefix`."""
    for path, item in (document.get("paths") or {}).items():
        shared = item.get("parameters") or []
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            call = Call(f"{method.upper()} {path}", method.upper(), prefix + path)
            params = {}
            for raw in [*shared, *(op.get("parameters") or [])]:
                param = _deref(document, raw)
                params[(param.get("name"), param.get("in"))] = param
            for param in params.values():
                _place(document, call, param)
            body = _deref(document, op.get("requestBody"))
            if isinstance(body, dict) and body.get("content"):
                _body(document, call, body)
            yield call


def _place(document: Mapping[str, Any], call: Call, param: dict[str, Any]) -> None:
    where, name = param.get("in"), str(param.get("name"))
    if not param.get("required") and where != "path":
        return
    value = sample(document, param.get("schema", {}))
    if where == "path":
        call.path = call.path.replace("{" + name + "}", text(value))
    elif where == "header":
        call.headers[name] = ",".join(map(text, value)) if isinstance(value, list) else text(value)
    elif where == "query" and isinstance(value, list):
        style, explode = param.get("style", "form"), param.get("explode", True)
        if style == "form" and explode:
            call.query.extend((name, text(v)) for v in value)
        else:
            separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
            call.query.append((name, separator.join(map(text, value))))
    elif where == "query":
        call.query.append((name, text(value)))


def _body(document: Mapping[str, Any], call: Call, body: dict[str, Any]) -> None:
    media, entry = next(iter(body["content"].items()))
    value = sample(document, (entry or {}).get("schema", {}))
    call.headers["content-type"] = media
    if media == "multipart/form-data" and isinstance(value, dict):
        del call.headers["content-type"]
        call.files = {k: ("f.bin", v) for k, v in value.items() if isinstance(v, bytes)}
        call.data = {k: _form(v) for k, v in value.items() if not isinstance(v, bytes)}
        if not call.files:
            call.files = None
    elif media == "application/x-www-form-urlencoded" and isinstance(value, dict):
        call.data = {k: _form(v) for k, v in value.items()}
        del call.headers["content-type"]
    elif isinstance(value, bytes):
        call.content = value
    elif "json" in media:
        call.content = json.dumps(value).encode()
    else:
        call.content = text(value).encode()


def _form(value: Any) -> Any:
    return [text(v) for v in value] if isinstance(value, list) else text(value)
