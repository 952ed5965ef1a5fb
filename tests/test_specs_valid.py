"""The contracts under `specs/` are valid OpenAPI and follow the house rules.

For every `specs/*.yaml`: openapi-spec-validator accepts it; the YAML has no duplicate keys and
loads as plain JSON data; every operation has a camelCase operationId, a declared tag, a summary
and a description, and documents the error statuses it can return; every path parameter is
declared and required; names stay distinct once turned into Python identifiers; and every example
(and every schema `default`) is valid against its schema, resolved inside the document itself.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import yaml
from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_spec_validator import validate as validate_spec
from openapi_spec_validator.readers import read_from_filename
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator.naming import class_name, snake_name

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"
SPEC_FILES = sorted([*SPECS_DIR.glob("*.yaml"), *SPECS_DIR.glob("*.yml")])
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")
PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# Keywords whose value is a schema, a list of schemas, or a map of name -> schema.
SCHEMA_VALUED = (
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")

per_spec = pytest.mark.parametrize("spec_path", SPEC_FILES, ids=[p.name for p in SPEC_FILES])


def test_the_contracts_exist() -> None:
    names = {path.name for path in SPEC_FILES}
    assert {"users.yaml", "showcase.yaml"} <= names, f"found only {sorted(names)} in {SPECS_DIR}"


# --- loading ------------------------------------------------------------------------------------


@cache
def load(spec_path: Path) -> dict[str, Any]:
    with spec_path.open(encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    assert isinstance(document, dict), f"{spec_path.name}: the top level is not a mapping"
    return document


def pointer(*tokens: str | int) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def resolve(document: dict[str, Any], node: Any, where: str) -> tuple[Any, str]:
    """Follow local `$ref`s from `node` (found at `where`); returns the target and its pointer."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#"):
            raise AssertionError(f"{where}: only local references are supported, got {ref!r}")
        if ref in seen:
            raise AssertionError(f"{where}: reference cycle through {ref!r}")
        seen.add(ref)
        where = ref[1:]
        node = document
        for token in where.split("/")[1:]:
            key = token.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
    return node, where


@dataclass(frozen=True)
class Operation:
    where: str  # JSON pointer of the operation object
    method: str
    path: str
    node: dict[str, Any]
    parameters: tuple[tuple[dict[str, Any], str], ...]  # resolved, path item's merged with own
    is_webhook: bool


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for section in ("paths", "webhooks"):
        for path, item in (document.get(section) or {}).items():
            item, item_at = resolve(document, item, pointer(section, path))
            inherited = {
                (p["name"], p["in"]): (p, at)
                for p, at in (
                    resolve(document, raw, f"{item_at}/parameters/{i}")
                    for i, raw in enumerate(item.get("parameters", []))
                )
            }
            for method in METHODS:
                if method not in item:
                    continue
                where = f"{item_at}/{method}"
                node = item[method]
                own = {
                    (p["name"], p["in"]): (p, at)
                    for p, at in (
                        resolve(document, raw, f"{where}/parameters/{i}")
                        for i, raw in enumerate(node.get("parameters", []))
                    )
                }
                merged = {**inherited, **own}
                yield Operation(
                    where, method, path, node, tuple(merged.values()), section == "webhooks"
                )


# --- YAML hygiene -------------------------------------------------------------------------------


def duplicate_keys(node: yaml.Node, file: str) -> Iterator[str]:
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                continue
            # Compare the text as written: `200` and `'200'` are the same key once in JSON.
            text = key.value if isinstance(key, yaml.ScalarNode) else yaml.serialize(key)
            if text in first_seen:
                mark, first = key.start_mark, first_seen[text].start_mark
                yield (
                    f"{file}:{mark.line + 1}:{mark.column + 1}: duplicate key {text!r}"
                    f" (first at line {first.line + 1})"
                )
            else:
                first_seen[text] = key
            yield from duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item, file)


def non_json_values(value: Any, where: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield f"{where or '/'}: key {key!r} is a {type(key).__name__}; quote it"
                continue
            yield from non_json_values(item, f"{where}{pointer(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from non_json_values(item, f"{where}/{index}")
    elif value is not None and not isinstance(value, str | int | float | bool):
        yield f"{where}: {value!r} loads as {type(value).__name__}; quote it"


@per_spec
def test_yaml_has_no_duplicate_keys(spec_path: Path) -> None:
    with spec_path.open(encoding="utf-8") as stream:
        root = yaml.compose(stream, Loader=yaml.SafeLoader)
    assert root is not None, f"{spec_path.name} is empty"
    problems = list(duplicate_keys(root, spec_path.name))
    assert not problems, "\n".join(problems)


@per_spec
def test_yaml_loads_as_plain_json_data(spec_path: Path) -> None:
    """Unquoted dates, `200:` keys or `on`/`yes` would reach tools as non-JSON values."""
    problems = list(non_json_values(load(spec_path)))
    assert not problems, "\n".join(problems)


# --- OpenAPI validity ---------------------------------------------------------------------------


@per_spec
def test_openapi_spec_validator_accepts_it(spec_path: Path) -> None:
    spec, base_uri = read_from_filename(str(spec_path))
    validate_spec(spec, base_uri=base_uri)


# --- operations ---------------------------------------------------------------------------------


@per_spec
def test_operations_have_id_tags_summary_and_description(spec_path: Path) -> None:
    document = load(spec_path)
    declared_tags = {tag["name"] for tag in document.get("tags", [])}
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    for op in operations(document):
        operation_id = op.node.get("operationId")
        if not isinstance(operation_id, str) or not OPERATION_ID.match(operation_id):
            problems.append(f"{op.where}: operationId {operation_id!r} is missing or not camelCase")
        else:
            key = snake_name(operation_id)
            if key in seen_ids:
                problems.append(
                    f"{op.where}: operationId {operation_id!r} collides with"
                    f" {seen_ids[key]!r} as {key!r}"
                )
            seen_ids[key] = operation_id
        tags = op.node.get("tags")
        if not tags:
            problems.append(f"{op.where}: no tags")
        else:
            problems += [
                f"{op.where}: tag {t!r} is not declared" for t in tags if t not in declared_tags
            ]
        for field in ("summary", "description"):
            if not str(op.node.get(field, "")).strip():
                problems.append(f"{op.where}: no {field}")
    assert not problems, "\n".join(problems)


def takes_no_input(op: Operation) -> bool:
    """A public operation without parameters or body: nothing the client sends can be wrong."""
    return not op.parameters and "requestBody" not in op.node and op.node.get("security") == []


@per_spec
def test_operations_document_a_4xx(spec_path: Path) -> None:
    document = load(spec_path)
    problems = [
        f"{op.where}: no 4xx response documented"
        for op in operations(document)
        if not takes_no_input(op)
        and not any(str(code).upper().startswith("4") for code in op.node.get("responses", {}))
    ]
    assert not problems, "\n".join(problems)


@per_spec
def test_operations_document_the_statuses_they_can_return(spec_path: Path) -> None:
    """House rules for served operations: 400 with input, 401 when secured, 413 and 415 with
    a body, and 500 everywhere (webhooks are served by someone else and are exempt)."""
    document = load(spec_path)
    problems: list[str] = []
    for op in operations(document):
        if op.is_webhook:
            continue
        codes = {str(code).upper() for code in op.node.get("responses", {})}
        security = op.node.get("security", document.get("security", []))
        needed = {"500"}
        if op.parameters or "requestBody" in op.node:
            needed.add("400")
        if any(requirement for requirement in security):
            needed.add("401")
        if "requestBody" in op.node:
            needed |= {"413", "415"}
        for code in sorted(needed):
            if code not in codes and f"{code[0]}XX" not in codes:
                problems.append(f"{op.where}: {code} is not documented")
    assert not problems, "\n".join(problems)


@per_spec
def test_path_parameters_are_declared_and_required(spec_path: Path) -> None:
    document = load(spec_path)
    problems: list[str] = []
    for op in operations(document):
        if op.is_webhook:
            continue
        templated = set(PATH_TEMPLATE.findall(op.path))
        declared = {p["name"]: (p, at) for p, at in op.parameters if p.get("in") == "path"}
        problems += [
            f"{op.where}: path parameter {n!r} is not declared" for n in templated - set(declared)
        ]
        problems += [
            f"{at}: {n!r} is not in the path template"
            for n, (_, at) in declared.items()
            if n not in templated
        ]
        problems += [
            f"{at}: path parameter {n!r} must be required"
            for n, (p, at) in declared.items()
            if p.get("required") is not True
        ]
    assert not problems, "\n".join(problems)


@per_spec
def test_security_requirements_name_declared_schemes_and_scopes(spec_path: Path) -> None:
    document = load(spec_path)
    schemes = document.get("components", {}).get("securitySchemes", {})
    requirements = [("/security", document.get("security", []))]
    requirements += [
        (f"{op.where}/security", op.node["security"])
        for op in operations(document)
        if "security" in op.node
    ]
    problems: list[str] = []
    for at, alternatives in requirements:
        for index, requirement in enumerate(alternatives):
            for name, scopes in requirement.items():
                scheme = schemes.get(name)
                if scheme is None:
                    problems.append(f"{at}/{index}: security scheme {name!r} is not declared")
                    continue
                if scheme.get("type") != "oauth2":
                    continue  # openIdConnect scopes are discovered at run time
                declared = {
                    scope
                    for flow in scheme.get("flows", {}).values()
                    for scope in flow.get("scopes", {})
                }
                problems += [
                    f"{at}/{index}: scope {scope!r} is not declared by {name!r}"
                    for scope in scopes
                    if scope not in declared
                ]
    assert not problems, "\n".join(problems)


LOCATIONS = ("path", "query", "header", "cookie")
RUNTIME_EXPRESSION = re.compile(
    r"^\$(url|method|statusCode"
    r"|request\.(path|query|header)\.[^\s]+|request\.body(#(/[^\s]*)?)?"
    r"|response\.header\.[^\s]+|response\.body(#(/[^\s]*)?)?)$"
)


def property_names(document: dict[str, Any], schema: Any, depth: int = 0) -> set[str] | None:
    """Names of the properties an object schema declares (through `$ref` and `allOf`), or None
    when that cannot be told statically (`oneOf`, `anyOf`, open-ended)."""
    if not isinstance(schema, dict) or depth > 16:
        return None
    schema, _ = resolve(document, schema, "")
    if "oneOf" in schema or "anyOf" in schema:
        return None
    names = set(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        more = property_names(document, branch, depth + 1)
        if more is None:
            return None
        names |= more
    return names


@per_spec
def test_links_point_at_existing_operations_and_values(spec_path: Path) -> None:
    """Stateful tests follow links: each must name an existing operation and its parameters,
    supply every required path parameter, and take values the response really has."""
    document = load(spec_path)
    by_id = {op.node.get("operationId"): op for op in operations(document)}
    problems: list[str] = []
    for op in operations(document):
        for code, raw in op.node.get("responses", {}).items():
            response, response_at = resolve(
                document, raw, f"{op.where}/responses{pointer(str(code))}"
            )
            headers = {name.lower() for name in response.get("headers", {})}
            body = response.get("content", {}).get("application/json", {}).get("schema")
            for link_name, raw_link in response.get("links", {}).items():
                link, at = resolve(document, raw_link, f"{response_at}/links{pointer(link_name)}")
                target = by_id.get(link.get("operationId"))
                if target is None:
                    problems.append(f"{at}: no operation {link.get('operationId')!r}")
                    continue
                declared = {(p["in"], p["name"]) for p, _ in target.parameters}
                supplied: set[tuple[str, str]] = set()
                for key, value in link.get("parameters", {}).items():
                    location, _, name = key.partition(".")
                    if location not in LOCATIONS or not name:
                        location, name = "", key
                    matches = {(i, n) for i, n in declared if n == name and location in ("", i)}
                    if not matches:
                        problems.append(f"{at}: {target.where} has no parameter {key!r}")
                    supplied |= matches
                    if not (isinstance(value, str) and value.startswith("$")):
                        continue
                    if not RUNTIME_EXPRESSION.match(value):
                        problems.append(f"{at}: {value!r} is not a runtime expression")
                    elif value.startswith("$response.header."):
                        if value.removeprefix("$response.header.").lower() not in headers:
                            problems.append(f"{at}: the response has no header for {value!r}")
                    elif value.startswith("$response.body#/"):
                        first = value.removeprefix("$response.body#/").split("/")[0]
                        names = property_names(document, body)
                        if names is not None and first not in names:
                            problems.append(f"{at}: the response body has no {first!r}")
                required = {
                    (p["in"], p["name"])
                    for p, _ in target.parameters
                    if p["in"] == "path" and p.get("required")
                }
                problems += [
                    f"{at}: path parameter {n!r} of {target.where} is not supplied"
                    for _, n in sorted(required - supplied)
                ]
    assert not problems, "\n".join(problems)


# --- names --------------------------------------------------------------------------------------


def schemas_in(document: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """Every schema object of the document (components and inline), with its pointer."""
    roots: list[tuple[Any, str]] = [
        (schema, pointer("components", "schemas", name))
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]
    roots += [
        (holder["schema"], f"{at}/schema")
        for holder, at, _ in example_holders(document)
        if "schema" in holder
    ]
    seen: set[str] = set()
    stack = roots
    while stack:
        schema, at = stack.pop()
        if at in seen or not isinstance(schema, dict):
            continue
        seen.add(at)
        yield schema, at
        for keyword in SCHEMA_VALUED:
            if keyword in schema:
                stack.append((schema[keyword], f"{at}/{keyword}"))
        for keyword in SCHEMA_LISTS:
            stack += [(s, f"{at}/{keyword}/{i}") for i, s in enumerate(schema.get(keyword, []))]
        for keyword in SCHEMA_MAPS:
            stack += [
                (s, f"{at}/{keyword}{pointer(n)}") for n, s in schema.get(keyword, {}).items()
            ]


@per_spec
def test_names_stay_distinct_as_python_identifiers(spec_path: Path) -> None:
    document = load(spec_path)
    problems: list[str] = []

    def distinct(names: list[str], where: str, convert: Any) -> None:
        first: dict[str, str] = {}
        for name in names:
            identifier = convert(name)
            if identifier in first:
                problems.append(
                    f"{where}: {name!r} and {first[identifier]!r} both become {identifier!r}"
                )
            first.setdefault(identifier, name)

    distinct(
        list(document.get("components", {}).get("schemas", {})), "/components/schemas", class_name
    )
    for op in operations(document):
        distinct([p["name"] for p, _ in op.parameters], f"{op.where}/parameters", snake_name)
    for schema, at in schemas_in(document):
        distinct(list(schema.get("properties", {})), f"{at}/properties", snake_name)
    assert not problems, "\n".join(problems)


# --- examples -----------------------------------------------------------------------------------


def example_holders(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, str]]:
    """Objects that pair a schema with examples (media types, parameters, headers), each with its
    pointer and the direction its data travels in: "request" or "response"."""

    def media(
        content: dict[str, Any], at: str, direction: str
    ) -> Iterator[tuple[dict[str, Any], str, str]]:
        for media_type, holder in content.items():
            yield holder, f"{at}{pointer(media_type)}", direction

    def parameter_like(
        raw: Any, at: str, direction: str
    ) -> Iterator[tuple[dict[str, Any], str, str]]:
        node, at = resolve(document, raw, at)
        yield node, at, direction
        yield from media(node.get("content", {}), f"{at}/content", direction)

    def response(raw: Any, at: str) -> Iterator[tuple[dict[str, Any], str, str]]:
        node, at = resolve(document, raw, at)
        yield from media(node.get("content", {}), f"{at}/content", "response")
        for name, header in node.get("headers", {}).items():
            yield from parameter_like(header, f"{at}/headers{pointer(name)}", "response")

    def request_body(raw: Any, at: str) -> Iterator[tuple[dict[str, Any], str, str]]:
        node, at = resolve(document, raw, at)
        yield from media(node.get("content", {}), f"{at}/content", "request")

    for op in operations(document):
        # A webhook's request is sent by the API and its response by the receiver, but the
        # direction of readOnly/writeOnly stays that of the operation as written.
        for param, at in op.parameters:
            yield from parameter_like(param, at, "request")
        if "requestBody" in op.node:
            yield from request_body(op.node["requestBody"], f"{op.where}/requestBody")
        for code, raw in op.node.get("responses", {}).items():
            yield from response(raw, f"{op.where}/responses{pointer(str(code))}")
    components = document.get("components", {})
    for name, raw in components.get("parameters", {}).items():
        yield from parameter_like(raw, pointer("components", "parameters", name), "request")
    for name, raw in components.get("requestBodies", {}).items():
        yield from request_body(raw, pointer("components", "requestBodies", name))
    for name, raw in components.get("responses", {}).items():
        yield from response(raw, pointer("components", "responses", name))
    for name, raw in components.get("headers", {}).items():
        yield from parameter_like(raw, pointer("components", "headers", name), "response")


def is_flagged(document: dict[str, Any], schema: Any, flag: str) -> bool:
    seen = 0
    while isinstance(schema, dict):
        if schema.get(flag) is True:
            return True
        if "$ref" not in schema or seen > 32:
            return False
        schema, _ = resolve(document, schema, "")
        seen += 1
    return False


def directional_view(document: dict[str, Any], hidden: str) -> dict[str, Any]:
    """The document with every property marked `hidden` (readOnly or writeOnly) forbidden and
    dropped from `required`: how the data looks in one direction of travel."""
    view = copy.deepcopy(document)
    for schema, _ in schemas_in(view):
        properties = schema.get("properties", {})
        flagged = {n for n, s in properties.items() if is_flagged(view, s, hidden)}
        for name in flagged:
            # `{"not": {}}` rather than `false`: jsonschema reports the path only for the former.
            properties[name] = {"not": {}, "$comment": f"{hidden} properties never travel this way"}
        if flagged and isinstance(schema.get("required"), list):
            schema["required"] = [n for n in schema["required"] if n not in flagged]
    return view


def _checks_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and not re.search(r"[\s<>\"{}|\\^`]", value)


def _checks_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or not re.search(r"[\s<>\"{}|\\^`]", value)


@cache
def validator_for(spec_path: Path, direction: str) -> tuple[Any, str]:
    """A validator class bound to a registry holding the document as seen in `direction`."""
    document = load(spec_path)
    if direction == "request":
        document = directional_view(document, "readOnly")
    elif direction == "response":
        document = directional_view(document, "writeOnly")
    base_uri = f"urn:specfirst:spec:{spec_path.name}:{direction}"
    is_30 = str(document.get("openapi", "")).startswith("3.0")
    resource = Resource.from_contents(
        document, default_specification=DRAFT4 if is_30 else DRAFT202012
    )
    registry: Registry[Any] = Registry().with_resource(base_uri, resource)
    checker = copy.deepcopy(oas30_format_checker if is_30 else oas31_format_checker)
    checker.checks("uri")(_checks_uri)
    checker.checks("uri-reference")(_checks_uri_reference)
    cls = OAS30Validator if is_30 else OAS31Validator
    return (lambda schema: cls(schema, registry=registry, format_checker=checker)), base_uri


def check(spec_path: Path, direction: str, schema_at: str, value: Any, where: str) -> str | None:
    make, base_uri = validator_for(spec_path, direction)
    validator = make({"$ref": f"{base_uri}#{quote(schema_at, safe='/~')}"})
    error = best_match(validator.iter_errors(value))
    if error is None:
        return None
    at = "".join(f"/{p}" for p in error.absolute_path) or "/"
    hidden = error.validator == "not" and isinstance(error.schema, dict)
    message = error.schema.get("$comment") if hidden else None
    return f"{where}: invalid at {at}: {message or error.message}"


def examples_and_schemas(document: dict[str, Any]) -> Iterator[tuple[str, str, Any, str]]:
    """(direction, schema pointer, value, value pointer) for every example the document gives."""
    for holder, at, direction in example_holders(document):
        if "schema" not in holder:
            continue
        schema_at = f"{at}/schema"
        if "example" in holder:
            yield direction, schema_at, holder["example"], f"{at}/example"
        for name, raw in holder.get("examples", {}).items():
            example, example_at = resolve(document, raw, f"{at}/examples{pointer(name)}")
            if "value" in example:
                yield direction, schema_at, example["value"], f"{example_at}/value (via {at})"
    for schema, at in schemas_in(document):
        if "default" in schema:
            yield "any", at, schema["default"], f"{at}/default"
        if "example" in schema:
            yield "any", at, schema["example"], f"{at}/example"
        if isinstance(schema.get("examples"), list):
            for index, value in enumerate(schema["examples"]):
                yield "any", at, value, f"{at}/examples/{index}"


@per_spec
def test_examples_are_valid_against_their_schemas(spec_path: Path) -> None:
    document = load(spec_path)
    problems: list[str] = []
    checked = 0
    for direction, schema_at, value, where in examples_and_schemas(document):
        checked += 1
        problem = check(spec_path, direction, schema_at, value, where)
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)
    assert checked, f"{spec_path.name} has no examples at all"
