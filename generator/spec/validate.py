"""Validate a loaded contract: version, the standard OpenAPI check, then our own rules.

>>> validate_spec(spec)  # doctest: +SKIP
[Diagnostic(rule='path-param-undeclared', level=<Level.ERROR: 'error'>, ...)]

Rules decided here (the rest live in `standard` and `rules`):

* `swagger-unsupported`: a Swagger document other than 2.0 (the loader converts 2.0 to 3.0.3),
  with how to convert it; nothing else is checked.
* `not-openapi`: no top-level `openapi` key (or the top level is not a mapping).
* `unsupported-version`: `openapi` is not a 3.0.x / 3.1.x / 3.2.x string.
* `too-deep`: containers nested deeper than `MAX_DEPTH`, or a validator hit Python's limit.
* `validator-crashed`: an unexpected exception (named, never a traceback); next to real errors
  a library crash is downgraded to info, since broken input is its most likely cause.

`validate_spec` never raises. Findings come back sorted by location and deduplicated.
`check_spec` also returns the contract as generation reads it (`readings.py`: errors with one
unambiguous reading are warnings, and the served document reads them that way).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.spec.catalogue import diagnostic
from generator.spec.document import Spec
from generator.spec.pointers import join_pointer
from generator.spec.readings import Edit, read_leniently, serve_leniently
from generator.spec.rules import READ_LENIENTLY, in_family_order, run_families
from generator.spec.rules.contract import Contract
from generator.spec.rules.schema_errors import short
from generator.spec.standard import CRASH_TAIL, check_standard
from generator.spec.standard_walk import DialectMemo

# Containers nested deeper than this are refused before any recursive validator sees them:
# real contracts stay under 35 (the corpus maximum is 30), Python's stack ends near 170.
MAX_DEPTH = 100
# openapi-spec-validator 0.9 has a meta-schema and a validator for each of these.
SUPPORTED = frozenset({"3.0", "3.1", "3.2"})
# Times the leniently read contract is checked again for failures the first reading hid.
READING_ROUNDS = 3
_AFTER = "probably because of the errors reported here; fix them first"
_VERSION = re.compile(r"^\s*(\d+)\.(\d+)")


@dataclass(frozen=True)
class Validated:
    """A validated contract: its findings and the document generation reads (`served`)."""

    diagnostics: list[Diagnostic]
    served: Spec
    edits: tuple[Edit, ...] = ()  # what `served` changed, in order (none: `served` is the spec)


# Told the edits of our rules' readings before the standard check runs (the larger half of
# validation): the model stage's worker plans the contract read that way meanwhile.
EarlyReadings = Callable[[list[Edit]], None]


def validate_spec(spec: Spec) -> list[Diagnostic]:
    """Every problem found in `spec`, sorted by location; never raises."""
    return check_spec(spec).diagnostics


def check_spec(spec: Spec, early: EarlyReadings | None = None) -> Validated:
    """Every problem found in `spec`, and the contract read leniently; never raises.

    `early`, when given, is called once our rules have run, with the edits their readings
    make: a prediction of `Validated.edits`, which differ when the standard check finds more.
    """
    edits: list[Edit] = []
    try:
        found, edits = _validate(spec, early)
    except RecursionError:
        found = [_diag(spec, "too-deep", "the contract is nested too deeply to validate", "")]
    except Exception as exc:  # a bug in a rule must not hide the other findings' cause
        message = f"validation crashed ({type(exc).__name__}); please report this as a bug"
        found = [_diag(spec, "validator-crashed", message, "")]
    return Validated(_finish(found), serve_leniently(spec, edits), tuple(edits))


def _validate(spec: Spec, early: EarlyReadings | None) -> tuple[list[Diagnostic], list[Edit]]:
    version, found = detect_version(spec)
    if version is None:
        return found, []
    deep, convert = _inspect(spec.root)
    if deep is not None:
        message = f"the contract nests deeper than {MAX_DEPTH} levels here; refusing to validate it"
        return [*found, _diag(spec, "too-deep", message, deep)], []
    if convert:
        spec = dataclasses.replace(spec, root=_json_safe(spec.root))
    contract = Contract(spec, version)
    memo: DialectMemo = {}
    by_family = run_families(contract, READ_LENIENTLY)
    if early is not None:
        told = in_family_order(by_family)
        early(read_leniently(contract, _soften_crash([*found, *told]))[1])
    by_family |= run_families(contract, exclude=READ_LENIENTLY)
    ours = in_family_order(by_family)
    checked = check_standard(contract, memo)
    covered = _covered(ours)
    standard = [d for d in checked if not (d.rule.startswith("schema-") and d.pointer in covered)]
    # A keyword whose value is already an error is not reported again as unenforceable.
    wrong = {d.pointer for d in standard if d.is_error}
    ours = [d for d in ours if not (d.rule == "unenforceable-keyword" and d.pointer in wrong)]
    found, edits = read_leniently(contract, _soften_crash([*found, *standard, *ours]))
    if not checked:
        # Nothing failed the meta-schema check, so no failure hides a second one, and the
        # readings of our rules write only what that check accepts (a property, a name, a
        # dropped keyword): checking the read contract again finds nothing, at its full cost
        # (GitHub: 1.3 s).
        return found, edits
    return _read_hidden(contract, found, edits, covered, memo)


def _read_hidden(
    contract: Contract,
    found: list[Diagnostic],
    edits: list[Edit],
    covered: set[str],
    memo: DialectMemo,
) -> tuple[list[Diagnostic], list[Edit]]:
    """Check the leniently read contract again: the meta-schema check reports one failure per
    schema, so a second wart in a schema shows only once the first is read away."""
    for _round in range(READING_ROUNDS):
        if not edits:
            break
        again = Contract(serve_leniently(contract.spec, edits), contract.version)
        seen = {(d.rule, d.pointer) for d in found}
        new = [
            d
            for d in check_standard(again, memo)
            if (d.rule, d.pointer) not in seen
            and not (d.rule.startswith("schema-") and d.pointer in covered)
        ]
        if not new:
            break
        more, more_edits = read_leniently(again, new)
        found, edits = [*found, *more], [*edits, *more_edits]
    return found, edits


def detect_version(spec: Spec) -> tuple[str | None, list[Diagnostic]]:
    """The OpenAPI minor version to validate against ("3.0", "3.1", "3.2"), or None and why."""
    root: Any = spec.root
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else type(root).__name__
        return None, [
            _diag(spec, "not-openapi", f"not an OpenAPI document: the top level is {kind}", "")
        ]
    if "openapi" not in root and "swagger" in root:
        message = (
            f"Swagger {_bare(root['swagger'])} is not supported: only Swagger 2.0 is converted "
            "on loading; convert it to Swagger 2.0 or OpenAPI 3 first (e.g. api-spec-converter)"
        )
        return None, [_diag(spec, "swagger-unsupported", message, "/swagger")]
    if "openapi" not in root:
        message = 'not an OpenAPI document: there is no top-level "openapi" key'
        return None, [_diag(spec, "not-openapi", message, "")]
    value = root["openapi"]
    if not isinstance(value, str):
        message = f'"openapi" must be a version string such as "3.1.0", not {short(value)}'
        return None, [
            _diag(spec, "unsupported-version", message + " (quote it in YAML)", "/openapi")
        ]
    match = _VERSION.match(value)
    minor = f"{match.group(1)}.{match.group(2)}" if match else ""
    if minor not in SUPPORTED:
        message = f"OpenAPI {_bare(value)} is not supported (supported: 3.0.x, 3.1.x, 3.2.x)"
        return None, [_diag(spec, "unsupported-version", message, "/openapi")]
    return minor, []


def _bare(value: Any) -> str:
    """A version for a message, unquoted but cut short."""
    text = value if isinstance(value, str) else short(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _diag(spec: Spec, rule: str, message: str, pointer: str) -> Diagnostic:
    return diagnostic(rule, message, pointer, spec.locate(pointer))


def _inspect(root: Any) -> tuple[str | None, bool]:
    """Pointer of the first container nested too deep, and whether non-JSON values occur."""
    convert = False
    stack: list[tuple[Any, int, Any]] = [(root, 1, None)]
    while stack:
        value, depth, trail = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                return _trail_pointer(trail), convert
            for key, item in value.items():
                convert = convert or not isinstance(key, str)
                stack.append((item, depth + 1, (trail, key)))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                return _trail_pointer(trail), convert
            stack.extend((item, depth + 1, (trail, i)) for i, item in enumerate(value))
        elif not isinstance(value, (str, int, float)) and value is not None:
            convert = True
    return None, convert


def _trail_pointer(trail: Any) -> str:
    tokens: list[str] = []
    while trail is not None:
        trail, key = trail
        tokens.append(_json_key(key))
    return join_pointer("", *reversed(tokens))


def _json_safe(value: Any) -> Any:
    """A copy with JSON-only values: YAML dates become ISO strings, keys become strings."""
    if isinstance(value, dict):
        return {_json_key(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _json_key(key: Any) -> str:
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, (datetime.date, datetime.time)):
        return key.isoformat()
    return str(key)


def _soften_crash(found: list[Diagnostic]) -> list[Diagnostic]:
    """A library crash next to real errors is most likely caused by them: say so, as info."""
    crashes = [d for d in found if d.rule == "validator-crashed" and CRASH_TAIL in d.message]
    if not crashes or not any(d.is_error and d.rule != "validator-crashed" for d in found):
        return found
    softened = []
    for d in found:
        if d in crashes:
            message = d.message.replace("crashed", "stopped early").replace(CRASH_TAIL, _AFTER)
            d = dataclasses.replace(d, level=Level.INFO, message=message)
        softened.append(d)
    return softened


def _covered(ours: list[Diagnostic]) -> set[str]:
    """Pointers where one of our rules already explains a meta-schema failure better."""
    covered: set[str] = set()
    for d in ours:
        if d.rule == "path-param-not-required":
            param = d.pointer.removesuffix("/required")
            covered.update({param, param + "/required", param + "/in"})
        elif d.rule in ("duplicate-parameter", "duplicate-tag"):
            covered.add(d.pointer.rsplit("/", 1)[0])
    return covered


def _finish(found: list[Diagnostic]) -> list[Diagnostic]:
    unique: dict[tuple[Any, ...], Diagnostic] = {}
    for d in found:
        unique.setdefault((d.rule, d.level, d.pointer, d.message, d.location), d)
    return sorted(unique.values(), key=lambda d: (*d.sort_key(), d.pointer))
