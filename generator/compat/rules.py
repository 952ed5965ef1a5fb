"""The catalogue of compatibility rules: each id has one fixed level and a one-line meaning.

A request is what a client sends (the server must keep accepting it); a response is what a
client reads (the client must keep understanding it). So tightening a request and loosening
a response break clients, while the opposite moves are compatible.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """How much a change can hurt existing clients."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for breaking, 1 for warning, 0 for info (higher is worse)."""
        return {"breaking": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Rule:
    """One kind of change: its id, level and what it means."""

    id: str
    level: Severity
    summary: str


_B, _W, _I = Severity.BREAKING, Severity.WARNING, Severity.INFO

CATALOGUE: tuple[Rule, ...] = (
    # Operations and paths.
    Rule("path-removed", _B, "a path (matched by template shape) is gone"),
    Rule("operation-removed", _B, "an operation is gone from a path that remains"),
    Rule("path-added", _I, "a new path"),
    Rule("operation-added", _I, "a new operation on an existing path"),
    Rule("path-parameter-renamed", _I, "a path parameter has a new name (same URL shape)"),
    Rule(
        "operation-id-changed",
        _B,
        "operationId changed: the implementation's method must be renamed (until then the "
        "operation answers 501) and generated clients' methods change name",
    ),
    Rule("operation-deprecated", _I, "an operation is now deprecated"),
    Rule("description-changed", _I, "only a description, summary or title changed"),
    # Request parameters.
    Rule("request-parameter-added-required", _B, "a new required parameter"),
    Rule("request-parameter-made-required", _B, "an optional parameter became required"),
    Rule("request-parameter-location-changed", _B, "a parameter moved (e.g. query → header)"),
    Rule("request-parameter-style-changed", _B, "a parameter is serialised differently"),
    Rule("request-parameter-removed", _W, "a parameter is gone (clients may still send it)"),
    Rule("request-parameter-added", _I, "a new optional parameter"),
    Rule("request-parameter-made-optional", _I, "a required parameter became optional"),
    # Request bodies.
    Rule("request-body-added-required", _B, "a required request body where there was none"),
    Rule("request-body-made-required", _B, "an optional request body became required"),
    Rule("request-media-type-removed", _B, "a request media type is no longer accepted"),
    Rule("request-body-removed", _W, "the request body is gone (clients may still send it)"),
    Rule("request-body-added", _I, "a new optional request body"),
    Rule("request-body-made-optional", _I, "a required request body became optional"),
    Rule("request-media-type-added", _I, "a new accepted request media type"),
    # Request schemas (bodies and parameters).
    Rule("request-property-added-required", _B, "a new required request property"),
    Rule("request-property-made-required", _B, "an optional request property became required"),
    Rule("request-type-changed", _B, "a request value's type changed or narrowed"),
    Rule("request-nullable-removed", _B, "a request value may no longer be null"),
    Rule("request-enum-value-removed", _B, "a request enum value is no longer accepted"),
    Rule(
        "request-constraint-tightened",
        _B,
        "a request constraint is stricter (max lowered, min raised, pattern/format/enum added)",
    ),
    Rule("request-additional-properties-closed", _B, "a request object rejects unknown properties"),
    Rule("request-schema-branch-removed", _B, "a oneOf/anyOf request alternative is gone"),
    Rule("request-property-removed", _W, "a request property is gone (clients may still send it)"),
    Rule("request-property-added", _I, "a new optional request property"),
    Rule("request-property-made-optional", _I, "a required request property became optional"),
    Rule("request-type-widened", _I, "a request value accepts more types"),
    Rule("request-nullable-added", _I, "a request value may now be null"),
    Rule("request-enum-value-added", _I, "a new accepted request enum value"),
    Rule("request-constraint-loosened", _I, "a request constraint is more permissive"),
    Rule("request-schema-branch-added", _I, "a new oneOf/anyOf request alternative"),
    # Responses.
    Rule("response-status-removed", _B, "a documented response status is gone"),
    Rule("response-media-type-removed", _B, "a response media type is gone"),
    Rule("response-status-added", _I, "a new documented response status"),
    Rule("response-media-type-added", _I, "a new response media type"),
    Rule("response-header-removed", _W, "a response header is gone"),
    Rule("response-header-added", _I, "a new response header"),
    # Response schemas.
    Rule("response-property-removed", _B, "a response property is gone"),
    Rule("response-property-made-optional", _B, "a required response property became optional"),
    Rule("response-type-changed", _B, "a response value's type changed or widened"),
    Rule("response-enum-value-added", _W, "a response may carry an enum value clients never saw"),
    Rule("response-nullable-added", _W, "a response value may now be null"),
    Rule("response-constraint-loosened", _W, "a response constraint is more permissive"),
    Rule("response-schema-branch-added", _W, "a new oneOf/anyOf response alternative"),
    Rule("response-property-added", _I, "a new response property"),
    Rule("response-property-made-required", _I, "an optional response property became required"),
    Rule("response-type-narrowed", _I, "a response value has fewer possible types"),
    Rule("response-nullable-removed", _I, "a response value is no longer null"),
    Rule("response-enum-value-removed", _I, "a response enum value is no longer sent"),
    Rule("response-constraint-tightened", _I, "a response constraint is stricter"),
    Rule("response-schema-branch-removed", _I, "a oneOf/anyOf response alternative is gone"),
    # Security.
    Rule("security-added", _B, "a public operation now requires credentials"),
    Rule("security-scopes-added", _B, "an operation requires more OAuth2/OIDC scopes"),
    Rule("security-scheme-changed", _B, "a credential clients used is no longer accepted"),
    Rule("security-removed", _I, "an operation no longer requires credentials"),
    Rule("security-alternative-added", _I, "an operation accepts another kind of credential"),
    Rule("security-scopes-removed", _I, "an operation requires fewer scopes"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}


def level_of(rule_id: str) -> Severity:
    """The fixed level of a rule id.

    >>> level_of("operation-removed").value
    'breaking'
    """
    return RULES[rule_id].level
