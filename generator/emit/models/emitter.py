"""emit_models: the text of models.py from a model plan, the same on every machine.

The plan's schemas, dependencies first, go to datamodel-code-generator (`datamodel.py`); of a
group of identical schemas only some are generated and the others copied (`leaves.py`); a
large document is generated in two reference-closed parts and merged (`parts.py`), the second
in a forked process when the caller allows it (`forking.py`). `assemble.py` turns the result
into the final text (imports, prelude, re-quoting of every literal).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.emit.models import forking, leaves, parts
from generator.emit.models.assemble import Fragment, assemble, fragment
from generator.emit.models.datamodel import run_generator
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.ir.schemas import ModelPlan


def emit_models(plan: ModelPlan, *, header: str, parallel: bool = False) -> str:
    """The full source of models.py, starting with `header`; deterministic for a plan.

    A large plan is generated in two reference-closed parts (`parts.py`), the second in a
    forked process when `parallel` and the machine allow; the output is the same either way.
    """
    schemas = plan.document["components"]["schemas"]
    source = _generate_parts(plan, parallel) if schemas else Fragment()
    return assemble(source, header=header, unique=unique_items(schemas), required=list(schemas))


def _generate_parts(plan: ModelPlan, parallel: bool) -> Fragment:
    ordered = dependencies_first(plan.document["components"]["schemas"])
    shared = leaves.share(ordered, {name: _references(body) for name, body in ordered.items()})
    work = shared.schemas
    split = parts.split(work, shared.references)
    if len(split) == 1:
        return leaves.add_copies(_fragment(plan, work, shared.renames), shared)
    first, second = ({name: work[name] for name in part} for part in split)
    forked = (
        forking.start(_fragment, plan, second, shared.renames, name="specfirst-models-2")
        if parallel
        else None
    )
    try:
        fragments = [_fragment(plan, first, shared.renames)]
    except BaseException:  # a model error or an interrupt: the other half is not wanted
        if forked is not None:
            forked.cancel()
        raise
    if forked is None:
        fragments.append(_fragment(plan, second, shared.renames))
    else:
        ok, value = forked.result()
        fragments.append(value if ok else _fragment(plan, second, shared.renames))
    merged = parts.merge(fragments)
    if merged is None:
        merged = _fragment(plan, work, shared.renames)
    return leaves.add_copies(merged, shared)


def _fragment(
    plan: ModelPlan, schemas: Mapping[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> Fragment:
    """The generator's module for `schemas`, fixed and rendered (in the calling process)."""
    return fragment(run_generator(plan, schemas), renames, schemas)


def dependencies_first(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The schemas reordered so that each follows the ones it references (cycles aside).

    Same models either way; the generator resolves a reference to a model it has already
    built directly, and scans every model built so far for one it has not: in document order
    Stripe's 1,267 forward references in unions cost a fifth of its model stage.
    """
    order: dict[str, None] = {}
    entered: set[str] = set()
    for root in schemas:
        if root in entered:
            continue
        entered.add(root)
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(_references(schemas[root])))]
        while stack:
            name, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                order.setdefault(name)
            elif nxt in schemas and nxt not in entered:
                entered.add(nxt)
                stack.append((nxt, iter(_references(schemas[nxt]))))
    return {name: schemas[name] for name in order}


def _references(node: Any) -> list[str]:
    """Component names referenced anywhere inside a normalized schema, in document order."""
    found: list[str] = []
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
                found.append(ref.removeprefix(COMPONENT_PREFIX))
            mapping = item.get("mapping")  # a discriminator's targets are references too
            if isinstance(mapping, Mapping) and "propertyName" in item:
                found += [
                    v.removeprefix(COMPONENT_PREFIX)
                    for v in mapping.values()
                    if isinstance(v, str) and v.startswith(COMPONENT_PREFIX)
                ]
            todo.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            todo.extend(reversed(item))
    return found


def unique_items(schemas: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Wire names of `uniqueItems` arrays per class, inherited ones included."""
    registry: dict[str, tuple[str, ...]] = {}
    for name in schemas:
        wires = list(dict.fromkeys(_unique_wires(schemas, name, set())))
        if wires:
            registry[name] = tuple(wires)
    return registry


def _unique_wires(schemas: Mapping[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    body = schemas.get(name)
    if not isinstance(body, Mapping):
        return []
    found: list[str] = []
    for part in [body, *(body.get("allOf") or [])]:
        if not isinstance(part, Mapping):
            continue
        if "$ref" in part:
            found += _unique_wires(schemas, str(part["$ref"]).removeprefix(COMPONENT_PREFIX), seen)
        props = part.get("properties")
        for wire, prop in props.items() if isinstance(props, Mapping) else []:
            if _is_unique_array(schemas, prop, set()):
                found.append(wire)
    return found


def _is_unique_array(schemas: Mapping[str, Any], node: Any, seen: set[str]) -> bool:
    """Follow references and lone `allOf` wrappers down to an array with `uniqueItems`."""
    if not isinstance(node, Mapping):
        return False
    if node.get("type") == "array":
        return node.get("uniqueItems") is True
    ref = node.get("$ref")
    parts = node.get("allOf")
    if ref is None and isinstance(parts, list) and len(parts) == 1:
        ref = parts[0].get("$ref") if isinstance(parts[0], Mapping) else None
    if not isinstance(ref, str) or ref in seen:
        return False
    seen.add(ref)
    return _is_unique_array(schemas, schemas.get(ref.removeprefix(COMPONENT_PREFIX)), seen)
