"""One run's reading of the contract: the checks' judge, the event reading, the skipped checks.

`prepare` is called once per run, after the contract validated and the credentials were
planned: it reads the expectations (documented statuses, ownership), readies the generated
runtime's parameter reader (built on first use), and says up front where the object-level check will not run
and why (so a skip is never silent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.contract.checks import Judge
from generator.contract.credentials import CredentialPlan
from generator.contract.expectations import OWNER_EXTENSION, Expectations
from generator.contract.explain import Explainer
from generator.contract.options import TestOptions
from generator.contract.translate import Reading, sent_credentials
from generator.contract.wire import LazyWireReader
from generator.diagnostics import Diagnostic
from generator.ir.security import SchemeKind
from generator.spec.document import Spec

OBJECT_CHECK = "object_level_authorization"
LISTED = 8  # operations named in one note before "and N more"


@dataclass(frozen=True)
class Prepared:
    """What `prepare` returns."""

    judge: Judge
    reading: Reading
    skipped: tuple[str, ...]


def credential_slots(plan: CredentialPlan) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per operation, where its test credentials travel: (location, name) pairs."""
    slots: dict[str, tuple[tuple[str, str], ...]] = {}
    for label, requirement in plan.requirements.items():
        found = []
        for name, _ in requirement or ():
            scheme = plan.schemes[name]
            if scheme.kind is SchemeKind.API_KEY:
                found.append((scheme.location, scheme.parameter))
            else:
                found.append(("header", "authorization"))
        slots[label] = tuple(dict.fromkeys(found))
    return slots


def prepare(
    spec: Spec,
    diagnostics: Iterable[Diagnostic],
    plan: CredentialPlan,
    options: TestOptions,
    operations: Iterable[str],
) -> Prepared:
    """The judge, the reading and the notes for one run over `operations`."""
    expectations = Expectations.from_document(spec.root, options.ownership)
    notes: list[str] = []
    wire = LazyWireReader(spec)  # built when a check first needs it
    secured = frozenset(label for label, requirement in plan.requirements.items() if requirement)
    judge = Judge(expectations, wire, secured)
    explainer = Explainer(spec, expectations, [d for d in diagnostics if not d.is_error])
    reading = Reading(0, sent_credentials(credential_slots(plan)), explainer.explain)
    if OBJECT_CHECK in options.enabled_checks:
        notes.extend(object_check_skips(spec, expectations, plan, operations))
    return Prepared(judge, reading, tuple(notes))


def object_check_skips(
    spec: Spec, expectations: Expectations, plan: CredentialPlan, operations: Iterable[str]
) -> Iterable[str]:
    """Why the object-level check will not run on reads it could otherwise probe."""
    reads = [op for op in operations if op.startswith("GET ") and plan.requirements.get(op)]
    if not reads:
        return
    if not plan.peers:
        yield (
            f"{OBJECT_CHECK}: not run (one identity only); give another with "
            "--credential NAME:SCHEME=VALUE or --peer-credential SCHEME=VALUE"
        )
        return
    undeclared = []
    for label in reads:
        facts = expectations.facts(label)
        if facts is None or facts.ownership.checked:
            continue
        if facts.ownership.kind == "undeclared":
            undeclared.append(label)
            continue
        where = facts.ownership.where
        if where.startswith("/"):
            at = spec.locate(where)
            where = f"{at.file}:{at.line}"
        yield f"{OBJECT_CHECK}: skipped on {label}: {facts.ownership.detail} ({where})"
    if undeclared:
        shown = ", ".join(undeclared[:LISTED])
        more = f" and {len(undeclared) - LISTED} more" if len(undeclared) > LISTED else ""
        yield (
            f"{OBJECT_CHECK}: skipped on {shown}{more}: no ownership declared (add "
            f"`{OWNER_EXTENSION}: {{field: <owner property>}}` to the operation or its tag, "
            "or an entry in [tool.specfirst.test.ownership])"
        )
