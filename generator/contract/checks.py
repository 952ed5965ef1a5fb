"""Four schemathesis checks read the contract's way: what the service may answer, and who owns what.

Each wraps the built-in check of the same idea and lets its failure through only when the
contract agrees it is one:

- `specfirst_positive_data_acceptance`: a valid request answered with a status the contract
  documents for it (`412` to a conditional request, `409`, `default`...) is not a rejection;
  nor is a refused request whose values came from another response (a link, the resource
  pool) when they break the contract (a path value outside the parameter's `enum`): the
  request is invalid, and refusing it is right;
- `specfirst_negative_data_rejection`: a "negative" request whose parameters the generated
  service reads as valid (`wire.WireReader`, the runtime's own reading) is not invalid data;
- `specfirst_object_level_authorization`: runs only on operations whose objects are declared
  owned (`expectations.Ownership`);
- `specfirst_ensure_resource_availability`: a resource an anonymous request created is not
  the test identity's, so an owner-only operation may rightly answer it 404;
- `specfirst_use_after_free` and the two above: a response a mock answered
  (`x-specfirst-mock: stateless`, set by `serve --mock`) says nothing about state, which a
  mock does not keep: those checks skip it ("skipped: stateless mock" in the summary).

The runner enables these in place of the built-ins and reports them under the built-in names
(`REPORTED_AS`). Outside a specfirst run (no `Judge` attached to the schema) they pass.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import EnsureResourceAvailability, RejectedPositiveData
from schemathesis.specs.openapi import checks as builtin

from generator.contract.expectations import Expectations
from generator.contract.wire import LazyWireReader, WireReader
from generator.mock import STATELESS, STATELESS_HEADER

REPORTED_AS = {
    "specfirst_use_after_free": "use_after_free",
    "specfirst_ensure_resource_availability": "ensure_resource_availability",
    "specfirst_positive_data_acceptance": "positive_data_acceptance",
    "specfirst_negative_data_rejection": "negative_data_rejection",
    "specfirst_object_level_authorization": "object_level_authorization",
}
REPLACES = {builtin_name: ours for ours, builtin_name in REPORTED_AS.items()}


@dataclass
class Judge:
    """One run's reading of the contract, and what the checks set aside (for the summary)."""

    expectations: Expectations
    wire: WireReader | LazyWireReader | None = None
    secured: frozenset[str] = frozenset()  # operations sent with the test credentials
    excused: dict[str, set[int]] = field(default_factory=dict)  # label → statuses let through
    read_valid: set[str] = field(default_factory=set)  # labels with "negative" cases read as valid
    fed_invalid: set[str] = field(default_factory=set)  # labels fed invalid values by links
    not_theirs: set[str] = field(default_factory=set)  # follow-ups of anonymous creations
    stateless: set[str] = field(default_factory=set)  # "check: label" answered by a mock
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, table: dict[str, set[int]] | set[str], label: str, status: int = 0) -> None:
        with self.lock:
            if isinstance(table, dict):
                table.setdefault(label, set()).add(status)
            else:
                table.add(label)

    def excusals(self) -> list[str]:
        """What the contract's reading let through, per operation (for the summary)."""
        found = [
            f"positive_data_acceptance: {label} answered {', '.join(map(str, sorted(codes)))}, "
            "documented for the request sent: counted as accepted"
            for label, codes in sorted(self.excused.items())
        ]
        found += [
            f"ensure_resource_availability: {label}: a resource created anonymously is not "
            "the caller's: a 404 to the caller is not a missing resource"
            for label in sorted(self.not_theirs)
        ]
        found += [
            f"negative_data_rejection: {label}: a request built to be invalid is valid as the "
            "service reads it (the generated runtime's parameter parsing): not counted"
            for label in sorted(self.read_valid)
        ]
        found += [
            f"positive_data_acceptance: {label}: a value fed from another response breaks the "
            "contract (the runtime's own reading): the request is invalid, its refusal is right"
            for label in sorted(self.fed_invalid)
        ]
        found += [
            f"{entry}: skipped: stateless mock (the answer came from `serve --mock`, which keeps "
            "no state)"
            for entry in sorted(self.stateless)
        ]
        if isinstance(self.wire, LazyWireReader) and self.wire.problem is not None:
            found.append(f"negative_data_rejection: {self.wire.problem}")
        return found


_JUDGES: dict[int, Judge] = {}


def attach(schema: Any, judge: Judge) -> None:
    """Let the checks judge cases of `schema` (and of the schemas it was filtered from)."""
    _JUDGES[id(schema)] = judge


def detach(schema: Any) -> None:
    """The run is over."""
    _JUDGES.pop(id(schema), None)


def _judge(case: schemathesis.Case[Any]) -> Judge | None:
    return _JUDGES.get(id(case.operation.schema))


def _headers(response: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (response.request.headers or {}).items()}


def _from_mock(judge: Judge, check: str, response: Any, case: Any) -> bool:
    """Whether a mock answered `response` (noted for the summary): a stateful check skips it."""
    values = getattr(response, "headers", None) or {}
    marked = any(
        str(name).lower() == STATELESS_HEADER
        and STATELESS in (value if isinstance(value, list) else [value])
        for name, value in values.items()
    )
    if marked:
        judge.note(judge.stateless, f"{check}: {case.operation.label}")
    return marked


@schemathesis.check
def specfirst_positive_data_acceptance(ctx: Any, response: Any, case: Any) -> bool | None:
    """`positive_data_acceptance`, with the contract's documented answers to the request sent."""
    judge = _judge(case)
    if judge is None:
        return None
    try:
        return builtin.positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        facts = judge.expectations.facts(case.operation.label)
        status = response.status_code
        if facts is not None and facts.valid_answer(status, _headers(response)):
            judge.note(judge.excused, case.operation.label, status)
            return None
        if 400 <= status < 500 and _fed(case) and _read_invalid(judge, case, response):
            judge.note(judge.fed_invalid, case.operation.label)
            return None
        raise


def _fed(case: Any) -> bool:
    """Whether some of the case's values came from other responses (a link, the resource pool).

    Schemathesis generates the rest from the schema, so only these can break it while the case
    is still called positive.
    """
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    phase = getattr(getattr(meta.phase, "name", None), "value", None)
    return phase == "stateful" or bool(getattr(meta, "pool_draws", ()))


def _read_invalid(judge: Judge, case: Any, response: Any) -> bool:
    """Whether the service's own reading (the generated runtime) refuses the request sent."""
    if judge.wire is None:
        return False
    request = response.request
    body = request.body.encode() if isinstance(request.body, str) else request.body
    valid = judge.wire.request_valid(
        case.operation.label, str(request.method), str(request.url), _headers(response), body
    )
    return valid is False


@schemathesis.check
def specfirst_negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
    """`negative_data_rejection`, unless the service reads the sent parameters as valid."""
    judge = _judge(case)
    if judge is None:
        return None
    try:
        return builtin.negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        request = response.request
        body = request.body.encode() if isinstance(request.body, str) else request.body
        if judge.wire is not None and judge.wire.request_valid(
            case.operation.label, str(request.method), str(request.url), _headers(response), body
        ):
            judge.note(judge.read_valid, case.operation.label)
            return None
        raise


@schemathesis.check
def specfirst_ensure_resource_availability(ctx: Any, response: Any, case: Any) -> bool | None:
    """`ensure_resource_availability`, unless an anonymous request created what a caller asks for.

    A resource made by a public operation (a sign-up) belongs to nobody the tester can be;
    an operation that answers only the owner (as the contract may say, with a 404) rightly
    does not show it to the test identity.
    """
    judge = _judge(case)
    if judge is None or _from_mock(judge, "ensure_resource_availability", response, case):
        return None
    try:
        return builtin.ensure_resource_availability(ctx, response, case)
    except EnsureResourceAvailability as failure:
        created, used = failure.created_with, failure.not_available_with
        if created not in judge.secured and used in judge.secured:
            judge.note(judge.not_theirs, used)
            return None
        raise


@schemathesis.check
def specfirst_object_level_authorization(ctx: Any, response: Any, case: Any) -> bool | None:
    """`object_level_authorization` where the contract declares the objects owned."""
    judge = _judge(case)
    if judge is None:
        return None
    facts = judge.expectations.facts(case.operation.label)
    if facts is None or not facts.ownership.checked:
        return None
    if _from_mock(judge, "object_level_authorization", response, case):
        return None
    return builtin.object_level_authorization(ctx, response, case)


@schemathesis.check
def specfirst_use_after_free(ctx: Any, response: Any, case: Any) -> bool | None:
    """`use_after_free`, except on an answer from a mock (which forgets nothing it never kept)."""
    judge = _judge(case)
    if judge is None or _from_mock(judge, "use_after_free", response, case):
        return None
    return builtin.use_after_free(ctx, response, case)
