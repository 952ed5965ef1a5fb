"""Renders fidelity results: the per-run table, totals, and the most common runtime failures.

A row is one (contract, target) run as bench/fidelity.py assembles it: `failures` carry their
`class`; `state` says whether the run happened (`tested`) or why not. `pattern` groups
failures across contracts: the check, the status and what went wrong with names and values
taken out, so one runtime defect seen in ten contracts counts as one pattern.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fidelity_classify import CLASSES, RUNTIME

Row = Mapping[str, Any]

SHORT = {
    "not_a_server_error": "5xx",
    "status_code_conformance": "status",
    "content_type_conformance": "ctype",
    "response_headers_conformance": "headers",
    "response_schema_conformance": "schema",
    "negative_data_rejection": "negative",
    "positive_data_acceptance": "positive",
    "missing_required_header": "req-header",
    "unsupported_method": "method",
    "allow_header_conformance": "allow",
    "use_after_free": "after-free",
    "ensure_resource_availability": "availability",
    "ignored_auth": "ignored-auth",
    "object_level_authorization": "bola",
    "after_run": "after-run",
}
_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
# Checks about requests that should not have got through.
ACCEPTED = frozenset({"negative_data_rejection", "missing_required_header", "ignored_auth"})
# Checks whose failures differ only in the status (part of every pattern).
FIXED = {
    "status_code_conformance": "status not documented",
    "positive_data_acceptance": "valid request refused",
    "unsupported_method": "undeclared method not answered 405",
    "not_a_server_error": "server error",
    "ignored_auth": "request without valid credentials accepted",
    "missing_required_header": "request without a required header accepted",
    "allow_header_conformance": "Allow lists other methods than the contract's",
    "object_level_authorization": "the peer identity received the owner's object",
    "use_after_free": "deleted resource still answered",
    "ensure_resource_availability": "created resource not found",
}


def pattern(failure: Row) -> str:
    """What a failure is about, without this contract's names and values.

    >>> pattern({"check": "negative_data_rejection", "status": 200, "signature": "200",
    ...          "message": "Invalid data\\nInvalid component: parameter `id` in path - id: Value greater than maximum"})
    'negative_data_rejection 2xx/501: parameter in path: value greater than maximum'
    """
    check, status = failure["check"], failure.get("status")
    lines = [line.strip() for line in str(failure.get("message", "")).splitlines() if line.strip()]
    if check in ACCEPTED and isinstance(status, int) and (200 <= status < 300 or status == 501):
        status = "2xx/501"  # got through (to the mock's answer or the stub's 501): how, no matter
    if failure.get("kind") == "JsonSchemaError" and isinstance(status, int) and status >= 400:
        detail = "error body breaks the documented schema"  # one cause, whatever the keyword
    elif failure.get("kind") == "JsonSchemaError":  # the violated keyword says it all
        keyword = str(failure.get("signature", "")).rsplit("/", 1)[-1]
        detail = f"response violates '{keyword}'"
    elif check in FIXED:
        detail = FIXED[check]
    elif check == "content_type_conformance":
        detail = "; ".join(lines)
    else:
        detail = lines[-1] if lines else str(failure.get("title", ""))
        if detail.startswith("Invalid component: "):
            where, _, why = detail.removeprefix("Invalid component: ").partition(" - ")
            where = " ".join(_QUOTED.sub("", where).split())
            detail = f"{where}: {why.rsplit(': ', 1)[-1].lower()}"
        detail = _NUMBER.sub("N", _QUOTED.sub("…", detail))
    return f"{check} {status}: {detail[:160]}"


def class_counts(failures: Iterable[Row]) -> Counter[str]:
    """Unique failures per class."""
    return Counter(str(f["class"]) for f in failures)


def by_check(failures: Iterable[Row]) -> str:
    """`negative:3 status:1`: unique failures per check, short names, most first."""
    counts = Counter(SHORT.get(str(f["check"]), str(f["check"])) for f in failures)
    return " ".join(f"{name}:{n}" for name, n in counts.most_common())


def table(rows: Sequence[Row]) -> list[str]:
    """The per-run markdown table with a totals line."""
    lines = [
        "| contract | target | ops | cases | unique failures by check | runtime | contract | unimpl. | stateless | tester | s | notes |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    totals: Counter[str] = Counter()
    for row in rows:
        failures = row.get("failures", [])
        classes = class_counts(failures)
        totals.update(classes)
        totals["cases"] += int(row.get("cases", 0))
        totals["ops"] += len(row.get("operations", []))
        cells = [
            row["contract"],
            row["target"],
            str(len(row.get("operations", []))) if row["state"] == "tested" else "",
            str(row.get("cases", "")) if row["state"] == "tested" else "",
            by_check(failures) if row["state"] == "tested" else row["state"],
            *(str(classes[c]) if row["state"] == "tested" else "" for c in CLASSES),
            f"{row.get('seconds', 0):.0f}",
            "; ".join(row.get("notes", [])),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    all_failures = [f for row in rows for f in row.get("failures", [])]
    lines.append(
        f"| **total** | | {totals['ops']} | {totals['cases']} | {by_check(all_failures)} | "
        + " | ".join(str(totals[c]) for c in CLASSES)
        + " | | |"
    )
    return lines


def check_by_class(rows: Sequence[Row]) -> list[str]:
    """Unique failures per check (rows) and class (columns), per target."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        for failure in row.get("failures", []):
            counts[(str(failure["check"]), str(row["target"]))][str(failure["class"])] += 1
    lines = [
        "| check | target | " + " | ".join(CLASSES) + " |",
        "|---|---|" + "---:|" * len(CLASSES),
    ]
    for (check, target), seen in sorted(counts.items(), key=lambda kv: -kv[1].total()):
        lines.append(f"| {check} | {target} | " + " | ".join(str(seen[c]) for c in CLASSES) + " |")
    return lines


def top_runtime(rows: Sequence[Row], limit: int = 10) -> list[dict[str, Any]]:
    """The runtime failure patterns in most contracts (then most failures), one example each.

    Failures that only rules still being written explain (`awaiting`: undocumented statuses)
    are left out: they are counted apart, by rule (`awaiting_rules`).
    """
    grouped: dict[str, list[tuple[Row, Row]]] = defaultdict(list)
    for row in rows:
        for failure in row.get("failures", []):
            if failure["class"] == RUNTIME and not failure.get("awaiting"):
                grouped[pattern(failure)].append((row, failure))

    def spread(item: tuple[str, list[tuple[Row, Row]]]) -> tuple[int, int, str]:
        key, items = item
        return (-len({row["contract"] for row, _ in items}), -len(items), key)

    ranked = sorted(grouped.items(), key=spread)[:limit]
    return [
        {
            "pattern": key,
            "failures": len(items),
            "contracts": len({row["contract"] for row, _ in items}),
            "targets": sorted({str(row["target"]) for row, _ in items}),
            "example": {
                "contract": items[0][0]["contract"],
                "target": items[0][0]["target"],
                **items[0][1],
            },
        }
        for key, items in ranked
    ]


def awaiting_rules(rows: Sequence[Row]) -> Counter[str]:
    """Runtime failures that validate rules still being written would explain, by rule."""
    return Counter(
        ", ".join(f["awaiting"])
        for row in rows
        for f in row.get("failures", [])
        if f["class"] == RUNTIME and f.get("awaiting")
    )


def render_top(top: Sequence[Mapping[str, Any]]) -> list[str]:
    """The top runtime patterns as markdown, each with one example and its curl line."""
    lines: list[str] = []
    for rank, item in enumerate(top, 1):
        example = item["example"]
        message = "\n".join(f"    {line}" for line in str(example["message"]).splitlines()[:6])
        curl = "\n".join(f"    {line}" for line in str(example.get("curl", "")).splitlines()[-3:])
        lines += [
            f"{rank}. `{item['pattern']}`: {item['failures']} unique failures in "
            f"{item['contracts']} contracts ({', '.join(item['targets'])})",
            f"   e.g. {example['contract']} ({example.get('target', '')}) `{example['operation']}`:",
            "",
            message,
            "",
            curl,
            "",
        ]
    return lines


def credentials_table(rows: Sequence[Row]) -> list[str]:
    """Per security scheme kind: contracts using it, and operations left without credentials."""
    seen: dict[str, set[str]] = defaultdict(set)
    unsatisfied: Counter[str] = Counter()
    plans = {str(row["contract"]): row.get("credentials") or {} for row in rows}  # one per contract
    for contract, credentials in plans.items():
        for kind in set(credentials.get("schemes", {}).values()) or {"(none)"}:
            seen[kind].add(contract)
            unsatisfied[kind] += len(credentials.get("unsatisfied", []))
    lines = ["| scheme kind | contracts | ops sent without usable credentials |", "|---|---:|---:|"]
    for kind in sorted(seen):
        lines.append(f"| {kind} | {len(seen[kind])} | {unsatisfied[kind]} |")
    return lines


def markdown(run: Mapping[str, Any], rows: Sequence[Row], top: Sequence[Mapping[str, Any]]) -> str:
    """The short summary: run settings, totals, per-check and per-run tables, top runtime patterns."""
    tested = [r for r in rows if r["state"] == "tested"]
    skipped = [r for r in rows if r["target"] == "-"]
    failures = [f for r in rows for f in r.get("failures", [])]
    explained = Counter(str(f["explained_by"]["rule"]) for f in failures if "explained_by" in f)
    lines = [
        "# Fidelity: schemathesis against the corpus",
        "",
        f"`bench/fidelity.py`: seed {run['seed']}, max-examples {run['max_examples']}, targets "
        f"{', '.join(run['targets'])}, phases {', '.join(run['phases'])}, budget {run['budget']:.0f} s "
        f"per run; {run['cpus']} CPUs ({run['machine']}); wall time {run['wall_seconds']:.0f} s"
        + (" (INTERRUPTED)" if run["interrupted"] else "")
        + (f"; classed again from {run['reclassified']}" if run.get("reclassified") else "")
        + ".",
        "",
        f"{len({r['contract'] for r in rows})} contracts, {len(skipped)} not generated; "
        f"{len(tested)} runs tested, {sum(int(r.get('cases', 0)) for r in tested)} cases; "
        f"unique failures: " + ", ".join(f"{c} {class_counts(failures)[c]}" for c in CLASSES) + ".",
        "",
        "## Unique failures by check and class",
        "",
        *check_by_class(rows),
        "",
        "Contract failures explained by: "
        + (", ".join(f"`{rule}` {n}" for rule, n in explained.most_common()) or "none")
        + ".",
        "",
        "## Top runtime failure patterns",
        "",
        "Left out of the ranking: runtime failures that validate rules still being written"
        " would explain (they turn `contract` once validate reports them): "
        + (", ".join(f"`{rules}` {n}" for rules, n in awaiting_rules(rows).most_common()) or "none")
        + ".",
        "",
        *render_top(top),
        "## Per run",
        "",
        *table(rows),
        "",
        "## Credentials",
        "",
        *credentials_table(tested),
        "",
    ]
    return "\n".join(lines)


def write_reports(stem: Path, run: Mapping[str, Any], rows: Sequence[Row]) -> tuple[Path, Path]:
    """`stem.json` (everything) and `stem.md` (the summary)."""
    top = top_runtime(rows)
    stem.parent.mkdir(parents=True, exist_ok=True)
    full, short = stem.with_suffix(".json"), stem.with_suffix(".md")
    payload = {"run": dict(run), "top_runtime": top, "rows": list(rows)}
    full.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    short.write_text(markdown(run, rows, top), encoding="utf-8")
    return full, short
