"""One report from the JSON summaries of several runs (the shards of a CI matrix).

`merge_summaries` reads what `report.as_dict` wrote and folds the runs into one `Summary`:
operations, cases, failures, statuses and notes add up; the slowest run's time is the
wall time; a phase keeps its most telling status. Against the contract's operations it
checks the shards' split: an operation tested by two runs, or by none, is an error, so a
matrix that lost a job cannot pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.contract.events import Finding, Summary

PHASE_ORDER = ("skip", "success", "interrupted", "failure", "error")
FINDING_FIELDS = frozenset(Finding.__dataclass_fields__)


class MergeError(ValueError):
    """A report cannot be read or merged (exit code 2)."""


def read_report(path: Path) -> dict[str, Any]:
    """One JSON summary; an aborted run or another file is refused with the reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MergeError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise MergeError(f"{path}: not a specfirst test JSON summary")
    if "aborted" in data:
        raise MergeError(f"{path}: that run did not start: {data['aborted']}")
    if not isinstance(data.get("operations"), dict) or "selected" not in data["operations"]:
        raise MergeError(f"{path}: not a specfirst test JSON summary (no operations.selected)")
    return data


def _phase(statuses: Iterable[str]) -> str:
    known = [s for s in statuses if s in PHASE_ORDER]
    return max(known, key=PHASE_ORDER.index) if known else "skip"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def merge_summaries(
    contract: str, operations: Sequence[str], reports: Sequence[Mapping[str, Any]]
) -> Summary:
    """The runs as one `Summary` of `contract`, whose operations are `operations`."""
    scopes = [op for r in reports for op in r["operations"].get("scope", [])]
    if scopes:  # the runs say what the matrix covers (`--changed-since` may narrow it)
        operations = [op for op in operations if op in set(scopes)]
    runs: Counter[str] = Counter(op for r in reports for op in r["operations"]["selected"])
    errors = [
        f"{op}: tested by {n} runs (shards must not overlap)" for op, n in runs.items() if n > 1
    ]
    missing = [op for op in operations if op not in runs]
    if missing:
        errors.append(f"not tested by any run: {', '.join(missing)}")
    tested = {
        op
        for r in reports
        for op in r["operations"]["selected"]
        if op not in r["operations"]["untested"]
    }
    statuses: dict[str, Counter[int]] = {}
    for r in reports:
        for op, seen in r.get("statuses", {}).items():
            statuses.setdefault(op, Counter()).update({int(k): v for k, v in seen.items()})
    phases = {
        name: _phase(r["phases"].get(name, "") for r in reports)
        for name in _unique(name for r in reports for name in r.get("phases", {}))
    }
    stops = [r.get("stop_reason", "completed") for r in reports]
    selected = [op for op in operations if op in runs] + [op for op in runs if op not in operations]
    return Summary(
        contract=contract,
        base_url=", ".join(_unique(str(r.get("base_url", "")) for r in reports)),
        seed=int(reports[0].get("seed", 0)) if reports else 0,
        seconds=max((float(r.get("seconds", 0)) for r in reports), default=0.0),
        operations=tuple(selected),
        tested=tuple(op for op in selected if op in tested),
        cases=sum(int(r.get("cases", 0)) for r in reports),
        links_covered=sum(int(r.get("links", {}).get("covered", 0)) for r in reports),
        links_total=sum(int(r.get("links", {}).get("total", 0)) for r in reports),
        phases=phases,
        failures=tuple(
            Finding(**{k: v for k, v in f.items() if k in FINDING_FIELDS})
            for r in reports
            for f in r.get("failures", [])
        ),
        errors=(*errors, *_unique(e for r in reports for e in r.get("errors", []))),
        warnings=_unique(w for r in reports for w in r.get("warnings", [])),
        stop_reason=next((s for s in stops if s != "completed"), "completed"),
        identities=_unique(i for r in reports for i in r.get("identities", [])),
        statuses={op: dict(sorted(seen.items())) for op, seen in statuses.items()},
        unimplemented=_unique(u for r in reports for u in r.get("unimplemented", [])),
        scope=tuple(operations),
        skipped=_unique(
            s
            for r in reports
            for s in r.get("skipped", [])
            if not s.startswith(("shard ", "changed since "))
        ),
    )
