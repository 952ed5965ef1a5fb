"""What a contract-test run reports, as plain values: the CLI renders them, nothing here prints.

A run yields `ServiceStarting`/`ServiceReady` (when it starts the service itself), then
`RunStarted`, per phase `PhaseStarted` … `ScenarioFinished` … `PhaseFinished`, any `Problem`s,
and ends with exactly one of `RunFinished` (carrying the `Summary`) or `RunAborted` (the run
could not start: bad contract, bad settings, service did not come up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.diagnostics import Diagnostic


@dataclass(frozen=True)
class Finding:
    """One failed check on one request, with a curl line that reproduces it."""

    check: str  # schemathesis check name, e.g. `status_code_conformance`
    code: str  # stable failure code, e.g. `ST103`
    kind: str  # failure class, e.g. `UndefinedStatusCode`
    title: str
    message: str
    operation: str  # `METHOD /path`
    curl: str
    occurrences: int = 1
    status: int | None = None  # the response's status code; None when no response came back
    # What schemathesis itself tells failures of one kind apart by (the status code of an
    # undocumented status, the schema path of a schema violation...); "" when only the kind does.
    signature: str = ""
    source: str = ""  # file:line of the contract text the expectation came from
    fault: str = "service"  # service | contract: which side to change
    rule: str = ""  # for a contract fault: the `specfirst validate` rule that flags it
    why: str = ""  # one line: where the expectation came from and who is at fault


@dataclass(frozen=True)
class CaseOutcome:
    """One request sent: which operation, the status that came back (None: no response)."""

    operation: str
    status: int | None
    checked: bool
    credentialed: bool = False  # it carried the test credentials for the operation


@dataclass(frozen=True)
class Selected:
    """`--changed-since` chose what to test, for `reason`."""

    reason: str


@dataclass(frozen=True)
class ServiceStarting:
    """The runner is starting the service itself."""

    app: str  # `module:factory`


@dataclass(frozen=True)
class ServiceReady:
    """The service answers HTTP at `url`, after `seconds`."""

    url: str
    seconds: float


@dataclass(frozen=True)
class RunStarted:
    """Schemathesis accepted the contract and settings; testing begins."""

    base_url: str
    operations: tuple[str, ...]
    seed: int
    phases: tuple[str, ...]
    checks: tuple[str, ...]
    identities: tuple[str, ...]
    peers: tuple[str, ...]


@dataclass(frozen=True)
class PhaseStarted:
    """A phase (examples, coverage, fuzzing, stateful) begins a pass."""

    phase: str
    expected: int  # operations to test; for `stateful`, the links it can follow


@dataclass(frozen=True)
class ScenarioFinished:
    """One operation tested in one phase (or one stateful sequence), with what it found."""

    phase: str
    label: str | None  # the operation; None for a stateful sequence
    status: str  # success | failure | error | skip | interrupted
    cases: tuple[CaseOutcome, ...]
    findings: tuple[Finding, ...]
    links: frozenset[str] = frozenset()  # stateful links this scenario followed
    skip_reason: str | None = None


@dataclass(frozen=True)
class PhaseFinished:
    """A phase pass ended; `skip_reason` says why it did not run."""

    phase: str
    status: str
    skip_reason: str | None = None


@dataclass(frozen=True)
class Problem:
    """Something that kept part of the run from testing (an error, not a contract violation)."""

    message: str
    operation: str | None = None


@dataclass(frozen=True)
class EngineFinished:
    """Schemathesis is done; why it stopped."""

    seconds: float
    stop_reason: str  # completed | interrupted | failure_limit | max_time | server_unavailable


@dataclass(frozen=True)
class Summary:
    """The outcome of a run: coverage, cases, unique failures and everything that went wrong."""

    contract: str
    base_url: str
    seed: int
    seconds: float
    operations: tuple[str, ...]
    tested: tuple[str, ...]
    cases: int
    links_covered: int
    links_total: int
    phases: Mapping[str, str]
    failures: tuple[Finding, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    stop_reason: str = "completed"
    identities: tuple[str, ...] = ()
    # Per operation, how often each status code came back: where the cases actually went.
    statuses: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    unimplemented: tuple[str, ...] = ()  # operations that answered 501 Not Implemented
    skipped: tuple[str, ...] = ()  # checks that did not run somewhere, and why
    # what the whole CI matrix tests (before `--shard`); `--merge` checks it is covered once
    scope: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """No failures, no errors, and the run was not cut short."""
        return not self.failures and not self.errors and self.stop_reason == "completed"

    @property
    def cases_per_second(self) -> float:
        """Requests checked per second of testing (service start-up excluded)."""
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    def by_check(self) -> dict[str, list[Finding]]:
        """Unique failures grouped by check, checks in first-seen order."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.failures:
            grouped.setdefault(finding.check, []).append(finding)
        return grouped


@dataclass(frozen=True)
class RunFinished:
    """The last event of a run that started."""

    summary: Summary


@dataclass(frozen=True)
class RunAborted:
    """The run could not start; `diagnostics` for a bad contract, `log` for a failed service."""

    reason: str
    diagnostics: tuple[Diagnostic, ...] = ()
    log: str = ""
    hints: tuple[str, ...] = field(default_factory=tuple)


Event = (
    Selected
    | ServiceStarting
    | ServiceReady
    | RunStarted
    | PhaseStarted
    | ScenarioFinished
    | PhaseFinished
    | Problem
    | EngineFinished
    | RunFinished
    | RunAborted
)
