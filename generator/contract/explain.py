"""Where a failure's expectation comes from in the contract, and which side is at fault.

Each check expects something the contract says in one place: a response object (the status,
its schema, its headers, its media type), the operation's parameters or body (valid data is
accepted, invalid data refused), its security (credentials are required), its ownership
declaration (objects are the owner's). `Explainer.explain` names that place as `file:line`
through the loader's source map and blames the contract when `specfirst validate` has a
warning inside it (its rule id says what to fix); otherwise the service.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from generator.contract.events import Finding
from generator.contract.expectations import Expectations
from generator.diagnostics import Diagnostic
from generator.spec.document import Spec
from generator.spec.pointers import join_pointer, resolve_pointer

# Checks whose expectation is a response object of the operation.
RESPONSE_CHECKS = frozenset(
    {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "use_after_free",
        "ensure_resource_availability",
    }
)
# Checks whose expectation is what the operation accepts.
REQUEST_CHECKS = frozenset(
    {"positive_data_acceptance", "negative_data_rejection", "missing_required_header"}
)
# `validate` rules that predict a check's failure, with the statuses they predict (None: any).
PREDICTS: Mapping[str, Mapping[str, frozenset[int] | None]] = {
    "status_code_conformance": {
        "undocumented-validation-status": frozenset({400, 422}),
        "undocumented-auth-status": frozenset({401}),
        "undocumented-forbidden-status": frozenset({403}),
        "no-responses": None,
        "unverifiable-security-scheme": frozenset({501}),
    },
    "response_schema_conformance": {
        "ambiguous-one-of": None,
        "discriminator-value-mismatch": None,
        "enum-type-mismatch": None,
        "unenforceable-keyword": None,
    },
    "negative_data_rejection": {
        "typeless-object-schema": None,
        "unenforceable-keyword": None,
        "unchecked-media-type": None,
        "transport-header-parameter": None,
    },
    "positive_data_acceptance": {
        "transport-header-parameter": None,
        "ignored-header-parameter": None,
        "ambiguous-one-of": None,
        "nullable-not-in-3-1": None,
    },
}


class Explainer:
    """Explains the findings of one run of one contract."""

    def __init__(
        self, spec: Spec, expectations: Expectations, diagnostics: Iterable[Diagnostic] = ()
    ) -> None:
        self.spec = spec
        self.root: Mapping[str, Any] = spec.root
        self.expectations = expectations
        self.warnings = [d for d in diagnostics if d.pointer is not None]

    def pointer(self, finding: Finding) -> str:
        """The pointer of the contract text `finding`'s check expected something from."""
        facts = self.expectations.facts(finding.operation)
        if facts is None:
            return ""
        operation = resolve_pointer(self.root, facts.pointer)
        if finding.check in RESPONSE_CHECKS:
            return facts.response_pointer(finding.status)
        if finding.check in REQUEST_CHECKS:
            for key in ("requestBody", "parameters"):
                if isinstance(operation, Mapping) and key in operation:
                    return join_pointer(facts.pointer, key)
            return facts.pointer
        if finding.check == "ignored_auth":
            if isinstance(operation, Mapping) and "security" in operation:
                return join_pointer(facts.pointer, "security")
            return "/security" if "security" in self.root else facts.pointer
        if finding.check == "object_level_authorization" and facts.ownership.where.startswith("/"):
            return facts.ownership.where
        if finding.check in {"unsupported_method", "allow_header_conformance"}:
            return facts.pointer.rsplit("/", 1)[0]
        return facts.pointer

    def explain(self, finding: Finding) -> Finding:
        """`finding` with its source, the side at fault and a one-line reason."""
        pointer = self.pointer(finding)
        if not pointer:
            return finding
        where = self.spec.locate(pointer)
        source = f"{where.file}:{where.line}"
        facts = self.expectations.facts(finding.operation)
        scope = facts.pointer if facts is not None else pointer
        predicted = PREDICTS.get(finding.check, {})

        def predicts(d: Diagnostic) -> bool:
            if d.rule not in predicted or not _inside(d.pointer or "", (pointer, scope)):
                return False
            statuses = predicted[d.rule]
            return statuses is None or finding.status in statuses

        blamed = next((d for d in self.warnings if predicts(d)), None)
        if blamed is not None:
            why = (
                f"expected by {source}; the contract is at fault: `specfirst validate` "
                f"flags it [{blamed.rule}] {blamed.message}"
            )
            return dataclasses.replace(
                finding, source=source, fault="contract", rule=blamed.rule, why=why
            )
        why = f"expected by {source}; the service is at fault (the contract passes validate)"
        return dataclasses.replace(finding, source=source, fault="service", why=why)


def _inside(pointer: str, prefixes: tuple[str, ...]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in prefixes if p)
