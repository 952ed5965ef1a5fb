"""Reading a bundled contract for comparison: flattening `allOf` over `$ref`s followed leniently.

A `SchemaView` is what a schema means once its `$ref` chain is followed and its `allOf`
members are merged in: keywords (first definition wins), properties, `required`, `items`,
`additionalProperties` and `oneOf`/`anyOf` branches, each with the pointer it came from so
a change can be located in the file that defines it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.spec.pointers import deref_pointer, join_pointer, resolve_pointer

# An absent `additionalProperties` means "anything"; a schema is kept as its pointer.
Additional = bool | str


@dataclass
class SchemaView:
    """One schema with its references followed and `allOf` merged in."""

    pointer: str
    keywords: dict[str, tuple[Any, str]] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: str | None = None
    additional: Additional = True
    one_of: list[str] = field(default_factory=list)
    any_of: list[str] = field(default_factory=list)

    def value(self, keyword: str) -> Any:
        """The keyword's value (None when absent)."""
        found = self.keywords.get(keyword)
        return None if found is None else found[0]

    def where(self, keyword: str) -> str:
        """The pointer of the keyword, or of the schema when it is absent."""
        found = self.keywords.get(keyword)
        return self.pointer if found is None else join_pointer(found[1], keyword)

    def names(self) -> list[str]:
        """Every property name, declared or only listed in `required`, in declaration order."""
        return [*self.properties, *sorted(self.required - self.properties.keys())]


_STRUCTURAL = frozenset(
    {"$ref", "allOf", "properties", "required", "items", "additionalProperties", "oneOf", "anyOf"}
)


class Views:
    """Builds (and caches) the `SchemaView` of every schema pointer of one contract.

    Subschema nodes met while merging are remembered by pointer, so walking down a deep
    schema never re-resolves a long pointer from the root.
    """

    def __init__(self, root: Any) -> None:
        self.root = root
        self._cache: dict[str, SchemaView] = {}
        self._seen: dict[str, SchemaView] = {}
        self._nodes: dict[str, Any] = {}

    def view(self, pointer: str) -> SchemaView:
        """The view of the schema at `pointer` (a `$ref` is followed first)."""
        known = self._seen.get(pointer)
        if known is not None:
            return known
        node, target = self._deref(pointer)
        cached = self._cache.get(target)
        if cached is None:
            cached = SchemaView(target)
            self._merge(cached, node, target, {target})
            self._cache[target] = cached
        self._seen[pointer] = cached
        return cached

    def node(self, pointer: str) -> Any:
        """The raw node at `pointer` (a `$ref` is not followed)."""
        known = self._nodes.get(pointer)
        return resolve_pointer(self.root, pointer) if known is None else known

    def _deref(self, pointer: str) -> tuple[Any, str]:
        node = self._nodes.get(pointer)
        if node is None or (isinstance(node, dict) and "$ref" in node):
            return deref_pointer(self.root, pointer)
        return node, pointer

    def _child(self, pointer: str, node: Any) -> str:
        self._nodes[pointer] = node
        return pointer

    def _merge(self, view: SchemaView, node: Any, pointer: str, active: set[str]) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key not in _STRUCTURAL:
                view.keywords.setdefault(key, (value, pointer))
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, schema in properties.items():
                if name not in view.properties:
                    child = join_pointer(pointer, "properties", name)
                    view.properties[name] = self._child(child, schema)
        required = node.get("required")
        if isinstance(required, list):
            view.required.update(name for name in required if isinstance(name, str))
        items = node.get("items")
        if items is not None and view.items is None and not isinstance(items, list):
            view.items = self._child(join_pointer(pointer, "items"), items)
        extra = node.get("additionalProperties")
        if extra is False:
            view.additional = False
        elif isinstance(extra, dict) and view.additional is True:
            view.additional = self._child(join_pointer(pointer, "additionalProperties"), extra)
        for key, branches in (("oneOf", view.one_of), ("anyOf", view.any_of)):
            listed = node.get(key)
            if isinstance(listed, list) and not branches:
                branches.extend(
                    self._child(join_pointer(pointer, key, i), b) for i, b in enumerate(listed)
                )
        members = node.get("allOf")
        if isinstance(members, list):
            for index, member in enumerate(members):
                self._child(join_pointer(pointer, "allOf", index), member)
                member, target = self._deref(join_pointer(pointer, "allOf", index))
                if target not in active:
                    self._merge(view, member, target, active | {target})
