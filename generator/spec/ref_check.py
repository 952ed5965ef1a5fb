"""Checks on the local `$ref`s of a bundle: each must resolve, and none may loop on itself.

A pure reference cycle (`A: {$ref: B}`, `B: {$ref: A}`) describes nothing and sends any
resolver into an endless loop; recursion through `properties` or `items` is fine and is not
a cycle here, because only a `$ref` that *is* the target object continues the chain.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostic, quote
from generator.spec.bundle import LocalRef
from generator.spec.pointers import MISSING, join_pointer, local_ref, lookup
from generator.spec.source import error


def _where(ref: LocalRef) -> Any:
    return ref.file.locate(join_pointer(ref.fptr, "$ref"))


def check_local_refs(root: Any, refs: list[LocalRef]) -> list[Diagnostic]:
    """Report unresolved and cyclic local refs, and replace each culprit by `{}`."""
    found: list[Diagnostic] = []
    culprits: list[LocalRef] = []
    targets: dict[int, Any] = {}
    for ref in refs:
        target = lookup(root, ref.target)
        if target is MISSING:
            message = f"$ref target {quote(ref.ref, 120)} does not exist"
            found.append(error("unresolved-ref", message, _where(ref), ref.site))
            culprits.append(ref)
        else:
            targets[id(ref)] = target
    for loop in _cycles(refs, targets):
        names = " -> ".join(local_ref(r.site) for r in [*loop, loop[0]])
        message = f"$ref cycle with no schema in between: {names}"
        if len(message) > 280:
            message = message[:279] + "…"
        related = tuple(_where(r) for r in loop[1:])
        found.append(error("ref-cycle", message, _where(loop[0]), loop[0].site, related))
        culprits.append(loop[0])
    for ref in culprits:
        ref.holder[ref.key] = {}
    return found


def _cycles(refs: list[LocalRef], targets: dict[int, Any]) -> list[list[LocalRef]]:
    """Every loop of refs whose target is itself a ref object, each once, rotated to start
    at the member that comes first in the document."""
    by_object = {id(ref.holder[ref.key]): ref for ref in refs}
    order = {id(ref): n for n, ref in enumerate(refs)}
    state: dict[int, bool] = {}  # False while on the current path, True once finished
    loops: list[list[LocalRef]] = []
    for start in refs:
        path: list[LocalRef] = []
        current: LocalRef | None = start
        while current is not None and id(current) not in state:
            state[id(current)] = False
            path.append(current)
            target = targets.get(id(current))
            current = by_object.get(id(target)) if isinstance(target, dict) else None
        if current is not None and state[id(current)] is False:
            loop = path[path.index(current) :]
            first = min(range(len(loop)), key=lambda n: order[id(loop[n])])
            loops.append(loop[first:] + loop[:first])
        for ref in path:
            state[id(ref)] = True
    return loops
