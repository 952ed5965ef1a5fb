"""One iterative pass over an OpenAPI document that files every object under its kind.

Kinds: `pathitem`, `operation`, `parameter` (headers included, they share the shape),
`requestbody`, `response`, `mediatype` and `schema`. Objects are filed where they are
written: a `$ref` (other than a schema's) is skipped, since its target is filed where it lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.spec.contexts import SUBSCHEMAS
from generator.spec.pointers import child_pointer, join_pointer

KINDS = ("pathitem", "operation", "parameter", "requestbody", "response", "mediatype", "schema")
# The operation keys of a Path Item Object (3.2 adds `query`), in the order the spec lists them.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_COMPONENTS = {
    "schemas": "schema",
    "parameters": "parameter",
    "headers": "parameter",
    "requestBodies": "requestbody",
    "responses": "response",
    "callbacks": "callback",
    "pathItems": "pathitem",
    "mediaTypes": "mediatype",
}

Child = tuple[str, str, Any]


@dataclass(frozen=True)
class Node:
    """A value of the document and the JSON pointer it sits at."""

    pointer: str
    value: Any


def walk_contract(root: dict[str, Any], version: str) -> dict[str, list[Node]]:
    """File every object of `root` by kind, in document order."""
    index: dict[str, list[Node]] = {kind: [] for kind in KINDS}
    stack: list[Child] = [("root", "", root)]
    while stack:
        kind, pointer, value = stack.pop()
        if not isinstance(value, dict) or ("$ref" in value and kind != "schema"):
            continue
        if kind in index:
            index[kind].append(Node(pointer, value))
        children = list(_children(kind, pointer, value, version))
        stack.extend(reversed(children))
    return index


def _entries(kind: str, pointer: str, value: Any) -> Iterator[Child]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield kind, child_pointer(pointer, key), item


def _items(kind: str, pointer: str, value: Any) -> Iterator[Child]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield kind, f"{pointer}/{i}", item


def _children(kind: str, ptr: str, node: dict[str, Any], version: str) -> Iterator[Child]:
    def at(key: str) -> str:
        """Pointer of `key` inside this node."""
        return child_pointer(ptr, key)

    if kind == "root":
        yield from _entries("pathitem", at("paths"), node.get("paths"))
        yield from _entries("pathitem", at("webhooks"), node.get("webhooks"))
        # 3.0's `x-webhooks` (the Redoc convention): generated like 3.1's webhooks
        yield from _entries("pathitem", at("x-webhooks"), node.get("x-webhooks"))
        components = node.get("components")
        if isinstance(components, dict):
            for section, child_kind in _COMPONENTS.items():
                sub = join_pointer(ptr, "components", section)
                yield from _entries(child_kind, sub, components.get(section))
    elif kind == "pathitem":
        yield from _items("parameter", at("parameters"), node.get("parameters"))
        for key, op in node.items():
            if key in METHODS or (key == "query" and version == "3.2"):
                yield "operation", at(key), op
        if version == "3.2":
            yield from _entries(
                "operation", at("additionalOperations"), node.get("additionalOperations")
            )
    elif kind == "operation":
        yield from _items("parameter", at("parameters"), node.get("parameters"))
        yield "requestbody", at("requestBody"), node.get("requestBody")
        yield from _entries("response", at("responses"), node.get("responses"))
        yield from _entries("callback", at("callbacks"), node.get("callbacks"))
    elif kind == "callback":
        yield from _entries("pathitem", ptr, node)
    elif kind == "parameter":
        yield "schema", at("schema"), node.get("schema")
        yield from _entries("mediatype", at("content"), node.get("content"))
    elif kind == "requestbody":
        yield from _entries("mediatype", at("content"), node.get("content"))
    elif kind == "response":
        yield from _entries("parameter", at("headers"), node.get("headers"))
        yield from _entries("mediatype", at("content"), node.get("content"))
    elif kind == "mediatype":
        yield "schema", at("schema"), node.get("schema")
        yield "schema", at("itemSchema"), node.get("itemSchema")
        encodings = node.get("encoding")
        if isinstance(encodings, dict):
            for name, encoding in encodings.items():
                if isinstance(encoding, dict):
                    sub = join_pointer(ptr, "encoding", str(name), "headers")
                    yield from _entries("parameter", sub, encoding.get("headers"))
    elif kind == "schema":
        yield from _schema_children(ptr, node)


def _schema_children(ptr: str, node: dict[str, Any]) -> Iterator[Child]:
    for key, value in node.items():
        mode = SUBSCHEMAS.get(key)
        if mode is None:
            continue
        at = child_pointer(ptr, key)
        if isinstance(value, dict):
            if mode == "map":
                for name, sub in value.items():
                    yield "schema", child_pointer(at, name), sub
            else:
                yield "schema", at, value
        elif isinstance(value, list) and mode != "map":
            for i, sub in enumerate(value):
                yield "schema", f"{at}/{i}", sub
