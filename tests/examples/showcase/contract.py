"""Responses checked against the contract itself (the bundled `openapi.json`), not the models."""

from __future__ import annotations

import copy
import functools
from typing import Any

import httpx
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generated.showcase.contract import contract

ROOT = "urn:showcase-contract"


def _without_write_only(node: Any) -> Any:
    """Responses never carry `writeOnly` properties, so they are not `required` there."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(node.get("required"), list):
            hidden = {k for k, v in props.items() if isinstance(v, dict) and v.get("writeOnly")}
            node["required"] = [r for r in node["required"] if r not in hidden]
        for value in node.values():
            _without_write_only(value)
    elif isinstance(node, list):
        for value in node:
            _without_write_only(value)
    return node


@functools.cache
def _registry() -> Registry:
    document = _without_write_only(copy.deepcopy(contract()))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(ROOT, resource)
    return registry


@functools.cache
def _operations() -> dict[str, tuple[str, str]]:
    found = {}
    for path, item in contract()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (path, method)
    return found


def _pointer(*tokens: str) -> str:
    """A JSON pointer fragment (RFC 6901) from unescaped tokens."""
    return "#/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens)


def _response(operation_id: str, status: str) -> tuple[list[str], dict[str, Any]]:
    """The documented response and the pointer tokens to it, `$ref`s followed."""
    path, method = _operations()[operation_id]
    responses = contract()["paths"][path][method]["responses"]
    assert status in responses, f"{operation_id}: {status} is not documented"
    tokens = ["paths", path, method, "responses", status]
    node = responses[status]
    while "$ref" in node:
        tokens = _ref_tokens(node["$ref"])
        node = _at(tokens)
    return tokens, node


def _ref_tokens(ref: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in ref.removeprefix("#/").split("/")]


def _at(tokens: list[str]) -> Any:
    node: Any = contract()
    for token in tokens:
        node = node[token]
    return node


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _at(_ref_tokens(node["$ref"]))
    return node


def _check_headers(response: httpx.Response, operation_id: str, documented: dict[str, Any]) -> None:
    """Every required header is sent, and every documented one matches its schema."""
    for name, header in (documented.get("headers") or {}).items():
        header = _resolve(header)
        value = response.headers.get(name)
        if value is None:
            assert not header.get("required"), f"{operation_id}: header {name} is missing"
            continue
        schema = _resolve(header["schema"])
        typed: Any = int(value) if schema.get("type") == "integer" else value
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        errors = list(validator.iter_errors(typed))
        assert not errors, f"{operation_id}: header {name}: {errors[0].message}"


def assert_conforms(response: httpx.Response, operation_id: str) -> None:
    """The status is documented, the headers and the body match their schemas exactly."""
    tokens, documented = _response(operation_id, str(response.status_code))
    _check_headers(response, operation_id, documented)
    content = documented.get("content") or {}
    if not content:
        assert response.content == b"", f"{operation_id}: {response.status_code} has a body"
        return
    media_type = response.headers["content-type"].split(";")[0].strip()
    assert media_type in content, f"{operation_id}: {media_type} is not documented"
    if media_type == "application/octet-stream":
        return
    body: Any = response.json() if media_type == "application/json" else response.text
    pointer = _pointer(*tokens, "content", media_type, "schema")
    validator = Draft202012Validator(
        {"$ref": ROOT + pointer}, registry=_registry(), format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{operation_id} {response.status_code}: {errors[0].message}"
