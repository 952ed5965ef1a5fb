"""Identical primitive schemas go through datamodel-code-generator once, then are copied.

A large contract's normalized schemas repeat themselves: Stripe has 870 hoisted
`{type: string, maxLength: 5000}` aliases and 638 empty-string enums among 5,783 schemas, and
the generator's time grows with every schema it is given. A primitive schema (string, number,
integer or boolean, no `$ref`) renders the same under any name, so of a group of identical ones
only a few are generated; the others ("copies") get the text of the group's first member under
their own name, placed right after the group's first definition (they reference nothing, so
anything that uses them still comes later).

A schema that referenced a copy references a generated member of the same group instead (a
different one for every copy it references), and in its rendered statement that member's name is
put back (`renames`, applied by `model_source.fragment`). The module defines the same statements
as a run over every schema; only where the copies stand differs.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.emit.model_source import Fragment, defined_name
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.ir.schemas import ModelGenerationError

PRIMITIVES = frozenset({"string", "integer", "number", "boolean"})


@dataclass
class Leaves:
    """The schemas to generate, and how to turn their module into the full one."""

    schemas: dict[str, Any]  # in the given order, without the copies, references rewritten
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # referrer: {gen: copy}
    groups: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (kept, copies)


def share(ordered: Mapping[str, Any], references: Mapping[str, Iterable[str]]) -> Leaves:
    """Group identical primitive schemas and pick which members are generated."""
    members: dict[str, list[str]] = {}
    for name, body in ordered.items():
        if _is_primitive(body):
            members.setdefault(json.dumps(body, sort_keys=True), []).append(name)
    group_of = {n: key for key, names in members.items() if len(names) > 1 for n in names}
    if not group_of:
        return Leaves(dict(ordered))
    kept = {key: [names[0]] for key, names in members.items() if len(names) > 1}
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
    groups = [
        (kept[key], [n for n in names if n not in kept[key]])
        for key, names in members.items()
        if len(names) > 1
    ]
    copies = {n for _, extra in groups for n in extra}
    schemas = {
        name: _rewrite(body, rewrites[name]) if name in rewrites else body
        for name, body in ordered.items()
        if name not in copies
    }
    renames = {name: {gen: copy for copy, gen in pairs.items()} for name, pairs in rewrites.items()}
    return Leaves(schemas, renames, [(keep, extra) for keep, extra in groups if extra])


def add_copies(part: Fragment, leaves: Leaves) -> Fragment:
    """`part` with every copy defined right after the first definition of its group."""
    if not leaves.groups:
        return part
    texts = {name: text for name, text in part.statements if name is not None}
    after: dict[str, list[tuple[str | None, str]]] = {}
    position = {name: i for i, (name, _) in enumerate(part.statements) if name is not None}
    for kept, extra in leaves.groups:
        source = texts.get(kept[0])
        if source is None:  # not generated: `assemble` names every missing definition
            continue
        first = min((n for n in kept if n in position), key=position.__getitem__)
        after[first] = [(copy, _renamed(source, kept[0], copy)) for copy in extra]
    statements: list[tuple[str | None, str]] = []
    for name, text in part.statements:
        statements.append((name, text))
        if name is not None:
            statements += after.get(name, [])
    return Fragment(
        part.imports,
        statements,
        part.text_used,
        part.contract_used,
        part.names | {copy for _, extra in leaves.groups for copy in extra},
        part.foreign,
    )


def _is_primitive(body: Any) -> bool:
    return (
        isinstance(body, Mapping)
        and body.get("type") in PRIMITIVES
        and COMPONENT_PREFIX not in json.dumps(body)
    )


def _rewrite(node: Any, refs: Mapping[str, str]) -> Any:
    """`node` with `$ref`s to the copies in `refs` pointing at their generated members."""
    if isinstance(node, list):
        return [_rewrite(item, refs) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: _rewrite(value, refs) for key, value in node.items() if key != "$ref"}
    if "$ref" in node:
        target = node["$ref"]
        name = target.removeprefix(COMPONENT_PREFIX) if isinstance(target, str) else ""
        out["$ref"] = COMPONENT_PREFIX + refs[name] if name in refs else target
        out = {key: out[key] for key in node}  # the original key order
    return out


def _renamed(text: str, old: str, new: str) -> str:
    """A definition of `old` (class or `TypeAliasType` alias) as the same definition of `new`."""
    stmt = ast.parse(text.lstrip("\n")).body[0]
    if defined_name(stmt) != old:
        raise ModelGenerationError(f"cannot copy the definition of {old}")
    if isinstance(stmt, ast.ClassDef):
        stmt.name = new
    elif isinstance(stmt, ast.Assign):
        stmt.targets = [ast.Name(new, ast.Store())]
        call = stmt.value
        if (
            isinstance(call, ast.Call)
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value == old
        ):
            call.args[0] = ast.Constant(new)
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and node.id == old:
            node.id = new
    rendered = ast.unparse(stmt)
    return "\n" + rendered if isinstance(stmt, ast.ClassDef) else rendered
