"""Object keywords without `type: object` in what clients send (`typeless-object-schema`).

JSON Schema applies `properties`, `required` and `additionalProperties` to objects only, so a
schema that lists them without `type: object` also admits `null`, numbers, strings and arrays.
The generated types expect an object there, so the service refuses such values, which the
schema allows: the contract should say `type: object` (or list the other types it means).
Reported once per schema, for schemas a request body or parameter reaches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.spec.contexts import SUBSCHEMAS
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

_OBJECT_WORDS = ("properties", "required", "additionalProperties")
_COMPOSED = ("allOf", "anyOf", "oneOf", "$ref")


def check_typeless(c: Contract) -> list[Diagnostic]:
    """Typeless object schemas that request bodies and parameters reach."""
    seen: set[str] = set()
    found: list[Diagnostic] = []
    for root in _request_schemas(c):
        for node in _reachable(c, root, seen):
            value = node.value
            if any(k in value for k in _OBJECT_WORDS) and not any(
                k in value for k in ("type", *_COMPOSED)
            ):
                message = (
                    "object keywords without `type: object`: null, numbers, strings and arrays "
                    "are valid here too, and the service refuses them (its types expect an "
                    "object); add `type: object`"
                )
                found.append(c.diag("typeless-object-schema", message, node.pointer))
    return found


def _request_schemas(c: Contract) -> Iterator[Node]:
    for op in c.operations:
        for parameter in c.parameters(op):
            if "schema" in parameter.node:
                yield Node(join_pointer(parameter.pointer, "schema"), parameter.node["schema"])
        body = c.deref(Node(join_pointer(op.pointer, "requestBody"), op.node.get("requestBody")))
        content = body.value.get("content") if isinstance(body.value, dict) else None
        for media_type, media in content.items() if isinstance(content, dict) else ():
            if isinstance(media, dict) and "schema" in media:
                at = join_pointer(body.pointer, "content", str(media_type), "schema")
                yield Node(at, media["schema"])


def _reachable(c: Contract, start: Node, seen: set[str]) -> Iterator[Node]:
    """Every schema below `start`, following `$ref`s, each pointer once across calls."""
    stack = [start]
    while stack:
        node = c.deref(stack.pop())
        if not isinstance(node.value, dict) or node.pointer in seen:
            continue
        seen.add(node.pointer)
        yield node
        stack.extend(_children(node))


def _children(node: Node) -> Iterator[Node]:
    value: dict[str, Any] = node.value
    for keyword, kind in SUBSCHEMAS.items():
        sub = value.get(keyword)
        if kind == "one" and isinstance(sub, dict):
            yield Node(join_pointer(node.pointer, keyword), sub)
        elif kind == "map" and isinstance(sub, dict):
            for name, child in sub.items():
                yield Node(join_pointer(node.pointer, keyword, str(name)), child)
        elif kind == "list" and isinstance(sub, list):
            for index, child in enumerate(sub):
                yield Node(join_pointer(node.pointer, keyword, index), child)
