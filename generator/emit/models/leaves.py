"""Identical schemas go through datamodel-code-generator once, then are copied.

A large contract's normalized schemas repeat themselves: Stripe has 870 hoisted
`{type: string, maxLength: 5000}` aliases and 638 empty-string enums among 5,783 schemas, Box
and GitHub ~160 objects that another schema spells out the same way, and the generator's time
grows with every schema it is given. Of a group of identical schemas only a few are generated;
the others ("copies") get the text of the group's first member under their own name, placed
right after the group's first definition.

A schema renders the same under any name when its text cannot depend on its neighbours:
primitives (string, number, integer or boolean without `$ref`) always; other schemas when
everything they reference comes before them and everything referring to them after them (no
cycle runs through them, so no forward reference), and no discriminator involves them (the
generator rewrites a discriminator's targets).

A schema that referenced a copy references a generated member of the same group instead (a
different one for every copy it references), and in its rendered statement that member's name is
put back (`renames`, applied by `assemble.fragment`). The module defines the same statements
as a run over every schema; only where the copies stand differs.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.emit.models.assemble import Fragment, defined_name
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.ir.schemas import ModelGenerationError

PRIMITIVES = frozenset({"string", "integer", "number", "boolean"})
# What a schema inside a shared one may say: references, scalar types and their constraints,
# arrays, maps and unions of those (anything else could become a class of its own).
INLINE_KEYWORDS = frozenset(
    {
        "$ref", "type", "format", "nullable", "description", "title", "default", "example",
        "examples", "deprecated", "readOnly", "writeOnly", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "uniqueItems", "items", "additionalProperties",
        "anyOf", "oneOf",
    }
)  # fmt: skip


@dataclass
class Leaves:
    """The schemas to generate, and how to turn their module into the full one."""

    schemas: dict[str, Any]  # in the given order, without the copies, references rewritten
    references: dict[str, list[str]]  # per schema in `schemas`, the ones it references there
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # referrer: {gen: copy}
    groups: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (kept, copies)


def share(ordered: Mapping[str, Any], references: Mapping[str, Iterable[str]]) -> Leaves:
    """Group identical schemas that may be shared and pick which members are generated.

    `references` maps each schema to the names it references (in any order, repeats allowed).
    """
    members: dict[str, list[str]] = {}
    for name in _standalone(ordered, references):
        key = _shared_key(ordered[name])
        if key is not None:
            members.setdefault(key, []).append(name)
    groups = {key: names for key, names in members.items() if len(names) > 1}
    group_of = {n: key for key, names in groups.items() for n in names}
    kept = {key: [names[0]] for key, names in groups.items()}
    rewrites: dict[str, dict[str, str]] = {}  # referrer: {copy: generated member}
    for name in ordered:
        used: dict[str, list[str]] = {}
        for ref in dict.fromkeys(references.get(name, ())):
            if ref in group_of:
                used.setdefault(group_of[ref], []).append(ref)
        for key, refs in used.items():
            keep = kept[key]
            busy = {r for r in refs if r in keep}
            for ref in refs:
                if ref in keep:
                    continue
                free = next((k for k in keep if k not in busy), None)
                if free is None:  # every generated member is taken here: generate this one too
                    keep.append(ref)
                else:
                    rewrites.setdefault(name, {})[ref] = free
                    ref = free
                busy.add(ref)
    copies = {n for key, names in groups.items() for n in names if n not in kept[key]}
    schemas: dict[str, Any] = {}
    edges: dict[str, list[str]] = {}
    for name, body in ordered.items():
        if name in copies:
            continue
        mapped = rewrites.get(name, {})
        schemas[name] = _rewrite(body, mapped) if mapped else body
        edges[name] = [mapped.get(r, r) for r in references.get(name, ())]
    return Leaves(
        schemas,
        {name: [r for r in refs if r in schemas] for name, refs in edges.items()},
        {name: {gen: copy for copy, gen in pairs.items()} for name, pairs in rewrites.items()},
        [
            (kept[key], extra)
            for key, names in groups.items()
            if (extra := [n for n in names if n not in kept[key]])
        ],
    )


def add_copies(part: Fragment, leaves: Leaves) -> Fragment:
    """`part` with every copy defined right after the first definition of its group."""
    if not leaves.groups:
        return part
    position = {name: i for i, (name, _) in enumerate(part.statements) if name is not None}
    after: dict[str, list[tuple[str | None, str]]] = {}
    for kept, extra in leaves.groups:
        if kept[0] not in position:  # not generated: `assemble` names every missing definition
            continue
        source = part.statements[position[kept[0]]][1]
        first = min((n for n in kept if n in position), key=position.__getitem__)
        after[first] = list(zip(extra, _copies(source, kept[0], extra), strict=True))
    statements: list[tuple[str | None, str]] = []
    for name, text in part.statements:
        statements.append((name, text))
        if name is not None:
            statements += after.get(name, [])
    names = part.names | {copy for _, extra in leaves.groups for copy in extra}
    return replace(part, statements=statements, names=names)


def _standalone(
    ordered: Mapping[str, Any], references: Mapping[str, Iterable[str]]
) -> Iterable[str]:
    """The schemas whose rendering cannot depend on their neighbours (see the module doc)."""
    position = {name: i for i, name in enumerate(ordered)}
    first_referrer: dict[str, int] = {}
    bound: set[str] = set()  # a discriminator's holders and everything they reference
    for name, refs in references.items():
        at = position.get(name, -1)
        for ref in refs:
            if first_referrer.get(ref, at + 1) > at:
                first_referrer[ref] = at
        if _has_discriminator(ordered.get(name)):
            bound.add(name)
            bound.update(refs)
    for name, body in ordered.items():
        if isinstance(body, Mapping) and body.get("type") in PRIMITIVES:
            yield name
            continue
        at = position[name]
        if name in bound or first_referrer.get(name, at + 1) <= at:
            continue
        if _flat(body, root=True) and all(
            position.get(ref, at) < at for ref in references.get(name, ())
        ):
            yield name


def _flat(node: Any, *, root: bool = False) -> bool:
    """True when the generator makes one statement of `node`: nothing inside it becomes a class
    of its own (an inline object, enum or union branch is named after its parent, numbered)."""
    if not isinstance(node, Mapping):
        return isinstance(node, bool)  # `additionalProperties: true`
    if not root and not node.keys() <= INLINE_KEYWORDS:
        return False
    if "enum" in node or "const" in node or "allOf" in node:  # allOf merges what it refers to
        return False
    children: list[Any] = list(node.get("properties", {}).values()) if root else []
    children += node.get("anyOf", []) + node.get("oneOf", [])
    children += [node[key] for key in ("items", "additionalProperties") if key in node]
    return all(_flat(child) for child in children)


def _has_discriminator(node: Any) -> bool:
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, Mapping):
            if "discriminator" in item:
                return True
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


def _shared_key(body: Any) -> str | None:
    """The canonical text of a schema that may be shared, else None.

    Primitives that reference something (an odd `allOf` leftover) are left alone.
    """
    if not isinstance(body, Mapping):
        return None
    key = json.dumps(body, sort_keys=True)
    if body.get("type") in PRIMITIVES:
        return None if COMPONENT_PREFIX in key else key
    properties = body.get("properties")  # the fields come in this order
    return key + json.dumps(list(properties)) if isinstance(properties, Mapping) else key


def _rewrite(node: Any, refs: Mapping[str, str]) -> Any:
    """`node` with `$ref`s to the copies in `refs` pointing at their generated members."""
    if isinstance(node, list):
        return [_rewrite(item, refs) for item in node]
    if not isinstance(node, Mapping):
        return node
    return {
        key: _target(value, refs) if key == "$ref" else _rewrite(value, refs)
        for key, value in node.items()
    }


def _target(ref: Any, refs: Mapping[str, str]) -> Any:
    name = ref.removeprefix(COMPONENT_PREFIX) if isinstance(ref, str) else ""
    return COMPONENT_PREFIX + refs[name] if name in refs else ref


def _copies(text: str, old: str, news: list[str]) -> list[str]:
    """The definition of `old` (a class or a `TypeAliasType` alias) as that of each of `news`."""
    stmt = ast.parse(text.lstrip("\n")).body[0]
    if defined_name(stmt) != old:
        raise ModelGenerationError(f"cannot copy the definition of {old}")
    names = [n for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == old]
    call = stmt.value if isinstance(stmt, ast.Assign) else None
    label = (  # TypeAliasType('Old', ...): the alias's own name
        call.args[0]
        if isinstance(call, ast.Call)
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and call.args[0].value == old
        else None
    )
    copies = []
    for new in news:
        for node in names:
            node.id = new
        if isinstance(stmt, ast.ClassDef):
            stmt.name = new
        if label is not None:
            label.value = new
        rendered = ast.unparse(stmt)
        copies.append("\n" + rendered if isinstance(stmt, ast.ClassDef) else rendered)
    return copies
