"""Folds run events into a `Summary` and renders it as JSON or JUnit XML (strings; the CLI writes).

Failures are deduplicated the way schemathesis counts them: one per check, failure kind and
operation (the first request that showed it is kept as the reproduction, later ones are
counted in `occurrences`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.contract.events import (
    EngineFinished,
    Event,
    Finding,
    PhaseFinished,
    PhaseStarted,
    Problem,
    RunStarted,
    ScenarioFinished,
    Summary,
)

NOT_IMPLEMENTED = 501
# Characters XML 1.0 cannot carry even escaped; fuzzed requests and responses contain them.
XML_INVALID = re.compile("[^\\x09\\x0a\\x0d\\x20-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff]")


@dataclass
class Tally:
    """Accumulates the events of one run; `secured` are the operations sent with credentials."""

    contract: str
    secured: frozenset[str] = frozenset()
    fail_unimplemented: bool = False
    started: RunStarted | None = None
    cases: int = 0
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    # statuses of the requests that carried the test credentials
    credentialed: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[str] = field(default_factory=list)
    scope: tuple[str, ...] = ()
    tested: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    links_total: int = 0
    phases: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings known before the run
    seconds: float = 0.0
    stop_reason: str = "completed"

    def add(self, event: Event) -> None:
        """Take one event into account (events of other kinds are ignored)."""
        if isinstance(event, RunStarted):
            self.started = event
        elif isinstance(event, ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, PhaseStarted) and event.phase == "stateful":
            self.links_total = max(self.links_total, event.expected)
        elif isinstance(event, PhaseFinished):
            self._phase(event)
        elif isinstance(event, Problem):
            where = f"{event.operation}: " if event.operation else ""
            if f"{where}{event.message}" not in self.errors:  # each phase may meet it again
                self.errors.append(f"{where}{event.message}")
        elif isinstance(event, EngineFinished):
            self.seconds, self.stop_reason = event.seconds, event.stop_reason

    def _scenario(self, event: ScenarioFinished) -> None:
        self.cases += len(event.cases)
        self.links |= event.links
        for case in event.cases:
            if case.checked:
                self.tested.add(case.operation)
            if case.status is not None:
                self.statuses[case.operation][case.status] += 1
                if case.credentialed:
                    self.credentialed[case.operation][case.status] += 1
        for finding in event.findings:
            key = (finding.check, finding.kind, finding.operation)
            seen = self.findings.get(key)
            self.findings[key] = (
                finding
                if seen is None
                else dataclasses.replace(seen, occurrences=seen.occurrences + 1)
            )

    def _phase(self, event: PhaseFinished) -> None:
        ran = self.phases.get(event.phase)
        # Fuzzing and stateful may run several passes: keep the most telling status.
        order = ("skip", "success", "interrupted", "failure", "error")
        if ran is None or order.index(event.status) >= order.index(ran):
            self.phases[event.phase] = event.status

    def warnings(self) -> list[str]:
        """Operations whose results say little: credentials always refused, or never tested."""
        found = list(self.notes)
        for label in sorted(self.secured):
            sent = self.credentialed.get(label, Counter())
            refused = sent[401]  # a 403 may be the operation's own rule (wrong current password...)
            if refused and refused == sent.total():
                found.append(
                    f"{label}: no request got past authentication (all {refused} requests sent "
                    "with the test credentials answered 401); the service refused the test credentials "
                    "(check --env-prefix or --jwt-secret-env; if tokens must name real accounts, "
                    "log in with --credential SCHEME=user:password)"
                )
        operations = self.started.operations if self.started else ()
        untested = [op for op in operations if op not in self.tested]
        if untested:
            found.append(f"not tested: {', '.join(untested)}")
        return found

    def unimplemented(self) -> list[str]:
        """Operations that answered 501 Not Implemented, each named once."""
        return [
            f"{label}: unimplemented (answered 501 to {seen[NOT_IMPLEMENTED]} of "
            f"{seen.total()} requests)"
            for label, seen in self.statuses.items()
            if seen[NOT_IMPLEMENTED]
        ]

    def failures(self) -> tuple[Finding, ...]:
        """Unique failures; with `fail_unimplemented`, one per unimplemented operation too."""
        found = list(self.findings.values())
        if self.fail_unimplemented:
            for label, seen in self.statuses.items():
                if seen[NOT_IMPLEMENTED]:
                    found.append(
                        Finding(
                            check="unimplemented",
                            code="SF501",
                            kind="NotImplemented",
                            title="Operation not implemented",
                            message=f"answered 501 to {seen[NOT_IMPLEMENTED]} requests",
                            operation=label,
                            curl="",
                            occurrences=seen[NOT_IMPLEMENTED],
                            status=NOT_IMPLEMENTED,
                        )
                    )
        return tuple(found)

    def summary(self) -> Summary:
        """The `Summary` of everything added so far."""
        started = self.started
        return Summary(
            contract=self.contract,
            base_url=started.base_url if started else "",
            seed=started.seed if started else 0,
            seconds=self.seconds,
            operations=started.operations if started else (),
            tested=tuple(op for op in (started.operations if started else ()) if op in self.tested),
            cases=self.cases,
            links_covered=len(self.links),
            links_total=self.links_total,
            phases=dict(self.phases),
            failures=self.failures(),
            errors=tuple(self.errors),
            warnings=tuple(self.warnings()),
            stop_reason=self.stop_reason,
            identities=started.identities if started else (),
            statuses={op: dict(sorted(seen.items())) for op, seen in self.statuses.items()},
            unimplemented=tuple(self.unimplemented()),
            skipped=tuple(self.skipped),
            scope=self.scope,
        )


def summarize(
    contract: str, events: Iterable[Event], secured: frozenset[str] = frozenset()
) -> Summary:
    """The summary of a finished event stream."""
    tally = Tally(contract, secured)
    for event in events:
        tally.add(event)
    return tally.summary()


def as_dict(summary: Summary) -> dict[str, Any]:
    """The JSON summary: outcome, coverage, speed and every unique failure with its curl line."""
    grouped = summary.by_check()
    return {
        "passed": summary.passed,
        "contract": summary.contract,
        "base_url": summary.base_url,
        "seed": summary.seed,
        "seconds": round(summary.seconds, 3),
        "cases": summary.cases,
        "cases_per_second": round(summary.cases_per_second, 1),
        "operations": {
            "total": len(summary.operations),
            "tested": len(summary.tested),
            "untested": [op for op in summary.operations if op not in summary.tested],
            "selected": list(summary.operations),
            "scope": list(summary.scope),
        },
        "links": {"covered": summary.links_covered, "total": summary.links_total},
        "phases": dict(summary.phases),
        "identities": list(summary.identities),
        "statuses": {
            op: {str(code): count for code, count in seen.items()}
            for op, seen in summary.statuses.items()
        },
        "failures_by_check": {check: len(items) for check, items in grouped.items()},
        "failures": [dataclasses.asdict(f) for f in summary.failures],
        "errors": list(summary.errors),
        "warnings": list(summary.warnings),
        "unimplemented": list(summary.unimplemented),
        "skipped": list(summary.skipped),
        "stop_reason": summary.stop_reason,
    }


def render_json(summary: Summary) -> str:
    """`as_dict` as indented JSON."""
    return json.dumps(as_dict(summary), indent=2, ensure_ascii=False) + "\n"


def xml_text(text: str) -> str:
    """`text` with characters XML cannot hold written as `\\xNN`.

    >>> xml_text("a\\x00b")
    'a\\\\x00b'
    """
    return XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_junit(summary: Summary, *, name: str = "specfirst contract tests") -> str:
    """JUnit XML: one test case per operation, one `<failure>` per unique failure on it."""
    per_operation: dict[str, list[Finding]] = {op: [] for op in summary.operations}
    for finding in summary.failures:
        per_operation.setdefault(finding.operation, []).append(finding)
    failed = sum(1 for items in per_operation.values() if items)
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(per_operation) + (1 if summary.errors else 0)),
        failures=str(failed),
        errors=str(1 if summary.errors else 0),
        skipped=str(sum(1 for op in summary.operations if op not in summary.tested)),
        time=f"{summary.seconds:.3f}",
    )
    for operation, findings in per_operation.items():
        case = ET.SubElement(
            suite, "testcase", classname=xml_text(summary.contract), name=xml_text(operation)
        )
        if operation not in summary.tested and not findings:
            ET.SubElement(case, "skipped", message="not tested")
        for finding in findings:
            failure = ET.SubElement(
                case,
                "failure",
                type=finding.check,
                message=xml_text(f"[{finding.code}] {finding.title}"),
            )
            why = f"\n\n{finding.why}" if finding.why else ""
            failure.text = xml_text(f"{finding.message}{why}\n\nReproduce with:\n{finding.curl}\n")
    if summary.errors:
        case = ET.SubElement(suite, "testcase", classname=xml_text(summary.contract), name="run")
        error = ET.SubElement(case, "error", message="errors during the run")
        error.text = xml_text("\n".join(summary.errors))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def render_aborted_json(reason: str) -> str:
    """The JSON summary of a run that could not start."""
    return json.dumps({"passed": False, "aborted": reason}, indent=2, ensure_ascii=False) + "\n"


def render_aborted_junit(
    contract: str, reason: str, *, name: str = "specfirst contract tests"
) -> str:
    """JUnit XML for a run that could not start: one errored test case."""
    suite = ET.Element("testsuite", name=name, tests="1", failures="0", errors="1", time="0")
    case = ET.SubElement(suite, "testcase", classname=xml_text(contract), name="start")
    ET.SubElement(case, "error", message=xml_text(reason))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
