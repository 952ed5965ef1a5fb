"""Schemathesis engine events as `generator.contract.events` values (the runner's other half).

Findings are reported under the built-in check names (specfirst's readings of three checks
are registered under names of their own, `checks.REPORTED_AS`); whatever a response of `501
Not Implemented` provoked is left out (the summary reports the operation as unimplemented,
once); `Reading.credentials` tells which requests carried the test credentials, so a warning
about refused credentials counts only those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from schemathesis.engine import events as st_events
from schemathesis.engine.recorder import ScenarioRecorder

from generator.contract.checks import REPORTED_AS
from generator.contract.events import (
    CaseOutcome,
    EngineFinished,
    Event,
    Finding,
    PhaseFinished,
    PhaseStarted,
    Problem,
    ScenarioFinished,
)
from generator.contract.guard import GUARD_HEADER

NOT_IMPLEMENTED = 501
TESTING_PHASES = frozenset(("examples", "coverage", "fuzzing", "stateful"))
# (label, method, url, headers) -> whether the request carried the test credentials
CredentialProbe = Callable[[str, str, str, Mapping[str, str]], bool]


def _never(label: str, method: str, url: str, headers: Mapping[str, str]) -> bool:
    return False


@dataclass(frozen=True)
class Reading:
    """How to read the engine's events for one run."""

    operations: int  # how many operations were selected
    credentials: CredentialProbe = _never
    explain: Callable[[Finding], Finding] = lambda finding: finding


def translate(event: st_events.EngineEvent, reading: Reading) -> Iterator[Event]:
    """Our events for one schemathesis engine event (most produce none)."""
    operations = reading.operations
    if isinstance(event, st_events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
        payload = event.payload
        if payload is not None:  # stateful: the links it can follow
            total = payload.transitions_total
        else:  # a pass may be limited to some operations; None means all of them
            total = operations if event.operations is None else len(event.operations)
        yield PhaseStarted(event.phase.name.value, total)
    elif isinstance(event, st_events.PhaseFinished) and event.phase.name.value in TESTING_PHASES:
        reason = event.phase.skip_reason
        yield PhaseFinished(
            event.phase.name.value, event.status.value, reason.value if reason else None
        )
    elif isinstance(event, st_events.ScenarioFinished) and event.is_test_scenario:
        yield from _guarded(event.recorder)
        yield _scenario(event, reading)
    elif isinstance(event, st_events.NonFatalError):
        where = event.label if event.related_to_operation else None
        yield Problem(f"{event.info.title}: {event.info.message}".strip(), where)
    elif isinstance(event, st_events.FatalError):
        yield Problem(f"schemathesis stopped: {type(event.exception).__name__}: {event.exception}")
        yield EngineFinished(0.0, "error")
    elif isinstance(event, st_events.EngineFinished):
        if event.failures:
            yield ScenarioFinished("after_run", None, "failure", (), tuple(_after_run(event)))
        yield EngineFinished(event.running_time, event.stop_reason.value)


def _scenario(event: st_events.ScenarioFinished, reading: Reading) -> ScenarioFinished:
    recorder: ScenarioRecorder = event.recorder
    links = frozenset(
        str(node.transition.id)
        for node in recorder.cases.values()
        if node.transition is not None and node.is_transition_applied
    )
    return ScenarioFinished(
        event.phase.value,
        event.label,
        event.status.value,
        tuple(_outcomes(recorder, reading)),
        tuple(reading.explain(f) for f in _findings(recorder)),
        links,
        event.skip_reason,
    )


def _guard_note(response: Any) -> str | None:
    """What the guard proxy reported instead of the service's answer, if it did."""
    if response is None:
        return None
    values = response.headers.get(GUARD_HEADER.lower()) or []
    return str(values[0]) if values else None


def _guarded(recorder: ScenarioRecorder) -> Iterator[Problem]:
    """One problem per kind of HTTP-level fault (see `guard`), naming the operation."""
    seen: set[tuple[str, str]] = set()
    for case_id, interaction in recorder.interactions.items():
        note = _guard_note(interaction.response)
        node = recorder.cases.get(case_id)
        if note is None or node is None:
            continue
        label = node.value.operation.label
        if (label, note) not in seen:
            seen.add((label, note))
            yield Problem(note, label)


def _outcomes(recorder: ScenarioRecorder, reading: Reading) -> Iterator[CaseOutcome]:
    for case_id, node in recorder.cases.items():
        label = node.value.operation.label
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        status = response.status_code if response is not None else None
        sent = False
        if interaction is not None:
            request = interaction.request
            sent = reading.credentials(label, request.method, request.uri, _flat(request.headers))
        yield CaseOutcome(label, status, bool(recorder.checks.get(case_id)), sent)


def _flat(headers: Any) -> dict[str, str]:
    """Recorded headers (name → value or list of values) as name → value."""
    flat: dict[str, str] = {}
    for name, value in (headers or {}).items():
        flat[str(name)] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return flat


def sent_credentials(
    names: Mapping[str, tuple[tuple[str, str], ...]],
) -> CredentialProbe:
    """A probe from, per label, the (location, name) slots its credentials travel in.

    >>> probe = sent_credentials({"GET /a": (("header", "authorization"),)})
    >>> probe("GET /a", "GET", "http://h/a", {"Authorization": "Bearer x"}), probe("GET /a", "GET", "http://h/a", {})
    (True, False)
    """

    def probe(label: str, method: str, url: str, headers: Mapping[str, str]) -> bool:
        slots = names.get(label, ())
        if not slots:
            return False
        lowered = {k.lower(): v for k, v in headers.items()}
        query = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
        cookies = lowered.get("cookie", "")
        for location, name in slots:
            if location == "header" and name.lower() not in lowered:
                return False
            if location == "query" and name not in query:
                return False
            if location == "cookie" and f"{name}=" not in cookies:
                return False
        return True

    return probe


def _findings(recorder: ScenarioRecorder) -> Iterator[Finding]:
    for case_id, checks in recorder.checks.items():
        case = recorder.cases.get(case_id)
        label = case.value.operation.label if case is not None else ""
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        status = response.status_code if response is not None else None
        if status == NOT_IMPLEMENTED:  # the operation is missing, not wrong: reported once
            continue
        if _guard_note(response) is not None:  # not the service's answer: a problem, above
            continue
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            yield Finding(
                check=REPORTED_AS.get(check.name, check.name),
                code=failure.code,
                kind=type(failure).__name__,
                title=failure.title,
                message=failure.message,
                operation=failure.operation or label,
                curl=info.code_sample,
                status=status,
                signature=_signature(failure),
            )


def _signature(failure: Any) -> str:
    """The key schemathesis 4.32 compares failures of one kind and operation by (`Failure.__eq__`).

    It has no public name; a schemathesis without it leaves the kind alone to tell them apart.
    """
    return str(getattr(failure, "_unique_key", ""))


def _after_run(event: st_events.EngineFinished) -> Iterator[Finding]:
    for failure in event.failures:
        yield Finding(
            check="after_run",
            code=failure.code,
            kind=type(failure).__name__,
            title=failure.title,
            message=failure.message,
            operation=failure.operation or "",
            curl="",
        )
