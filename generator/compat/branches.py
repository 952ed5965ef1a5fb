"""Matching `oneOf`/`anyOf` alternatives across two versions of a schema, and their discriminator.

Alternatives are keyed by the component they name, else by the types they allow
(`type:string`), so reordering or inserting alternatives does not pair unrelated ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.compat.keywords import Direction, Finding, show, types_of
from generator.compat.views import SchemaView, Views
from generator.spec.pointers import deref_pointer, schema_name, schema_ref, split_pointer

_SCHEMAS = "/components/schemas/"


def component_name(views: Views, pointer: str) -> str | None:
    """The name of the component schema `pointer` ends up at, if any (for branch matching)."""
    target = deref_pointer(views.root, pointer)[1]
    if target.startswith(_SCHEMAS) and target.count("/") == 3:
        return split_pointer(target)[-1]
    return None


def branch_key(views: Views, pointer: str) -> str:
    """A component's name, or `type:...` for an inline alternative."""
    name = component_name(views, pointer)
    if name is not None:
        return name
    types, nullable = types_of(views.view(pointer))
    listed = "any" if types is None else ",".join(sorted(types | ({"null"} if nullable else set())))
    return f"type:{listed}"


def match_branches(
    old: list[str], new: list[str]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of equal keys first, then leftover inline alternatives in order.

    >>> match_branches(["Cat", "type:string"], ["type:integer", "Cat", "Dog"])
    ([(0, 1), (1, 0)], [], [2])
    """
    pairs: list[tuple[int, int]] = []
    free_new = list(range(len(new)))
    for i, key in enumerate(old):
        match = next((j for j in free_new if new[j] == key), None)
        if match is not None:
            pairs.append((i, match))
            free_new.remove(match)
    paired = {i for i, _ in pairs}
    inline_old = [i for i in range(len(old)) if i not in paired and _inline(old[i])]
    inline_new = [j for j in free_new if _inline(new[j])]
    for i, j in zip(inline_old, inline_new, strict=False):
        pairs.append((i, j))
        free_new.remove(j)
        paired.add(i)
    return pairs, [i for i in range(len(old)) if i not in paired], free_new


def _inline(key: str) -> bool:
    """An inline alternative other than `type: 'null'` (which stands for nullability)."""
    return key.startswith("type:") and key != "type:null"


def _discriminator(view: SchemaView) -> tuple[Any, dict[str, str]]:
    """The discriminator's property name and its explicit mapping: value → component name.

    >>> view = SchemaView("", keywords={"discriminator": ({"propertyName": "kind", "mapping": {
    ...     "dog": "Dog", "cat": "#/components/schemas/Cat"}}, "")})
    >>> _discriminator(view)
    ('kind', {'dog': 'Dog', 'cat': 'Cat'})
    """
    found = view.value("discriminator")
    if not isinstance(found, dict):
        return None, {}
    mapping = found.get("mapping")
    targets: dict[str, str] = {}
    for value, target in mapping.items() if isinstance(mapping, dict) else ():
        if isinstance(target, str):
            ref = target if target.startswith("#") else schema_ref(target)
            targets[str(value)] = schema_name(ref) or target
    return found.get("propertyName"), targets


def compare_discriminator(
    old: SchemaView, new: SchemaView, direction: Direction
) -> Iterator[Finding]:
    """The discriminator's property renamed, a value now selecting another schema (breaking
    both ways: the same payload is read as another type), values added or removed."""
    (old_name, old_map), (new_name, new_map) = _discriminator(old), _discriminator(new)
    where = old.where("discriminator"), new.where("discriminator")
    if old_name is not None and new_name is not None and old_name != new_name:
        text = f"discriminator property {show(old_name)} → {show(new_name)}"
        yield Finding("discriminator-changed", text, *where)
    for value, target in old_map.items():
        if value not in new_map:
            text = f"discriminator value {show(value)} removed"
            yield Finding(f"{direction.value}-discriminator-value-removed", text, *where)
        elif new_map[value] != target:
            text = f"discriminator value {show(value)} selects {show(new_map[value])}, was {show(target)}"
            yield Finding("discriminator-changed", text, *where)
    for value in [v for v in new_map if v not in old_map]:
        text = f"discriminator value {show(value)} added"
        yield Finding(f"{direction.value}-discriminator-value-added", text, *where)
