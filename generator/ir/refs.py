"""Following local `$ref`s in a bundled document (every ref is `#/...` after loading)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.document import resolve_pointer

__all__ = ["MAX_HOPS", "as_mapping", "deref", "resolve_pointer"]

MAX_HOPS = 32


def deref(root: Mapping[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """Follow `$ref` chains from `node` (found at `pointer`); returns the target and its pointer.

    >>> doc = {"a": {"$ref": "#/b"}, "b": {"x": 1}}
    >>> deref(doc, doc["a"], "/a")
    ({'x': 1}, '/b')
    """
    for _ in range(MAX_HOPS):
        if not isinstance(node, Mapping) or not isinstance(node.get("$ref"), str):
            return node, pointer
        ref: str = node["$ref"]
        if not ref.startswith("#"):
            return None, pointer
        pointer = ref[1:]
        node = resolve_pointer(root, pointer)
    return None, pointer


def as_mapping(node: Any) -> Mapping[str, Any]:
    """`node` if it is a mapping, else an empty one (the validator already reported it)."""
    return node if isinstance(node, Mapping) else {}
