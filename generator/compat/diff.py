"""The compatibility stage: every classified change from one contract version to the next.

>>> changes = diff_specs(old_spec, new_spec)  # doctest: +SKIP
>>> changes[0].message  # doctest: +SKIP
"POST /users request body: property 'email' maxLength 254 → 100"
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.compat.bodies import diff_request_body, diff_responses
from generator.compat.changes import Change
from generator.compat.pairs import Contracts, OperationPair
from generator.compat.parameters import diff_parameters
from generator.compat.paths import PathMatch, match_paths, operations, path_pointer
from generator.compat.security import diff_security
from generator.spec.document import Spec
from generator.spec.pointers import deref_pointer, join_pointer


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """Compare two loaded contracts; changes come in path order, each located in both files."""
    with _gc_paused():
        contracts = Contracts.from_specs(old, new)
        for match in match_paths(old.root, new.root):
            _diff_path(contracts, match)
    return contracts.collector.changes


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while comparing (it would rescan both loaded contracts)."""
    # Comparing makes many small objects and no cycles; on Stripe the collector took a third.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _diff_path(contracts: Contracts, match: PathMatch) -> None:
    collector = contracts.collector
    if match.new is None:
        assert match.old is not None
        collector.add(
            "path-removed", f"{match.old}: path removed", path_pointer(match.old), "/paths"
        )
        return
    if match.old is None:
        collector.add("path-added", f"{match.new}: path added", "/paths", path_pointer(match.new))
        return
    old_item = deref_pointer(contracts.old.root, path_pointer(match.old))
    new_item = deref_pointer(contracts.new.root, path_pointer(match.new))
    renames = match.renames()
    if renames:
        listed = ", ".join(f"{before!r} → {after!r}" for after, before in renames.items())
        text = f"{match.new}: path parameter renamed: {listed} (was {match.old})"
        collector.add("path-parameter-renamed", text, old_item[1], new_item[1])
    old_methods, new_methods = operations(old_item[0]), operations(new_item[0])
    for method in old_methods:
        label = f"{method.upper()} {match.new}"
        old_ptr = join_pointer(old_item[1], method)
        if method not in new_methods:
            collector.add(
                "operation-removed",
                f"{label}: operation removed",
                old_ptr,
                new_item[1],
                operation=label,
            )
            continue
        pair = OperationPair(
            contracts,
            label,
            old_ptr,
            join_pointer(new_item[1], method),
            old_item[0][method],
            new_item[0][method],
            old_item,
            new_item,
            renames,
        )
        diff_operation(pair)
    for method in new_methods:
        if method not in old_methods:
            label = f"{method.upper()} {match.new}"
            new_ptr = join_pointer(new_item[1], method)
            collector.add(
                "operation-added",
                f"{label}: operation added",
                old_item[1],
                new_ptr,
                operation=label,
            )


def diff_operation(pair: OperationPair) -> None:
    """Everything about one operation present in both contracts."""
    _diff_metadata(pair, pair.old, pair.new)
    diff_parameters(pair)
    diff_request_body(pair)
    diff_responses(pair)
    diff_security(pair)


def _diff_metadata(pair: OperationPair, old: dict[str, Any], new: dict[str, Any]) -> None:
    where = pair.old_pointer, pair.new_pointer
    if old.get("operationId") != new.get("operationId"):
        before, after = old.get("operationId"), new.get("operationId")
        text = (
            f"operationId {before!r} → {after!r}: breaks the implementation (its handler method "
            "is named after the operationId: rename it, `specfirst scaffold --rename`; until "
            "then the operation answers 501) and generated clients"
        )
        pair.report("operation-id-changed", text, *where)
    for keyword in ("summary", "description"):
        if old.get(keyword) != new.get(keyword):
            pointers = join_pointer(where[0], keyword), join_pointer(where[1], keyword)
            pair.report("description-changed", f"{keyword} changed", *pointers)
    if new.get("deprecated") is True and old.get("deprecated") is not True:
        pair.report("operation-deprecated", "deprecated", *where)
