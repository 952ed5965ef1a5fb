"""Comparing an operation's parameters: path-level and operation-level ones, merged.

Parameters are matched by location and name (header names ignore case); path parameters by
their position in the template, so `/u/{id}` → `/u/{user_id}` compares `id` with `user_id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.compat.keywords import Direction
from generator.compat.pairs import OperationPair
from generator.spec.pointers import deref_pointer, join_pointer

DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


@dataclass(frozen=True)
class Parameter:
    """One parameter as an operation sees it."""

    location: str
    name: str
    pointer: str
    node: dict[str, Any]

    @property
    def required(self) -> bool:
        """Path parameters always are (OpenAPI 3.x §4.8.12.1)."""
        return self.location == "path" or self.node.get("required") is True

    @property
    def label(self) -> str:
        """How messages name it, e.g. `parameter query 'limit'`."""
        return f"parameter {self.location} {self.name!r}"

    def style(self) -> tuple[str, bool]:
        """The effective `style` and `explode` (OpenAPI 3.x §4.8.12 defaults)."""
        style = self.node.get("style", DEFAULT_STYLE.get(self.location, "form"))
        explode = self.node.get("explode", style == "form")
        return str(style), explode is True

    def schema(self) -> str | None:
        """The pointer of the parameter's schema (from `schema` or its one `content` entry)."""
        if "schema" in self.node:
            return join_pointer(self.pointer, "schema")
        content = self.node.get("content")
        if isinstance(content, dict):
            for media, value in content.items():
                if isinstance(value, dict) and "schema" in value:
                    return join_pointer(self.pointer, "content", media, "schema")
        return None


Key = tuple[str, str]


def parameters(
    root: Any, item: tuple[dict[str, Any], str], operation: tuple[dict[str, Any], str]
) -> dict[Key, Parameter]:
    """The operation's parameters keyed for matching; operation-level ones override."""
    found: dict[Key, Parameter] = {}
    for holder, pointer in (item, operation):
        listed = holder.get("parameters")
        if not isinstance(listed, list):
            continue
        for index in range(len(listed)):
            node, target = deref_pointer(root, join_pointer(pointer, "parameters", index))
            if not isinstance(node, dict):
                continue
            location, name = node.get("in"), node.get("name")
            if isinstance(location, str) and isinstance(name, str):
                found[_key(location, name)] = Parameter(location, name, target, node)
    return found


def _key(location: str, name: str) -> Key:
    if location == "header":
        return location, name.lower()
    return location, name


def diff_parameters(pair: OperationPair) -> None:
    """Report parameters removed, added, moved, made required or changed in shape or schema."""
    old_root, new_root = pair.contracts.old.root, pair.contracts.new.root
    old = _renamed(parameters(old_root, pair.old_item, (pair.old, pair.old_pointer)), pair)
    new = parameters(new_root, pair.new_item, (pair.new, pair.new_pointer))
    moved: set[Key] = set()
    for key, before in old.items():
        if key in new:
            _compare(pair, before, new[key])
            continue
        target = _moved_to(
            before, {k: p for k, p in new.items() if k not in old and k not in moved}
        )
        if target is None:
            where = before.pointer, pair.new_pointer
            pair.report("request-parameter-removed", "removed", *where, before.label)
            continue
        moved.add(target)
        after = new[target]
        text = f"moved from {before.location} to {after.location}"
        where = before.pointer, after.pointer
        pair.report("request-parameter-location-changed", text, *where, before.label)
    for key, after in new.items():
        if key not in old and key not in moved:
            rule = "request-parameter-added" + ("-required" if after.required else "")
            text = "added as required" if after.required else "added"
            pair.report(rule, text, pair.old_pointer, after.pointer, after.label)


def _moved_to(before: Parameter, candidates: dict[Key, Parameter]) -> Key | None:
    """The new parameter of the same name in another location, if there is one."""
    name = before.name.lower()
    for key, after in candidates.items():
        if after.location != before.location and after.name.lower() == name:
            return key
    return None


def _renamed(found: dict[Key, Parameter], pair: OperationPair) -> dict[Key, Parameter]:
    """Old parameters with path ones keyed by their new names, so renames still match."""
    renamed = {before: after for after, before in pair.path_names.items()}
    return {
        (("path", renamed.get(key[1], key[1])) if key[0] == "path" else key): value
        for key, value in found.items()
    }


def _compare(pair: OperationPair, before: Parameter, after: Parameter) -> None:
    where = after.label
    if before.required != after.required:
        verb = "required" if after.required else "optional"
        pair.report(
            f"request-parameter-made-{verb}", f"made {verb}", before.pointer, after.pointer, where
        )
    if before.style() != after.style():
        (old_style, old_explode), (new_style, new_explode) = before.style(), after.style()
        text = (
            f"serialised as {old_style}{' exploded' * old_explode}"
            f" → {new_style}{' exploded' * new_explode}"
        )
        pair.report("request-parameter-style-changed", text, before.pointer, after.pointer, where)
    if before.node.get("description") != after.node.get("description"):
        pair.report(
            "description-changed", "description changed", before.pointer, after.pointer, where
        )
    old_schema, new_schema = before.schema(), after.schema()
    if old_schema is not None and new_schema is not None:
        pair.compare_schemas(Direction.REQUEST, where, old_schema, new_schema)
