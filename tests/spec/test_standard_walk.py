"""The keyword phase replayed on plain data gives exactly the library's findings, or steps aside.

Each case runs the standard check twice: with the replay (`standard_walk.keyword_errors`) and
with openapi-spec-validator's own `root_validator` (the replay switched off), and the two lists
of diagnostics must be equal. Well-formed cases also assert that the replay did the work.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS30Validator, oas31_format_checker

from generator.diagnostics import Diagnostic
from generator.spec import standard, standard_walk
from generator.spec.dialect_check import dialect_check
from generator.spec.load import load_spec
from generator.spec.rules.contract import Contract
from generator.spec.validate import _inspect, _json_safe, detect_version
from tests.spec.helpers import doc, spec_from_yaml

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _both(contract: Contract, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    replayed = standard.check_standard(contract)
    with monkeypatch.context() as patch:
        patch.setattr(standard, "keyword_errors", lambda root, version, memo=None: None)
        library = standard.check_standard(contract)
    return replayed, library


def _contract(text: str, version: str = "3.0.3") -> Contract:
    spec = spec_from_yaml(doc(text, version))
    minor, _ = detect_version(spec)
    assert minor is not None
    return Contract(spec, minor)


# (name, contract body, OpenAPI version, whether the replay handles it)
CASES = [
    (
        "a schema breaking its dialect, deep down",
        """\
        paths: {}
        components:
          schemas:
            A: {type: object, properties: {x: {type: array, items: {maxLength: ten}}}}
        """,
        "3.1.0",
        True,
    ),
    (
        "a schema reached through a $ref that is not an object",
        """\
        paths:
          /a:
            get:
              responses:
                "200":
                  description: ok
                  content: {application/json: {schema: {$ref: "#/components/schemas/N"}}}
        components:
          schemas:
            N: 5
        """,
        "3.0.3",
        True,
    ),
    (
        "true and false schemas in 3.0 and their reuse",
        """\
        paths: {}
        components:
          schemas:
            T: true
            U: true
            A: {type: object, properties: {x: true, y: {$ref: "#/components/schemas/T"}}}
        """,
        "3.0.3",
        True,
    ),
    (
        "true schemas in 3.1",
        """\
        paths: {}
        components:
          schemas:
            T: true
            A: {type: object, properties: {x: false}}
        """,
        "3.1.0",
        True,
    ),
    (
        "a pattern Python's re cannot compile, and one only Python's can",
        """\
        paths: {}
        components:
          schemas:
            A: {type: string, pattern: "(?<n>x)"}
            B: {type: string, pattern: "(?P<n>x)"}
        """,
        "3.0.3",
        True,
    ),
    (
        "allOf with required properties, defaults good and bad, nullable null",
        """\
        paths:
          /a:
            parameters:
              - {name: q, in: query, schema: {type: integer, default: ten}}
            get:
              parameters:
                - {name: r, in: query, schema: {type: string, nullable: true, default: null}}
              responses: {"200": {description: ok}}
        components:
          schemas:
            B: {type: object, properties: {b: {type: string}}}
            A:
              allOf: [{$ref: "#/components/schemas/B"}, {type: object, properties: {a: {}}}]
              required: [a, b, c]
              default: {a: 1}
        """,
        "3.0.3",
        True,
    ),
    (
        "duplicate tags and operation ids (the library's findings are dropped)",
        """\
        tags: [{name: a}, {name: a}]
        paths:
          /a/{id}:
            get: {operationId: x, responses: {"200": {description: ok}}}
            put: {operationId: x, responses: {"200": {description: ok}}}
        """,
        "3.0.3",
        True,
    ),
    (
        "the default dialect named explicitly",
        """\
        jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
        paths: {}
        components: {schemas: {A: {type: strin}}}
        """,
        "3.1.0",
        True,
    ),
    (
        "an unbalanced brace in a path template",
        """\
        paths:
          /a}:
            get: {responses: {"200": {description: ok}}}
        """,
        "3.0.3",
        False,
    ),
    (
        "a parameter without a name",
        """\
        paths:
          /a:
            get:
              parameters: [{in: query, schema: {type: string}}]
              responses: {"200": {description: ok}}
        """,
        "3.0.3",
        False,
    ),
    (
        "a schema whose allOf is not a list",
        """\
        paths: {}
        components:
          schemas:
            A: {allOf: {x: {type: string}}}
            B: {properties: {b: {$ref: "#/components/schemas/A"}}}
        """,
        "3.0.3",
        False,
    ),
    (
        "an allOf cycle the library's property collection never leaves",
        """\
        paths: {}
        components:
          schemas:
            A: {allOf: [{$ref: "#/components/schemas/B"}]}
            B: {allOf: [{$ref: "#/components/schemas/A"}]}
        """,
        "3.0.3",
        False,
    ),
    (
        "another JSON Schema dialect",
        """\
        jsonSchemaDialect: https://json-schema.org/draft/2020-12/schema
        paths: {}
        components: {schemas: {A: {type: string}}}
        """,
        "3.1.0",
        False,
    ),
]


@pytest.mark.parametrize(("name", "body", "version", "replayed"), CASES, ids=[c[0] for c in CASES])
def test_the_replay_finds_what_the_library_finds(
    name: str, body: str, version: str, replayed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = _contract(body, version)
    handled = standard_walk.keyword_errors(contract.root, contract.version) is not None
    assert handled is replayed
    ours, library = _both(contract, monkeypatch)
    assert ours == library


def test_a_finding_of_the_replay_reads_as_the_library_wrote_it() -> None:
    contract = _contract(CASES[0][1], "3.1.0")
    found = standard.check_standard(contract)
    pointer = "/components/schemas/A/properties/x/items/maxLength"
    assert [(d.rule, d.pointer, d.message) for d in found] == [
        ("schema-type", pointer, "'ten' is not of type 'integer'")
    ]


def test_deep_nesting_is_left_to_the_library() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(standard_walk.MAX_NESTING):
        schema = {"type": "array", "items": schema}
    root = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    root["components"] = {"schemas": {"Deep": schema}}
    assert standard_walk.keyword_errors(root, "3.1") is None


# --- the dialect check: jsonschema-rs screens, the library decides --------------------------

SCHEMAS: list[Any] = [
    {"type": "string"},
    {"maxLength": 1.0},
    {"maxLength": "ten"},
    {"required": ["a", "a"]},
    {"required": []},
    {"enum": [1, True]},
    {"enum": [1, 1.0]},
    {"enum": []},
    {"maximum": 2**70},
    {"pattern": "\\p{L}"},
    {"pattern": "(?<n>x)"},
    {"pattern": "(?P<n>x)"},
    {"type": "strin"},
    {"type": ["string", "string"]},
    {"items": []},
    {"allOf": []},
    {"exclusiveMinimum": True},
    {"multipleOf": 0},
    {"properties": {"a": {"maxLength": -1}}},
    {"patternProperties": {"\\p{L}": {}}},
    {"propertyNames": {"pattern": "(?<n>x)"}},
    {"discriminator": {"propertyName": 5}},
    {"externalDocs": {}},
    {"$anchor": "1bad"},
    {"$id": "not a uri ::"},
    {"nullable": True},
    {"x-anything": {"pattern": "(?<n>x)"}},
    True,
    False,
]


def _library_check(version: str, schema: Any) -> str | None:
    try:
        if version == "3.0":
            OAS30Validator.check_schema(schema)
        else:
            cls = validator_for({"$schema": OAS31_BASE_DIALECT_ID}, default=None)
            cls.check_schema(schema, format_checker=oas31_format_checker)
    except SchemaError as error:
        return str(error.message)
    return None


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_the_screened_dialect_check_agrees_with_the_library(version: str) -> None:
    check = dialect_check(version)
    for schema in SCHEMAS:
        error = check(schema)
        assert (None if error is None else error.message) == _library_check(version, schema), schema


# --- the corpus -------------------------------------------------------------------------------


def _corpus() -> list[Path]:
    folders = [CORPUS / "oai-examples", CORPUS / "real-world"]
    return sorted(p for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file())


@pytest.mark.skipif(not _corpus(), reason="no corpus at /work/shared/corpus")
def test_the_replay_equals_the_library_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    replayed = 0
    for path in _corpus():
        spec = load_spec(path).spec
        version = detect_version(spec)[0] if spec is not None else None
        if spec is None or version is None or _inspect(spec.root)[0] is not None:
            continue
        spec = dataclasses.replace(spec, root=_json_safe(spec.root))
        contract = Contract(spec, version)
        replayed += standard_walk.keyword_errors(contract.root, version) is not None
        ours, library = _both(contract, monkeypatch)
        assert _key(ours) == _key(library), path
    assert replayed >= 40  # all but the 3.2 tag hierarchy example


def _key(found: list[Diagnostic]) -> list[tuple[str, str, str]]:
    return [(d.rule, d.pointer, d.message) for d in found]


def test_a_second_walk_reuses_the_first_ones_dialect_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contract = _contract(CASES[0][1], "3.1.0")
    memo: standard_walk.DialectMemo = {}
    first = standard_walk.keyword_errors(contract.root, "3.1", memo)

    def no_check(version: str) -> Any:
        def fail(value: Any) -> Any:
            raise AssertionError("checked again")

        return fail

    monkeypatch.setattr(standard_walk, "dialect_check", no_check)
    served = dict(contract.root)  # as a lenient reading shares what it did not change
    again = standard_walk.keyword_errors(served, "3.1", memo)
    assert first is not None and again is not None
    assert [str(e) for e in again] == [str(e) for e in first] != []
    assert standard_walk.keyword_errors(served, "3.1") is None  # no memo: the check ran
