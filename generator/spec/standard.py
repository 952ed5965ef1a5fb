"""The standard check: openapi-spec-validator's meta-schema and semantic checks, located.

It runs the library in its two phases: the OpenAPI meta-schema (with jsonschema-rs, the
library's own default backend, called directly so failed `oneOf` branches stay available) and
the library's keyword validators (`root_validator`), replayed on the plain document by
`standard_walk.py` (twenty times faster on a large contract), the library itself running
wherever the replay cannot vouch for the same result. Every error becomes a Diagnostic:

* `schema-<keyword>` (the JSON Schema keyword that failed, kebab-case: `schema-type`,
  `schema-required`, `schema-enum`, `schema-additional-properties`,
  `schema-unevaluated-properties`, `schema-one-of`...): the document breaks the OpenAPI
  meta-schema, or a Schema Object breaks its dialect. The pointer is the offending value (an
  unknown key points at the key); a failed `oneOf` is replaced by its best-matching branch.
* `openapi-invalid`: any other library finding; these carry no location (pointer "").
* `too-deep`, `validator-crashed`: the library hit the recursion limit or raised.

Library findings that our rules report with a location are dropped here: duplicate
operationId (`duplicate-operation-id`), unresolved path parameters (`path-param-*`), duplicate
parameters (`duplicate-parameter`), `required` under `allOf` (`required-property-undefined`),
a `default` breaking its schema (`default-mismatch`), duplicate tags (`duplicate-tag`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema_rs
from openapi_spec_validator import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.schemas import schema_v30, schema_v31, schema_v32
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)

from generator.diagnostics import Diagnostic
from generator.spec.catalogue import SCHEMA_PREFIX
from generator.spec.rules.contract import Contract
from generator.spec.rules.schema_errors import (
    Failure,
    Segment,
    describe,
    from_jsonschema,
    kebab,
    leaves,
    split_unexpected,
    to_pointer,
    value_at,
)
from generator.spec.standard_walk import DialectMemo, keyword_errors

_VALIDATORS: dict[str, Any] = {
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}
_META = {"3.0": schema_v30, "3.1": schema_v31, "3.2": schema_v32}
_COVERED = (
    DuplicateOperationIDError,
    ExtraParametersError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)
# Library findings about user schemas arrive without a document path; only this many are
# searched for among the document's schemas, the rest point at the top of the file.
_MAX_LOCATED = 50
CRASH_TAIL = "the contract could not be fully checked"


def check_standard(contract: Contract, memo: DialectMemo | None = None) -> list[Diagnostic]:
    """Run openapi-spec-validator on the contract and locate everything it finds.

    `memo` lets a second run (on the leniently read contract) reuse the first one's checks.
    """
    try:
        found = _without_consequences(list(_meta_phase(contract)))
    except Exception as exc:  # e.g. a value jsonschema-rs cannot read: report, go on
        found = [_crash_diagnostic(contract, exc)]
    found.extend(_keyword_phase(contract, found, memo))
    return found


def _without_consequences(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop 3.1+ "unevaluated" keys of an object that has a real error of its own.

    The 3.1 meta-schema evaluates an object's keys only in the branch that matched; when none
    did (`type: apikey`), every key looks unknown, which only buries the real error.
    """
    others = [d.pointer for d in found if d.rule != "schema-unevaluated-properties"]
    kept = []
    for d in found:
        owner = d.pointer.rsplit("/", 1)[0]
        if d.rule == "schema-unevaluated-properties" and any(
            p == owner or p.startswith(owner + "/") for p in others
        ):
            continue
        kept.append(d)
    return kept


@cache
def _meta_validator(version: str) -> tuple[Any, dict[str, Any]]:
    return jsonschema_rs.validator_cls_for(meta := _meta_schema(version))(meta), meta


def _meta_schema(version: str) -> dict[str, Any]:
    """The library's meta-schema, read as the JSON file it is (the library reads it through a
    YAML loader, ten times slower); through the library when its layout has changed."""
    shipped = files("openapi_spec_validator") / f"resources/schemas/v{version}/schema.json"
    try:
        found = json.loads(shipped.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    return found if isinstance(found, dict) else dict(_META[version])


def _meta_phase(contract: Contract) -> Iterator[Diagnostic]:
    validator, meta = _meta_validator(contract.version)
    for error in validator.iter_errors(contract.root):
        for leaf in leaves(_from_rs(error, contract.root)):
            for failure in split_unexpected(leaf):
                pointer = to_pointer("", contract.root, failure.path)
                message = describe(failure, _allowed_keys(meta, failure.schema_path))
                yield contract.diag(SCHEMA_PREFIX + kebab(failure.keyword), message, pointer)


def _from_rs(error: Any, root: Any) -> Failure:
    kind = error.kind
    path = tuple(error.instance_path)
    data = {k: v for k, v in kind.as_dict().items() if k != "context"}
    detail = next(iter(data.values())) if len(data) == 1 else data
    context = getattr(kind, "context", None) if kind.name in ("oneOf", "anyOf") else None
    branches = tuple(tuple(_from_rs(e, root) for e in branch) for branch in context or ())
    return Failure(
        path=path,
        keyword=str(kind.name),
        instance=value_at(root, path),
        detail=detail,
        text=str(error.message),
        schema_path=tuple(error.schema_path),
        branches=branches,
    )


def _allowed_keys(meta: Mapping[str, Any], schema_path: tuple[Segment, ...]) -> list[str]:
    """Keys the meta-schema object owning a failed `additionalProperties` does allow."""
    node: Any = value_at(meta, schema_path[:-1])
    props = node.get("properties") if isinstance(node, Mapping) else None
    return [k for k in props if isinstance(k, str)] if isinstance(props, Mapping) else []


def _keyword_phase(
    contract: Contract, earlier: list[Diagnostic], memo: DialectMemo | None = None
) -> list[Diagnostic]:
    crash: BaseException | None = None
    errors: list[Any] | None = keyword_errors(contract.root, contract.version, memo)
    if errors is None:  # the replay cannot vouch for the library here: run the library
        errors = []
        try:
            validator = _VALIDATORS[contract.version](contract.root)
            for error in validator.root_validator(validator.schema_path):
                errors.append(error)
        except RecursionError as exc:
            crash = exc
        except Exception as exc:  # the library is not written for broken input: never let it out
            crash = exc
    found: list[Diagnostic] = []
    meta_pointers = [d.pointer for d in earlier]
    candidates = _SchemaFinder(contract)
    for error in errors:
        if isinstance(error, _COVERED) or not isinstance(error, OpenAPIValidationError):
            continue  # reported with a location by our rules (see the module docstring)
        if error.message.startswith("Duplicate tag name"):
            continue
        if not isinstance(error.validator, str):
            message = describe(Failure((), "", None, text=error.message))
            found.append(contract.diag("openapi-invalid", message, ""))
            continue
        for leaf in leaves(from_jsonschema(error)):
            for failure in split_unexpected(leaf):
                pointer = candidates.locate(error.instance, tuple(error.path), failure.path)
                if not (pointer and any(_nested(pointer, p) for p in meta_pointers)):
                    rule = SCHEMA_PREFIX + kebab(failure.keyword)
                    found.append(contract.diag(rule, describe(failure), pointer))
    if crash is not None:
        found.append(_crash_diagnostic(contract, crash))
    return found


def _nested(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _crash_diagnostic(contract: Contract, crash: BaseException) -> Diagnostic:
    if isinstance(crash, RecursionError):
        message = "openapi-spec-validator recursed too deep (a $ref cycle or very deep nesting)"
        return contract.diag("too-deep", message, "")
    message = f"openapi-spec-validator crashed ({type(crash).__name__}); {CRASH_TAIL}"
    return contract.diag("validator-crashed", message, "")


class _SchemaFinder:
    """Finds which Schema Object a library error (whose path is relative to it) is about."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.used: set[str] = set()
        self.searched = 0

    def locate(
        self, instance: Any, error_path: tuple[Segment, ...], path: tuple[Segment, ...]
    ) -> str:
        """Pointer of the value the error is about, or "" when no schema fits."""
        if self.searched >= _MAX_LOCATED:
            return ""
        self.searched += 1
        for node in self.contract.index["schema"]:
            if node.pointer in self.used:
                continue
            value = value_at(node.value, error_path)
            same = (
                value is instance
                if isinstance(instance, (dict, list))
                else (type(value) is type(instance) and value == instance)
            )
            if same and (error_path or node.value is instance):
                self.used.add(node.pointer)
                return to_pointer(node.pointer, node.value, path)
        return ""
