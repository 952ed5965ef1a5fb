"""Operation rules: operationIds present and unique, no parameter listed twice, paging markers.

OpenAPI 3.x, Operation Object: "The id MUST be unique among all operations described in the
API" (callbacks and webhooks included); Parameter Object: "A unique parameter is defined by a
combination of a name and location".
"""

from __future__ import annotations

import re

from generator.diagnostics import Diagnostic
from generator.ir.paging import EXTENSION
from generator.naming import derived_operation_name
from generator.spec.pointers import join_pointer
from generator.spec.rules.contract import Contract, Operation
from generator.spec.rules.walk import Node

_PARAM_SEGMENT = re.compile(r"\{(.+)\}")


def check_operations(contract: Contract) -> list[Diagnostic]:
    """operationId and duplicate-parameter findings."""
    return [
        *_operation_ids(contract),
        *_duplicate_parameters(contract),
        *_parameter_refs(contract),
        *_pagination_markers(contract),
    ]


def _operation_ids(c: Contract) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    first: dict[str, Operation] = {}
    for op in [*c.operations, *c.callback_operations]:
        op_id = op.node.get("operationId")
        if not isinstance(op_id, str):
            continue
        if op_id not in first:
            first[op_id] = op
            continue
        earlier = first[op_id]
        there = join_pointer(earlier.pointer, "operationId")
        message = f'operationId "{op_id}" is already used by {earlier.label} ({c.where(there)})'
        here = join_pointer(op.pointer, "operationId")
        found.append(c.diag("duplicate-operation-id", message, here, (there,)))
    for op in c.operations:
        if "operationId" not in op.node:
            name = derived_operation_name(op.method, op.path)
            message = f'{op.label} has no operationId; the generated name will be "{name}"'
            found.append(c.diag("missing-operation-id", message, op.pointer))
    return found


def _duplicate_parameters(c: Contract) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for owner in [*c.index["pathitem"], *c.index["operation"]]:
        first: dict[tuple[str, str], str] = {}
        for param in c.parameter_list(owner):
            key = (param.name, param.location)
            if key not in first:
                first[key] = param.site
                continue
            there = first[key]
            message = (
                f'parameter "{param.name}" (in: {param.location}) is listed twice; '
                f"the first is at {c.where(there)}"
            )
            found.append(c.diag("duplicate-parameter", message, param.site, (there,)))
    return found


def _parameter_refs(c: Contract) -> list[Diagnostic]:
    """A parameter `$ref` must lead to a Parameter Object (the meta-schema cannot see this)."""
    found: list[Diagnostic] = []
    for owner in [*c.index["pathitem"], *c.index["operation"]]:
        raw = owner.value.get("parameters")
        for i, entry in enumerate(raw if isinstance(raw, list) else []):
            ref = entry.get("$ref") if isinstance(entry, dict) else None
            if not isinstance(ref, str):
                continue
            site = join_pointer(owner.pointer, "parameters", i)
            target = c.deref(Node(site, entry)).value
            if isinstance(target, dict) and not (
                isinstance(target.get("name"), str) and isinstance(target.get("in"), str)
            ):
                message = f'$ref "{ref}" does not lead to a parameter (it has no "name" and "in")'
                found.append(c.diag("ref-wrong-target", message, join_pointer(site, "$ref")))
    return found


def _pagination_markers(c: Contract) -> list[Diagnostic]:
    """`x-specfirst-pagination` must name a query parameter (`cursor`) and a property (`next`).

    The generated client pages by it (`generator/ir/paging.py`); a marker it cannot follow is
    ignored there, so it is reported here instead of silently doing nothing.
    """
    found: list[Diagnostic] = []
    for op in c.operations:
        if EXTENSION not in op.node:
            continue
        marker = op.node[EXTENSION]
        site = join_pointer(op.pointer, EXTENSION)
        query = {p.name for p in c.parameters(op) if p.location == "query"}
        if not isinstance(marker, dict):
            problem = "must be an object with `cursor` and `next`"
        elif not isinstance(marker.get("cursor"), str) or marker["cursor"] not in query:
            names = ", ".join(sorted(query)) or "none"
            problem = f"`cursor` must name one of its query parameters ({names})"
        elif not isinstance(marker.get("next"), str) or not marker["next"]:
            problem = "`next` must name the success body's property holding the next cursor"
        else:
            continue
        message = f"{op.label}: {EXTENSION} {problem}; the client will not page by it"
        found.append(c.diag("pagination-marker", message, site))
    return found
