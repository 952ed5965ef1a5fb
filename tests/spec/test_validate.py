"""validate_spec: versions, the located standard check, robustness, fixtures and the corpus."""

from __future__ import annotations

import copy
import datetime
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.diagnostics import Level
from generator.spec import standard
from generator.spec import validate as validate_module
from generator.spec.catalogue import RULES, rule_of
from generator.spec.load import load_spec
from generator.spec.pointers import join_pointer, split_pointer
from generator.spec.readings import READERS, Edit
from generator.spec.rules import FAMILIES, READ_LENIENTLY, in_family_order, run_families
from generator.spec.rules.contract import Contract
from generator.spec.validate import MAX_DEPTH, check_spec, detect_version, validate_spec
from tests.spec.helpers import (
    doc,
    load_file,
    rules,
    spec_from_data,
    spec_from_yaml,
    summary,
    validate_yaml,
)

BROKEN = Path(__file__).parents[1] / "data" / "broken"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

VALID = """\
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: One item.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "400": {description: Bad request.}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer, example: 1}
"""


# --- versions -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0", "3.1.1", "3.2.0"])
def test_valid_contract_of_each_version_is_clean(version: str) -> None:
    assert validate_yaml(doc(VALID, version)) == []


def test_swagger_1_is_refused_alone_with_how_to_convert() -> None:
    found = validate_yaml("swagger: '1.2'\ninfo: {title: t}\npaths: {/a: 7}\n")
    assert summary(found) == [("swagger-unsupported", "error", "/swagger", 1)]
    assert "only Swagger 2.0 is converted" in found[0].message
    assert found[0].message.startswith("Swagger 1.2 is not supported")


def test_not_openapi() -> None:
    assert rules(validate_yaml("name: x\n")) == ["not-openapi"]
    assert rules(validate_spec(spec_from_data([1, 2]))) == ["not-openapi"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'4.0.0'", "OpenAPI 4.0.0 is not supported (supported: 3.0.x, 3.1.x, 3.2.x)"),
        ("'3.9.1'", "OpenAPI 3.9.1 is not supported (supported: 3.0.x, 3.1.x, 3.2.x)"),
        ("3.0", '"openapi" must be a version string such as "3.1.0", not 3.0 (quote it in YAML)'),
    ],
)
def test_unsupported_versions(value: str, message: str) -> None:
    found = validate_yaml(f"openapi: {value}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n")
    assert summary(found) == [("unsupported-version", "error", "/openapi", 1)]
    assert found[0].message == message


def test_openapi_3_2_is_validated_by_the_library() -> None:
    # 3.2 has its own meta-schema in openapi-spec-validator 0.9: `query` is a method there
    found = validate_yaml(
        doc(
            """\
            paths:
              /search:
                query:
                  operationId: search
                  responses: {"200": {description: ok}, "400": {description: bad}}
                bogus: 1
            """,
            "3.2.0",
        )
    )
    assert summary(found) == [
        ("schema-unevaluated-properties", "error", "/paths/~1search/bogus", 10)
    ]


# --- the standard check -----------------------------------------------------------------------


DEEP = """\
paths: {}
components:
  schemas:
    Order:
      type: object
      properties:
        customer:
          type: object
          properties:
            lines:
              type: array
              items:
                type: string
                maxLength: ten
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_wrong_type_deep_in_a_schema_points_at_the_value(version: str) -> None:
    # 3.0: the meta-schema's oneOf is dug into; 3.1: the library's dialect check is located
    found = validate_yaml(doc(DEEP, version))
    pointer = "/components/schemas/Order/properties/customer/properties/lines/items/maxLength"
    assert summary(found) == [("schema-type", "error", pointer, 18)]
    assert found[0].message == "'ten' is not of type 'integer'"


def test_unknown_keys_point_at_the_key_and_suggest_a_fix() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get:
                  operationId: getA
                  reponses: {}
                  responses:
                    "600": {description: x}
                    "200": {}
            """
        )
    )
    assert summary(found) == [
        ("schema-additional-properties", "error", "/paths/~1a/get/reponses", 9),
        ("schema-additional-properties", "error", "/paths/~1a/get/responses/600", 11),
        ("schema-required", "error", "/paths/~1a/get/responses/200", 12),
    ]
    assert found[0].message == "unknown key 'reponses' (did you mean 'responses'?)"
    assert found[2].message == "'description' is a required property"


def test_one_of_picks_the_branch_matching_the_shape() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /a:
                get:
                  operationId: getA
                  parameters:
                    - {name: q, in: query, style: bogus, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert summary(found) == [("schema-enum", "error", "/paths/~1a/get/parameters/0/style", 10)]
    assert found[0].message.startswith("'bogus' is not one of 'form', 'spaceDelimited'")


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_branch_errors_are_dug_out_of_one_of(version: str) -> None:
    found = validate_yaml(
        doc(
            """\
            paths: {}
            components:
              schemas:
                A: {type: object, properties: {x: {type: strin}}}
              securitySchemes:
                key: {type: apikey, in: header, name: X}
                oauth: {type: oauth2}
            """,
            version,
        )
    )
    assert summary(found) == [
        ("schema-enum", "error", "/components/schemas/A/properties/x/type", 8),
        ("schema-enum", "error", "/components/securitySchemes/key/type", 10),
        ("schema-required", "error", "/components/securitySchemes/oauth", 11),
    ]
    assert found[0].message.startswith("'strin' is not one of 'array', 'boolean'")
    assert found[1].message.startswith("'apikey' is not one of 'apiKey'")
    assert found[2].message == "'flows' is a required property"


def test_library_findings_without_location_are_not_duplicated() -> None:
    # duplicate operationId, path params and duplicate params: the library reports them with
    # no location; only our located versions remain
    found = validate_yaml(
        doc(
            """\
            paths:
              /a/{id}:
                get:
                  operationId: same
                  parameters:
                    - {name: q, in: query, schema: {type: string}}
                    - {name: q, in: query, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /b:
                get:
                  operationId: same
                  parameters:
                    - {name: x, in: path, required: true, schema: {type: string}}
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    assert rules(found) == [
        "path-param-undeclared",
        "duplicate-parameter",
        "duplicate-operation-id",
        "path-param-unused",
    ]
    assert all(d.pointer for d in found)


def test_library_crash_becomes_one_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    class Boom:
        def __init__(self, root: Any) -> None:
            raise ZeroDivisionError

    monkeypatch.setitem(standard._VALIDATORS, "3.0", Boom)
    monkeypatch.setattr(
        standard, "keyword_errors", lambda root, version, memo=None: None
    )  # the library runs
    found = validate_yaml(doc(VALID))
    assert summary(found) == [("validator-crashed", "error", "", 1)]
    assert "ZeroDivisionError" in found[0].message
    assert "Traceback" not in found[0].message


def _counting_standard_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = validate_module.check_standard

    def counted(contract: Any, memo: Any = None) -> Any:
        calls.append(1)
        return real(contract, memo)

    monkeypatch.setattr(validate_module, "check_standard", counted)
    return calls


def test_our_readings_are_told_early_and_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only our rules read leniently: `early` hears the final edits before the standard check
    runs, and that check runs once (nothing failed it, so nothing can hide behind a failure)."""
    calls = _counting_standard_checks(monkeypatch)
    told: list[tuple[list[Edit], int]] = []
    spec = spec_from_yaml((BROKEN / "required-property-undefined.yaml").read_text())
    validated = check_spec(spec, lambda edits: told.append((edits, len(calls))))
    assert validated.edits and told == [(list(validated.edits), 0)]
    assert validated.served.root["components"]["schemas"]["User"]["properties"]["emial"] == {}
    assert calls == [1]


def test_readings_of_the_standard_check_are_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A meta-schema failure read leniently can hide a second one: the read contract is checked
    again, and `early` (our rules' readings only) is told less than the final edits."""
    calls = _counting_standard_checks(monkeypatch)
    told: list[list[Edit]] = []
    spec = spec_from_yaml(
        doc(VALID).replace("{type: integer, example: 1}", "{type: integer, required: true}")
    )
    validated = check_spec(spec, told.append)
    assert [d.rule for d in validated.diagnostics] == ["schema-type"]
    assert told == [[]] and len(validated.edits) == 1 and len(calls) == 2


def test_only_the_families_run_first_report_what_is_read_leniently() -> None:
    """The worker is told the readings of `READ_LENIENTLY`'s findings: no other family reports
    a rule with a reading (else the worker would model the contract read differently and be
    stopped), and those families find each fixture's wart."""
    fixtures = sorted(BROKEN.glob("*.yaml"))
    assert {f.stem for f in fixtures} >= set(READERS)
    for fixture in fixtures:
        loaded = load_spec(fixture)  # the real loader: it refuses alias bombs and cycles
        version = detect_version(loaded.spec)[0] if loaded.spec is not None else None
        if loaded.spec is None or version is None:
            continue
        contract = Contract(loaded.spec, version)
        first = rules(in_family_order(run_families(contract, READ_LENIENTLY)))
        rest = rules(in_family_order(run_families(contract, exclude=READ_LENIENTLY)))
        assert not set(rest) & set(READERS), fixture.name
        if fixture.stem in READERS:
            assert fixture.stem in first


def test_a_crashing_rule_family_does_not_hide_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(contract: Any) -> Any:
        raise KeyError("bug")

    families = tuple((name, broken if name == "security" else f) for name, f in FAMILIES)
    monkeypatch.setattr("generator.spec.rules.FAMILIES", families)
    found = validate_yaml(doc(VALID.replace("      operationId: getItem\n", "")))
    assert sorted(rules(found)) == ["missing-operation-id", "validator-crashed"]
    crash = next(d for d in found if d.rule == "validator-crashed")
    assert crash.message == "the security rules crashed (KeyError); please report this bug"


# --- robustness -------------------------------------------------------------------------------


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"x": schema}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Deep": schema}},
    }


def test_300_deep_nesting_is_too_deep_not_a_crash() -> None:
    found = validate_spec(spec_from_data(_nested(300)))
    assert rules(found) == ["too-deep"]
    assert found[0].pointer.startswith("/components/schemas/Deep/properties/x/")
    assert found[0].pointer.count("/") == MAX_DEPTH


def test_nesting_within_the_limit_is_validated() -> None:
    assert validate_spec(spec_from_data(_nested(45))) == []


def test_pure_ref_cycle_does_not_raise() -> None:
    root = yaml.safe_load(doc(VALID))
    root["components"]["schemas"] = {
        "Item": {"$ref": "#/components/schemas/Other"},
        "Other": {"$ref": "#/components/schemas/Item"},
    }
    found = validate_spec(spec_from_data(root))
    assert rules([d for d in found if d.is_error]) == ["too-deep"]


def test_yaml_dates_and_integer_keys_are_read_as_json() -> None:
    root = yaml.safe_load(doc(VALID))
    root["info"]["version"] = datetime.date(2024, 1, 2)
    responses = root["paths"]["/items/{id}"]["get"]["responses"]
    responses[200] = responses.pop("200")
    assert validate_spec(spec_from_data(root)) == []


def _pointers(node: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _pointers(value, join_pointer(pointer, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _pointers(value, join_pointer(pointer, i))
    return found


def _replace(root: Any, pointer: str, value: Any) -> None:
    *parents, last = split_pointer(pointer)
    node = root
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


RICH = """\
openapi: 3.0.3
info:
  title: Rich
  version: "1.0"
security:
  - oauth: [items:read]
tags:
  - name: items
paths:
  /items/{id}:
    parameters:
      - $ref: "#/components/parameters/Id"
    get:
      operationId: getItem
      tags: [items]
      parameters:
        - name: verbose
          in: query
          schema: {type: boolean, default: false}
          example: true
      responses:
        "200":
          description: One item.
          headers:
            X-Rate:
              schema: {type: integer}
              example: 3
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Item"
              examples:
                one:
                  $ref: "#/components/examples/One"
    post:
      operationId: postItem
      security:
        - oauth: [items:write]
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - $ref: "#/components/schemas/Item"
                - type: object
                  required: [extra]
                  properties:
                    extra: {type: string}
      responses:
        "201":
          description: Created.
      callbacks:
        done:
          "{$request.body#/url}":
            post:
              operationId: itemDone
              responses:
                "200": {description: ok}
components:
  parameters:
    Id:
      name: id
      in: path
      required: true
      schema: {type: string}
  examples:
    One:
      value: {id: 1, name: Pen}
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer, example: 1}
        name: {type: string, nullable: true}
        tags:
          type: array
          items: {type: string}
      additionalProperties: false
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://a.example/token
          scopes:
            items:read: r
            items:write: w
"""


@pytest.mark.parametrize("source", ["valid", "rich"])
def test_wrong_types_anywhere_never_raise(source: str) -> None:
    # a small contract with every kind of object; each node in turn gets a wrong type
    base = yaml.safe_load(doc(VALID) if source == "valid" else RICH)
    for pointer in _pointers(base)[1:]:
        values: list[Any] = ["x", 7, [], {}, None]
        for value in values:
            root = copy.deepcopy(base)
            _replace(root, pointer, value)
            found = validate_spec(spec_from_data(root))
            for d in found:
                assert len(d.message) < 300
                assert "rules crashed" not in d.message, (pointer, value, d)


def test_findings_are_sorted_by_location_and_deduplicated() -> None:
    found = validate_yaml(
        doc(
            """\
            paths:
              /b/{id}:
                get:
                  responses: {"200": {description: ok}, "400": {description: bad}}
              /a:
                get:
                  responses: {"200": {description: ok}, "400": {description: bad}}
            """
        )
    )
    lines = [d.location.line for d in found if d.location]
    assert lines == sorted(lines)
    assert len({(d.rule, d.pointer, d.message) for d in found}) == len(found)


# --- broken fixtures --------------------------------------------------------------------------

# fixture (named after its rule) -> the one finding it must produce: (level, pointer, line)
FIXTURES = {
    "pagination-marker": ("warning", "/paths/~1items/get/x-specfirst-pagination", 9),
    "duplicate-operation-id": ("warning", "/paths/~1items~1{id}/get/operationId", 14),
    "path-param-undeclared": ("error", "/paths/~1users~1{id}/get", 7),
    "path-param-unused": ("error", "/paths/~1users/get/parameters/0", 10),
    "path-param-not-required": ("error", "/paths/~1users~1{id}/get/parameters/0/required", 12),
    "ambiguous-path": ("warning", "/paths/~1users~1{name}", 20),
    "undefined-security-scheme": ("error", "/paths/~1items/get/security/0/bearer", 12),
    "undeclared-scope": ("error", "/paths/~1items/post/security/0/oauth/1", 12),
    "missing-operation-id": ("warning", "/paths/~1users~1{id}/get", 7),
    "example-mismatch": (
        "warning",
        "/paths/~1items/get/responses/200/content/application~1json/example/1/id",
        21,
    ),
    "name-collision": ("warning", "/components/schemas/User/properties/user_id", 23),
    "unsupported-feature": (
        "error",
        "/paths/~1files~1{name}/put/requestBody/content/multipart~1mixed",
        18,
    ),
    "swagger-unsupported": ("error", "/swagger", 1),
    "not-openapi": ("error", "", 1),
    "wrong-type-deep": (
        "error",
        "/components/schemas/Order/properties/customer/properties/address/properties/lines"
        "/items/maxLength",
        31,
    ),
    "required-property-undefined": ("warning", "/components/schemas/User/required/1", 22),
    "duplicate-parameter": ("error", "/paths/~1items/get/parameters/1", 14),
    "default-mismatch": ("warning", "/paths/~1items/get/parameters/0/schema/default", 14),
    "duplicate-tag": ("error", "/tags/1", 8),
    "not-generated": (
        "notice",
        "/paths/~1subscriptions/post/callbacks/onEvent/{$request.body#~1url}/post",
        15,
    ),
    "callback-expression": (
        "warning",
        "/paths/~1subscriptions/post/callbacks/onEvent/{$request.cookie.url}",
        14,
    ),
    "unsupported-version": ("error", "/openapi", 1),
    "api-key-parameter": ("warning", "/paths/~1boards/get/parameters/0", 12),
    "unverifiable-security-scheme": ("warning", "/components/securitySchemes/digest/scheme", 20),
    "undocumented-validation-status": ("warning", "/paths/~1items/get/responses", 15),
    "undocumented-auth-status": ("warning", "/paths/~1items/get/responses", 11),
    "undocumented-forbidden-status": ("warning", "/paths/~1items/delete/responses", 11),
    "ambiguous-one-of": ("warning", "/components/schemas/Pet/oneOf/1", 23),
    "nullable-not-in-3-1": (
        "warning",
        "/components/schemas/User/properties/nickname/nullable",
        26,
    ),
    "discriminator-mapping-unresolved": (
        "error",
        "/components/schemas/Pet/discriminator/mapping/dog",
        28,
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_broken_fixture_shows_only_its_problem(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    found = validate_spec(spec_from_yaml(path.read_text(encoding="utf-8"), path.name))
    rule = "schema-type" if name == "wrong-type-deep" else RULES[name].id
    assert summary(found) == [(rule, *FIXTURES[name])]


def test_every_fixture_is_named_after_a_catalogued_rule() -> None:
    # wrong-type-deep shows `schema-type` deep down; every other fixture is named by its rule
    assert {"wrong-type-deep", *RULES} >= set(FIXTURES)
    for name, (level, _, _) in FIXTURES.items():
        rule = rule_of("schema-type" if name == "wrong-type-deep" else name)
        assert Level(level) in rule.levels, name


# --- the corpus and speed ---------------------------------------------------------------------


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})


@pytest.mark.skipif(not _corpus(), reason="no corpus at /work/shared/corpus")
def test_corpus_never_raises() -> None:
    tally: Counter[str] = Counter()
    for path in _corpus():
        try:
            root = load_file(path)
        except (ValueError, yaml.YAMLError):  # not ours to judge here: the loader's tests are
            tally["unreadable"] += 1
            print(f"unreadable {path.relative_to(CORPUS)}")
            continue
        if not isinstance(root, dict) or not str(root.get("openapi", "")).startswith("3."):
            continue
        found = validate_spec(spec_from_data(root, str(path)))
        assert not [d for d in found if "rules crashed" in d.message], path
        verdict = "fail" if any(d.level is Level.ERROR for d in found) else "pass"
        tally[verdict] += 1
        print(f"{verdict} {path.relative_to(CORPUS)}: {dict(Counter(d.rule for d in found))}")
    print(f"corpus: {tally['pass']} pass, {tally['fail']} fail, {tally['unreadable']} unreadable")
    assert tally["pass"] + tally["fail"] > 0


@pytest.mark.skipif(os.environ.get("SPECFIRST_PERF") != "1", reason="set SPECFIRST_PERF=1")
@pytest.mark.parametrize(
    "name", ["large/stripe-spec3-2023-09.yaml", "large/github-api.github.com-2022-06.json"]
)
def test_speed_within_one_and_a_half_times_the_library(name: str) -> None:
    from openapi_spec_validator import validate

    root = load_file(CORPUS / name)
    library, ours = [], []
    for _ in range(3):
        start = time.perf_counter()
        validate(root)
        library.append(time.perf_counter() - start)
        start = time.perf_counter()
        validate_spec(spec_from_data(root))
        ours.append(time.perf_counter() - start)
    print(f"{name}: library {min(library):.2f}s, validate_spec {min(ours):.2f}s")
    assert min(ours) <= 1.5 * min(library)
