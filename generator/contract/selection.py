"""Which operations a run tests: a CI shard of them, or only those a change touched.

`shard_of` splits operations across `n` CI jobs deterministically and evenly by expected
cost, not count: an operation costs more the more its requests and responses have to say
(parameters, schema nodes of its body and responses), since the coverage phase derives
cases from every keyword and every response is validated. Operations are placed heaviest
first on the lightest shard (longest-processing-time scheduling), ties by label, so every
job computes the same split without talking to the others and every operation runs once.

`changed_since` asks the diff engine (`generator.compat`) which operations changed between
`git:REF:contract` and the working copy; when files other than the contract changed (the
implementation), every operation is tested unless the caller asks for contract changes only.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.spec.pointers import ref_target

BASE_COST = 10
NODE_LIMIT = 400  # schema nodes counted per operation (large recursive schemas stop here)
DOC_SUFFIXES = (".md", ".rst", ".txt")


class SelectionError(ValueError):
    """The shard or the git revision cannot be used (exit code 2)."""


def parse_shard(text: str) -> tuple[int, int]:
    """`i/n` (1-based) as (i, n).

    >>> parse_shard("2/4")
    (2, 4)
    """
    index, sep, count = text.partition("/")
    if not sep or not index.isdigit() or not count.isdigit():
        raise SelectionError(f"--shard takes i/n, e.g. 1/4, not {text!r}")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise SelectionError(f"--shard {text}: i must be between 1 and n")
    return i, n


def _nodes(root: Mapping[str, Any], node: Any, seen: set[int], budget: list[int]) -> int:
    """Schema-ish nodes under `node`, following `$ref`s once each, at most `budget[0]`."""
    if budget[0] <= 0:
        return 0
    if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        target = ref_target(root, node["$ref"])
        if target is None or id(target) in seen:
            return 1
        seen.add(id(target))
        node = target
    if isinstance(node, Mapping):
        budget[0] -= 1
        return 1 + sum(_nodes(root, value, seen, budget) for value in node.values())
    if isinstance(node, list):
        return sum(_nodes(root, value, seen, budget) for value in node)
    return 0


def operation_cost(root: Mapping[str, Any], path: str, method: str) -> int:
    """The expected cost of testing one operation (a unitless weight)."""
    item = root["paths"][path]
    operation = item[method]
    parts = [item.get("parameters"), operation.get("parameters"), operation.get("requestBody")]
    parts.append(operation.get("responses"))
    budget = [NODE_LIMIT]
    return BASE_COST + sum(_nodes(root, part, set(), budget) for part in parts if part)


# The last document's costs: a run asks for its shard several times (selection, the summary's
# scope, the report), and walking a large contract's schemas takes seconds each time.
_MEMO: list[tuple[Mapping[str, Any], dict[str, int]]] = []


def costs(root: Mapping[str, Any], labels: Iterable[str]) -> dict[str, int]:
    """Each label's cost (`GET /a` → weight)."""
    if not _MEMO or _MEMO[0][0] is not root:
        _MEMO[:] = [(root, {})]  # holding `root` keeps its identity from being reused
    known = _MEMO[0][1]
    found = {}
    for label in labels:
        if label not in known:
            method, _, path = label.partition(" ")
            known[label] = operation_cost(root, path, method.lower())
        found[label] = known[label]
    return found


def shard_of(
    root: Mapping[str, Any], labels: Sequence[str], index: int, count: int
) -> tuple[str, ...]:
    """The labels shard `index` of `count` (1-based) tests, in their original order."""
    weights = costs(root, labels)
    loads = [0] * count
    owner: dict[str, int] = {}
    for label in sorted(labels, key=lambda lb: (-weights[lb], lb)):
        lightest = min(range(count), key=lambda s: (loads[s], s))
        owner[label] = lightest
        loads[lightest] += weights[label]
    return tuple(label for label in labels if owner[label] == index - 1)


@dataclass(frozen=True)
class Changed:
    """What `changed_since` found: the operations to test (None: all) and why."""

    operations: frozenset[str] | None
    reason: str


def _git(args: Sequence[str], cwd: Path) -> list[str]:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SelectionError(f"git {' '.join(args)}: {exc}") from None
    if done.returncode != 0:
        raise SelectionError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return [line for line in done.stdout.splitlines() if line.strip()]


def changed_files(ref: str, cwd: Path) -> list[Path]:
    """Files that differ from `ref` in the working copy (untracked ones included), absolute."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd)[0])
    names = _git(["diff", "--name-only", ref, "--"], cwd)
    names += _git(["ls-files", "--others", "--exclude-standard"], top)
    return [top / name for name in dict.fromkeys(names)]


def changed_since(
    contract: Path, contract_files: Iterable[Path], ref: str, *, contract_only: bool
) -> Changed:
    """The operations whose contract changed since `ref` (every one if the implementation did)."""
    from generator.compat.diff import diff_specs
    from generator.compat.sides import SideError, open_side
    from generator.pipeline import check_contract

    if not ref or ref.startswith("-"):
        raise SelectionError(f"--changed-since takes a git revision, not {ref!r}")
    cwd = contract.resolve().parent
    files = changed_files(ref, cwd)
    own = {Path(f).resolve() for f in contract_files} | {contract.resolve()}
    other = [f for f in files if f.resolve() not in own and f.suffix not in DOC_SUFFIXES]
    if other and not contract_only:
        shown = ", ".join(str(f.name) for f in other[:3]) + (" ..." if len(other) > 3 else "")
        return Changed(None, f"the implementation changed since {ref} ({shown}): every operation")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd)[0])
    relative = contract.resolve().relative_to(top.resolve()).as_posix()
    try:
        with open_side(f"git:{ref}:{relative}", cwd=top) as side:
            old = check_contract(side.path).spec
            new = check_contract(contract).spec
            if old is None or new is None:
                return Changed(None, f"the contract at {ref} cannot be read: every operation")
            changes = diff_specs(old, new)
    except SideError as exc:  # e.g. the contract did not exist at REF: all of it is new
        return Changed(None, f"{exc}: every operation")
    if any(not change.operation for change in changes):
        return Changed(None, f"a change since {ref} touches the whole contract: every operation")
    touched = frozenset(
        name for change in changes for name in (change.operation, *change.also_operations)
    )
    return Changed(touched, f"{len(touched)} operation(s) changed in the contract since {ref}")
