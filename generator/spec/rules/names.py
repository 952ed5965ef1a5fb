"""Name rules: distinct names in the contract must stay distinct as Python identifiers.

Component schemas become classes (`naming.class_name`, compared case-insensitively since
module and file names may fold case); properties, parameters of one operation, operationIds
and tags become snake_case names (`naming.snake_name`). Both apply NFKC first, so `ﬁle` and
`file` collide as Python itself would make them. The generator numbers colliding names, so
this is a warning: the wire names are kept, but the Python names become `x_2`, `X2`...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from generator.diagnostics import Diagnostic
from generator.naming import class_name, snake_name
from generator.spec.pointers import join_pointer, split_pointer
from generator.spec.rules.contract import Contract

# Property names repeat across schemas ("id", "url"...); naming them once is much cheaper.
_snake: Callable[[str], str] = lru_cache(maxsize=1 << 16)(snake_name)

# (the name as a message shows it, the Python name it becomes, pointer where it is written)
Named = tuple[str, str, str]


def check_names(contract: Contract) -> list[Diagnostic]:
    """Name collisions in every scope, and tags declared twice."""
    c = contract
    found = _collisions(c, "schemas", _component_schemas(c), fold=True)
    for node in c.index["schema"]:
        props = node.value.get("properties")
        if isinstance(props, dict) and len({_snake(str(k)) for k in props}) < len(props):
            named = [
                (str(k), _snake(str(k)), join_pointer(node.pointer, "properties", str(k)))
                for k in props
            ]
            found += _collisions(c, _owner(node.pointer) + "properties", named)
    for op in c.operations:
        params = c.parameters(op)
        same = len({p.name for p in params}) < len(params)  # one name in two locations
        named = [
            (f"{p.name} (in: {p.location})" if same else p.name, _snake(p.name), p.site)
            for p in params
        ]
        found += _collisions(c, f"{op.label}: parameters", named)
    op_ids = [
        (op_id, _snake(op_id), join_pointer(op.pointer, "operationId"))
        for op in c.operations
        if isinstance(op_id := op.node.get("operationId"), str)
    ]
    found += _collisions(c, "operationIds", op_ids)
    found += _collisions(c, "tags", _tags(c))
    found += _duplicate_tags(c)
    return found


def _owner(pointer: str) -> str:
    """`User: ` for a component schema, so a message says whose properties collide."""
    tokens = split_pointer(pointer)
    return f"{tokens[2]}: " if len(tokens) == 3 and tokens[:2] == ["components", "schemas"] else ""


def _component_schemas(c: Contract) -> list[Named]:
    components = c.root.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return []
    return [
        (str(k), class_name(str(k)), join_pointer("/components/schemas", str(k))) for k in schemas
    ]


def _tags(c: Contract) -> list[Named]:
    named: list[Named] = []
    tags = c.root.get("tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            named.append((tag["name"], _snake(tag["name"]), join_pointer("/tags", i, "name")))
    for op in c.operations:
        op_tags = op.node.get("tags")
        for i, tag in enumerate(op_tags if isinstance(op_tags, list) else []):
            if isinstance(tag, str):
                named.append((tag, _snake(tag), join_pointer(op.pointer, "tags", i)))
    return named


def _collisions(
    c: Contract, what: str, named: Iterable[Named], *, fold: bool = False
) -> list[Diagnostic]:
    """One warning per group of different names sharing a Python name, at the second one.

    `fold` compares Python names case-insensitively (class names end up in file names).
    """
    groups: dict[str, dict[str, tuple[str, str]]] = {}
    for label, ident, pointer in named:
        key = ident.casefold() if fold else ident
        groups.setdefault(key, {}).setdefault(label, (ident, pointer))
    found: list[Diagnostic] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        labels = list(members)
        pointers = [members[label][1] for label in labels]
        listed = ", ".join(f'"{label}"' for label in labels)
        verb = "both become" if len(labels) == 2 else "all become"
        ident = members[labels[0]][0]
        message = f'{what} {listed} {verb} the Python name "{ident}"'
        related = (pointers[0], *pointers[2:])
        found.append(c.diag("name-collision", message, pointers[1], related))
    return found


def _duplicate_tags(c: Contract) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    first: dict[str, str] = {}
    tags = c.root.get("tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        name = tag.get("name") if isinstance(tag, dict) else None
        if not isinstance(name, str):
            continue
        here = join_pointer("/tags", i)
        if name not in first:
            first[name] = here
            continue
        message = f'tag "{name}" is declared twice; the first is at {c.where(first[name])}'
        found.append(c.diag("duplicate-tag", message, here, (first[name],)))
    return found
