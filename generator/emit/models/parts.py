"""Split a large model document into two reference-closed parts, and merge their modules back.

datamodel-code-generator's time grows with the schemas it is given, and it runs on one core.
For a large contract (Stripe: 5,783 normalized schemas, ~10 s) the schemas are cut into two
parts, each closed under `$ref` (a part holds every schema its own schemas reference), chosen
so the larger part is as small as possible; the parts run in two processes where the machine
allows it, one after the other where it does not. The split depends on the schemas only, never
on the machine, so the output is the same everywhere.

A schema in both parts must come out the same from both runs; when one does not (a generator
choice that depends on what else is in the document), `merge` returns None and the caller
generates the whole document instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.emit.models.assemble import Fragment

# Below this many schemas one run is cheaper than two half runs plus the merge.
SPLIT_THRESHOLD = 1500
# A split whose larger part holds more than this share of the schemas (one big reference
# cycle, say) saves too little to pay for the overlap and the merge.
MAX_PART_SHARE = 0.75


def split(schemas: Mapping[str, Any], references: Mapping[str, list[str]]) -> list[list[str]]:
    """One part (all names), or two reference-closed parts in `schemas`' order.

    `schemas` is in dependencies-first order; `references` maps each name to the names it
    references. The cut falls between two names of that order: the first part is the closure
    of the names before it, the second of the names after it.
    """
    names = list(schemas)
    if len(names) < SPLIT_THRESHOLD:
        return [names]
    before = _growing_closures(names, references)
    after = _growing_closures(names[::-1], references)[::-1]
    best = min(
        range(1, len(names)),
        key=lambda k: (max(before[k - 1][0], after[k][0]), k),
    )
    if max(before[best - 1][0], after[best][0]) > MAX_PART_SHARE * len(names):
        return [names]
    first, second = _closure(names[:best], references), _closure(names[best:], references)
    return [[n for n in names if n in first], [n for n in names if n in second]]


def _growing_closures(
    names: Sequence[str], references: Mapping[str, list[str]]
) -> list[tuple[int, int]]:
    """For each prefix of `names`, the size of its closure (and the prefix length)."""
    seen: set[str] = set()
    sizes: list[tuple[int, int]] = []
    for index, name in enumerate(names):
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(r for r in references.get(current, ()) if r not in seen)
        sizes.append((len(seen), index))
    return sizes


def _closure(names: Sequence[str], references: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(names)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(references.get(current, ()))
    return seen


def merge(parts: Sequence[Fragment]) -> Fragment | None:
    """One fragment from the parts' fragments, or None when a shared definition differs.

    Imports of every part, then the first part's definitions, then the definitions of later
    parts not defined before (each part's own order keeps definitions before their uses),
    then every other statement (`Model.model_rebuild()` calls) once. Shared definitions are
    compared by their text (the generator writes the same model the same way).
    """
    merged = Fragment()
    definitions: dict[str, str] = {}
    tail: dict[str, None] = {}
    for part in parts:
        merged.imports.update(part.imports)
        for name, text in part.statements:
            if name is None:
                tail.setdefault(text)
            elif name not in definitions:
                definitions[name] = text
                merged.statements.append((name, text))
            elif definitions[name] != text:
                return None
        merged.text_used |= part.text_used
        merged.contract_used |= part.contract_used
        merged.names |= part.names
        merged.foreign |= part.foreign
    merged.statements += [(None, text) for text in tail]
    return merged
