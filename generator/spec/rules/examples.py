"""Example and default rules: values written in the contract must match their schema.

Checked with openapi-schema-validator (the dialect of each OpenAPI version, so 3.0 `nullable`
is honoured) and the bundled document as the one resource `$ref`s resolve in. jsonschema-rs
screens all values first, in one batch (one compiled schema, so shared components compile
once), reading a 3.0 `nullable: true` as a `type` that lists null: only what it rejects is
re-checked, and explained, by openapi-schema-validator. The price: a value only an
OpenAPI format would reject (`int32` range, `byte`) passes the screen unreported. A schema
that cannot be compiled or resolved is skipped: the standard check reports why.

* `example-mismatch` (warning): `example` / `examples[*].value` of a media type, parameter or
  header against its `schema`; a schema's own `example` (3.0) or `examples` (3.1+).
* `default-mismatch` (error, as openapi-spec-validator has it): a schema's `default`.

Every violation of a value is a finding of its own, located at the offending part and naming
its path inside the value, up to `MAX_PER_VALUE` per value (the last one says how many more).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import jsonschema_rs
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    OAS32Validator,
    oas30_format_checker,
    oas31_format_checker,
    oas32_format_checker,
)
from referencing import Registry, Resource

from generator.diagnostics import Diagnostic
from generator.spec.pointers import copy_path, join_pointer, ref_pointer, resolve_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.schema_errors import (
    describe,
    from_jsonschema,
    leaves,
    split_unexpected,
    to_pointer,
)
from generator.spec.rules.walk import Node

_URI = "urn:specfirst:contract"
# (draft, validator class, keyword validating a list position by position)
_DRAFTS: dict[str, tuple[Any, Any, str]] = {
    "3.0": (jsonschema_rs.Draft4, jsonschema_rs.Draft4Validator, "items"),
    "3.1": (jsonschema_rs.Draft202012, jsonschema_rs.Draft202012Validator, "prefixItems"),
    "3.2": (jsonschema_rs.Draft202012, jsonschema_rs.Draft202012Validator, "prefixItems"),
}
_DIALECTS: dict[str, tuple[Any, Any]] = {
    "3.0": (OAS30Validator, oas30_format_checker),
    "3.1": (OAS31Validator, oas31_format_checker),
    "3.2": (OAS32Validator, oas32_format_checker),
}
# Bounds the work on huge contracts; each check is one value against one schema.
MAX_CHECKS = 20_000
# Findings per example or default: enough to fix a value in one go, few enough to read.
MAX_PER_VALUE = 5
# Validation errors looked at per value (a long wrong list could give thousands).
_MAX_ERRORS = 200

# (pointer of the schema, pointer of the value, the value, pointer of the referencing site)
Check = tuple[str, str, Any, str | None]


def check_examples(contract: Contract) -> list[Diagnostic]:
    """Examples and defaults that break their schema."""
    checks = list(itertools.islice(_values(contract), MAX_CHECKS))
    checker = _Checker(contract)
    found: list[Diagnostic] = []
    for index in _suspects(contract, checks):
        rule, (schema_ptr, value_ptr, value, site) = checks[index]
        failures = [
            f
            for f in checker.failures(schema_ptr, value)
            if not _one_way_required(contract.root, schema_ptr, f)
        ]
        what = "default" if rule == "default-mismatch" else "example"
        for n, failure in enumerate(failures[:MAX_PER_VALUE]):
            pointer = to_pointer(value_ptr, value, failure.path)
            inner = to_pointer("", value, failure.path)
            message = f"{what} does not match its schema{_at(inner)}: {describe(failure)}"
            if n == MAX_PER_VALUE - 1 and len(failures) > MAX_PER_VALUE:
                message += f" (and {len(failures) - n - 1} more in this {what})"
            found.append(contract.diag(rule, message, pointer, (site,) if site else ()))
    return found


def _at(inner: str) -> str:
    """Where in the value a failure is, given the JSON pointer inside it (nothing for the top).

    >>> _at("/1/id"), _at("")
    (' at /1/id', '')
    """
    return f" at {inner}" if inner else ""


def _suspects(contract: Contract, checks: list[tuple[str, Check]]) -> list[int]:
    """Indexes of the checks jsonschema-rs rejects; all of them when it cannot screen."""
    if not checks:
        return []
    draft, screen_cls, positional = _DRAFTS[contract.version]
    refs = [{"$ref": _ref(schema_ptr)} for _, (schema_ptr, *_rest) in checks]
    try:
        registry = jsonschema_rs.Registry([(_URI, _screened(contract))], draft=draft)
        screen = screen_cls({positional: refs}, registry=registry, validate_formats=True)
        values = [value for _, (_s, _v, value, _site) in checks]
        failed = {e.instance_path[0] for e in screen.iter_errors(values) if e.instance_path}
    except Exception:  # a schema rs cannot compile: check every value the exact way
        return list(range(len(checks)))
    return sorted(i for i in failed if isinstance(i, int))


def _screened(c: Contract) -> Any:
    """The document as the screen reads it: in 3.0, `nullable: true` beside a `type` becomes
    `type: [<type>, "null"]`, which is what openapi-schema-validator's `type` check means
    (OAS 3.0.3: nullable "allows sending a null value"), so nullable values are no longer
    rechecked one by one. Only the changed schemas and the containers above them are copied.
    """
    nullable = [
        node
        for node in c.index["schema"]
        if node.value.get("nullable") is True and isinstance(node.value.get("type"), str)
    ]
    if c.version != "3.0" or not nullable:
        return c.root
    root = dict(c.root)
    copied = {id(root)}
    for node in nullable:
        schema = copy_path(root, node.pointer, copied)
        if isinstance(schema, dict):
            schema["type"] = [node.value["type"], "null"]
    return root


def _ref(schema_ptr: str) -> str:
    return f"{_URI}#{quote(schema_ptr, safe='/~')}"


def _values(c: Contract) -> Iterator[tuple[str, Check]]:
    seen: set[tuple[str, str]] = set()
    for node in [*c.index["mediatype"], *c.index["parameter"]]:
        if not isinstance(node.value.get("schema"), (dict, bool)):
            continue
        schema_ptr = join_pointer(node.pointer, "schema")
        for check in _examples_of(c, node, schema_ptr):
            if (check[0], check[1]) not in seen:
                seen.add((check[0], check[1]))
                yield "example-mismatch", check
    for node in c.index["schema"]:
        schema = node.value
        if "example" in schema:
            yield (
                "example-mismatch",
                (node.pointer, join_pointer(node.pointer, "example"), schema["example"], None),
            )
        if c.version != "3.0" and isinstance(schema.get("examples"), list):
            for i, value in enumerate(schema["examples"]):
                yield (
                    "example-mismatch",
                    (node.pointer, join_pointer(node.pointer, "examples", i), value, None),
                )
        if "default" in schema and not (
            schema["default"] is None and schema.get("nullable") is True
        ):
            yield (
                "default-mismatch",
                (node.pointer, join_pointer(node.pointer, "default"), schema["default"], None),
            )


def _examples_of(c: Contract, node: Node, schema_ptr: str) -> Iterator[Check]:
    if "example" in node.value:
        yield schema_ptr, join_pointer(node.pointer, "example"), node.value["example"], None
    examples = node.value.get("examples")
    if not isinstance(examples, dict):
        return
    for name, raw in examples.items():
        site = join_pointer(node.pointer, "examples", str(name))
        target = c.deref(Node(site, raw))
        if isinstance(target.value, dict) and "value" in target.value:
            elsewhere = site if target.pointer != site else None
            yield (
                schema_ptr,
                join_pointer(target.pointer, "value"),
                target.value["value"],
                elsewhere,
            )


class _Checker:
    """Validates values against schemas of the contract, compiling each schema once."""

    def __init__(self, contract: Contract) -> None:
        self.cls, self.formats = _DIALECTS[contract.version]
        self.registry: Registry[Any] = Registry().with_resource(
            _URI, Resource.opaque(contract.root)
        )
        self.validators: dict[str, Any] = {}

    def failures(self, schema_ptr: str, value: Any) -> list[Any]:
        """Every failure of `value` against the schema at `schema_ptr`, each at its own place."""
        try:
            validator = self.validators.get(schema_ptr)
            if validator is None:
                ref = {"$ref": _ref(schema_ptr)}
                validator = self.cls(ref, registry=self.registry, format_checker=self.formats)
                self.validators[schema_ptr] = validator
            errors = list(itertools.islice(validator.iter_errors(value), _MAX_ERRORS))
        except Exception:  # an unresolvable or uncompilable schema: the standard check says why
            return []
        found: dict[tuple[Any, ...], Any] = {}
        for error in errors:
            for leaf in leaves(from_jsonschema(error)):
                for failure in split_unexpected(leaf):
                    key = (failure.path, failure.keyword, repr(failure.detail))
                    found.setdefault(key, failure)
        return list(found.values())


def _one_way_required(root: Any, schema_ptr: str, failure: Any) -> bool:
    """A missing property that is readOnly or writeOnly: required in one direction only.

    OpenAPI lets a request omit readOnly properties and a response omit writeOnly ones, so an
    example shared by both directions may lack them; the direction of an example is not
    always known, so such a miss is not reported.
    """
    if failure.keyword != "required" or not isinstance(failure.detail, str):
        return False
    seen: set[str] = set()
    stack = [schema_ptr]
    while stack and len(seen) < 200:
        pointer = stack.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        node = resolve_pointer(root, pointer)
        if not isinstance(node, dict):
            continue
        prop = (node.get("properties") or {}).get(failure.detail)
        if isinstance(prop, dict) and (
            prop.get("readOnly") is True or prop.get("writeOnly") is True
        ):
            return True
        if (target := ref_pointer(node.get("$ref"))) is not None:
            stack.append(target)
        for key in ("allOf", "oneOf", "anyOf"):
            for index, _ in enumerate(node.get(key) or []):
                stack.append(join_pointer(pointer, key, index))
        if isinstance(prop, dict) and (target := ref_pointer(prop.get("$ref"))) is not None:
            stack.append(target)
    return False
