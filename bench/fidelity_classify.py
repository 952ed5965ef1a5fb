"""Whose fault a fidelity failure is: `unimplemented` (by design), `contract` or `runtime`.

- `unimplemented`: the stub app answered 501 and the check complains about that answer
  itself (an undocumented status, a server error, a valid request not accepted). By design:
  nothing is implemented. A 501 that shows something else (invalid data or a missing
  credential got through to the implementation) stays `runtime`.
- `stateless`: the mock keeps no state by design, so what the stateful checks ask of a real
  service (a deleted resource is gone, a created one is there, one identity's object is not
  another's) does not apply to it: `use_after_free`, `ensure_resource_availability` and
  `object_level_authorization` against the mock.
- `tester`: the check expected something the wire cannot say, a known Schemathesis reading
  (`TESTER_READINGS`): one form or multipart value for an array (a one-item array and a string
  are spelled alike), an object or number in a binary body (bytes are a string), an extra
  header (HTTP lets any request carry headers the operation does not name).
- `contract`: `specfirst validate` reports a finding that explains the check (`EXPLANATIONS`)
  in the part of the failing operation the check looks at (`scope_for`): the request for a
  request check, the documented response the answer was validated against for a response
  check, else the whole operation; each with what it uses through `$ref`
  (`operation_scopes` in fidelity_probe). Or an `ambiguous-path` finding says the failing
  operation is never reached: another path's operation answers its requests (healthcare.gov's
  `/{stateName}{ext}`, served by `/{pageName}{ext}`, which produces `application/html`).
- `runtime`: everything else; the generated service or the mock broke its contract.

>>> failure = {"check": "response_schema_conformance", "status": 200, "operation": "GET /a"}
>>> found = [{"rule": "example-mismatch", "pointer": "/paths/~1a/get/responses/200/content"}]
>>> classify(failure, "mock", {"responses": {"200": ["/paths/~1a/get/responses/200"]}}, found)[0]
'contract'
>>> classify({**failure, "status": 400}, "mock", {"responses": {"200": ["/paths/~1a/get/responses/200"]}}, found)[0]
'runtime'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

UNIMPLEMENTED, CONTRACT, RUNTIME = "unimplemented", "contract", "runtime"
STATELESS, TESTER = "stateless", "tester"
CLASSES = (RUNTIME, CONTRACT, UNIMPLEMENTED, STATELESS, TESTER)
STATEFUL_CHECKS = frozenset(
    {"use_after_free", "ensure_resource_availability", "object_level_authorization"}
)

# Checks that, on a 501 from the stub, object to the 501 itself.
ABOUT_THE_ANSWER = frozenset(
    {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "positive_data_acceptance",
    }
)


@dataclass(frozen=True)
class Explanation:
    """Validate rules whose finding explains failures of `check`.

    Only failures answered with one of `statuses` and seen in one of `phases` (empty: any).
    """

    check: str
    rules: frozenset[str]
    statuses: frozenset[int] = frozenset()
    phases: frozenset[str] = frozenset()
    why: str = ""
    # Rules still being written: a runtime failure only they explain is reported apart
    # (`awaiting`), since it turns `contract` once validate reports them.
    pending: bool = False


def _rules(*names: str) -> frozenset[str]:
    return frozenset(names)


# One row per (check, cause). Add a row when `specfirst validate` learns a new rule: the rule
# id, the check whose failures it explains and, if only some failures, their statuses or the
# phases they must have been seen in.
EXPLANATIONS: tuple[Explanation, ...] = (
    Explanation(
        "status_code_conformance",
        _rules("undocumented-validation-status"),
        frozenset({400, 413, 415, 422}),
        why="the operation documents no status for a rejected request",
    ),
    Explanation(
        "status_code_conformance",
        _rules("undocumented-auth-status"),
        frozenset({401}),
        why="a secured operation documents no 401",
    ),
    Explanation(
        "status_code_conformance",
        _rules("undocumented-forbidden-status", "undocumented-auth-status"),
        frozenset({403}),
        why="an operation requiring scopes documents no 403",
    ),
    Explanation(
        "status_code_conformance",
        _rules("unverifiable-security-scheme"),
        frozenset({501}),
        why="a scheme the runtime cannot verify answers 501 until the app registers a verifier",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("nullable-not-in-3-1", "ambiguous-one-of"),
        why="null where a 3.1 schema says `nullable` (no keyword), or a value matching two "
        "oneOf branches: the contract refuses what its author meant to allow",
    ),
    Explanation(
        "response_schema_conformance",
        _rules("ambiguous-one-of", "discriminator-value-mismatch"),
        why="a value matching two oneOf branches is valid for no branch; a branch named by its "
        "schema name pins the discriminator to other values",
    ),
    Explanation(
        "negative_data_rejection",
        _rules("unenforceable-keyword", "enum-type-mismatch"),
        why="a keyword the wire validator cannot apply, or an enum no value can match",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("enum-type-mismatch"),
        why="an enum value of another type than declared: no instance is valid",
    ),
    Explanation(
        "status_code_conformance",
        _rules("no-responses"),
        why="the operation documents no response at all",
    ),
    Explanation(
        "not_a_server_error",
        _rules("no-responses"),
        frozenset({501}),
        why="the mock has no documented response to answer with",
    ),
    Explanation(
        "missing_required_header",
        _rules("ignored-header-parameter"),
        why="OpenAPI ignores header parameters named Accept, Content-Type or Authorization",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("typeless-object-schema"),
        why="object keywords without `type: object`: schemathesis sends null or a number",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("transport-header-parameter"),
        why="the HTTP client's own Accept-Encoding (gzip, deflate) breaks the header's constraint",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("unchecked-media-type"),
        why="a body the service reads as bytes, not in the shape its schema describes",
    ),
    Explanation(
        "negative_data_rejection",
        _rules("unchecked-media-type"),
        why="a body the service reads as bytes: its schema is not checked, so nothing is refused",
    ),
    Explanation(
        "negative_data_rejection",
        _rules("ignored-header-parameter"),
        why="OpenAPI ignores header parameters named Accept, Content-Type or Authorization",
    ),
    Explanation(
        "not_a_server_error",
        _rules("required-property-undefined", "body-on-no-content-status"),
        frozenset({501}),
        why="the mock cannot build a valid body: a required property no schema declares, or a "
        "body documented where HTTP allows none",
    ),
    Explanation(
        "status_code_conformance",
        _rules("required-property-undefined", "body-on-no-content-status"),
        frozenset({501}),
        why="the mock answers 501 when it cannot build a valid body (see not_a_server_error)",
    ),
    Explanation(
        "unsupported_method",
        _rules("ambiguous-path"),
        why="two paths alike but for parameter names: a method declared on one is routed there "
        "from the other, so the other cannot answer 405",
    ),
    Explanation(
        "allow_header_conformance",
        _rules("ambiguous-path"),
        why="two paths alike but for parameter names share one route shape, so `Allow` names "
        "the methods of both",
    ),
    Explanation(
        "ignored_auth",
        _rules("api-key-parameter"),
        frozenset({400}),
        why="the API key is also a required parameter: a request without it is malformed (400) "
        "before it is unauthenticated",
    ),
    Explanation(
        "response_schema_conformance",
        _rules("example-mismatch", "default-mismatch", "required-property-undefined"),
        why="the mock answers the contract's own examples and defaults",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("example-mismatch", "default-mismatch"),
        phases=frozenset({"examples"}),
        why="the examples phase sends the contract's examples as valid requests",
    ),
    Explanation(
        "positive_data_acceptance",
        _rules("required-property-undefined"),
        why="a required property with no schema: schemathesis sends any value",
    ),
    Explanation(
        "negative_data_rejection",
        _rules("required-property-undefined"),
        why="a required property with no schema: any value is valid to the service",
    ),
)


# (what the negative case claims, what the request carried): each a serialization that cannot
# hold the difference the check expects the service to see.
TESTER_READINGS: tuple[tuple[str, str], ...] = (
    ("Incorrect type", "application/x-www-form-urlencoded"),
    ("Incorrect type", "multipart/form-data"),
    ("in body - incorrect type", "Content-Type: image/"),
    ("in body - incorrect type", "Content-Type: application/octet-stream"),
    ("in header - object with unexpected properties", ""),
    # a form or multipart body spells an empty array by leaving the field out, and a part's
    # text `false`, `null` or `5` is also that string: the wire cannot tell them apart
    ("Missing required property", "application/x-www-form-urlencoded"),
    ("Missing required property", "multipart/form-data"),
    ("(was string, became", "multipart/form-data"),
)


def tester_reading(failure: Mapping[str, Any]) -> bool:
    """True for a negative case the wire cannot carry (`TESTER_READINGS`).

    >>> tester_reading({"check": "negative_data_rejection", "message": "in body - x: Incorrect type",
    ...                 "curl": "curl -H 'Content-Type: multipart/form-data; boundary=b'"})
    True
    """
    if failure.get("check") != "negative_data_rejection":
        return False
    message, curl = str(failure.get("message", "")), str(failure.get("curl", ""))
    return any(claim in message and carried in curl for claim, carried in TESTER_READINGS)


def explaining_rules(failure: Mapping[str, Any], *, pending: bool = False) -> frozenset[str]:
    """The rule ids that can explain `failure` (check, status, phases); `pending`: unwritten ones."""
    status, phases = failure.get("status"), set(failure.get("phases", ()))
    found: set[str] = set()
    for row in EXPLANATIONS:
        if (
            (row.pending or not pending)
            and row.check == failure["check"]
            and (not row.statuses or status in row.statuses)
            and (not row.phases or bool(row.phases & phases))
        ):
            found |= row.rules
    return frozenset(found)


REQUEST_CHECKS = frozenset(
    {"positive_data_acceptance", "negative_data_rejection", "missing_required_header"}
)
RESPONSE_CHECKS = frozenset(
    {"response_schema_conformance", "content_type_conformance", "response_headers_conformance"}
)


ROUTING_CHECKS = frozenset({"unsupported_method", "allow_header_conformance"})


def _path_item(operation: str) -> str:
    """The path item of an operation label: `GET /a/{b}` → `/paths/~1a~1{b}`."""
    path = operation.partition(" ")[2]
    return "/paths/" + path.replace("~", "~0").replace("/", "~1")


def _routes_with(diagnostic: Mapping[str, Any], operation: str) -> bool:
    """Whether an `ambiguous-path` finding names the failing operation's path (either side).

    >>> _routes_with({"pointer": "/paths/~1g~1{id}", "message": 'path "/g/{id}" is the same as "/g/{n}"'}, "GET /g/{n}")
    True
    """
    path = operation.partition(" ")[2]
    return diagnostic.get("pointer") == _path_item(operation) or (
        f'"{path}"' in str(diagnostic.get("message", ""))
    )


def _never_reached(diagnostic: Mapping[str, Any], operation: str) -> bool:
    """Whether an `ambiguous-path` finding says the failing operation is shadowed: every request
    to it is answered by the operation of the path listed first, so no check of it can pass.
    The finding lists the unreachable operations first (`GET /a (getA), PUT /a is never ...`).

    >>> found = {"pointer": "/paths/~1{n}.json", "message": 'GET /{n}.json (byN) is never reached: path'}
    >>> _never_reached(found, "GET /{n}.json"), _never_reached(found, "PUT /{n}.json")
    (True, False)
    """
    message = str(diagnostic.get("message", ""))
    if diagnostic.get("pointer") != _path_item(operation) or " is never reached: " not in message:
        return False
    lost = message.partition(" is never reached: ")[0].split(", ")
    return any(label == operation or label.startswith(operation + " (") for label in lost)


def scope_for(check: str, status: int | None, scopes: Mapping[str, Any]) -> Sequence[str]:
    """The pointers a finding must lie under to explain a failure of `check` answered `status`."""
    if check in REQUEST_CHECKS:
        return list(scopes.get("request", []))
    if check in RESPONSE_CHECKS:
        responses = {key.upper(): part for key, part in scopes.get("responses", {}).items()}
        # The documented response an answer is checked against (OpenAPI 3.x, Responses Object).
        for key in (str(status), f"{str(status)[:1]}XX", "DEFAULT"):
            if key in responses:
                return list(responses[key])
        return []
    return list(scopes.get("operation", []))


def in_scope(pointer: str, scope: Iterable[str]) -> bool:
    """Whether `pointer` is one of `scope` or lies below one (token boundaries respected).

    >>> in_scope("/paths/~1a/get/responses", ["/paths/~1a/get"]), in_scope("/paths/~1ab", ["/paths/~1a"])
    (True, False)
    """
    return any(pointer == p or pointer.startswith(p + "/") for p in scope)


def classify(
    failure: Mapping[str, Any],
    target: str,
    scopes: Mapping[str, Any],
    diagnostics: Sequence[Mapping[str, Any]],
) -> tuple[str, Mapping[str, Any] | None]:
    """The failure's class and, for `contract`, the validate finding that explains it."""
    check, status = str(failure["check"]), failure.get("status")
    if target == "stub" and status == 501 and check in ABOUT_THE_ANSWER:
        return UNIMPLEMENTED, None
    if target == "mock" and check in STATEFUL_CHECKS:
        return STATELESS, None
    if tester_reading(failure):
        return TESTER, None
    rules = explaining_rules(failure)
    scope = scope_for(check, status, scopes)
    for diagnostic in diagnostics:
        if diagnostic["rule"] in rules and in_scope(str(diagnostic["pointer"]), scope):
            return CONTRACT, diagnostic
        if diagnostic["rule"] == "ambiguous-path" and (
            (check in ROUTING_CHECKS and _routes_with(diagnostic, str(failure["operation"])))
            or _never_reached(diagnostic, str(failure["operation"]))
        ):
            return CONTRACT, diagnostic
    return RUNTIME, None
