"""openapi-spec-validator's Schema Object dialect check, screened by jsonschema-rs.

The library checks every Schema Object it reaches against its OpenAPI version's dialect
meta-schema (3.0: the draft-04 meta-schema; 3.1 and 3.2: the OpenAPI base dialect) with
openapi-schema-validator, in Python: the bulk of its time on a large contract. Here the same
meta-schema, with the same format checks (openapi-schema-validator's own functions, so `regex`
means Python's `re`), is compiled once by jsonschema-rs and screens each schema; only a schema
the screen rejects is checked again the library's way, and that check's error is the finding.
A schema the screen accepts passes the library's check too: `tests/spec/test_standard_walk.py`
compares the two on tricky schemas and on the corpus.

>>> check = dialect_check("3.0")
>>> check({"type": "string"}) is None, check({"maxLength": "ten"}).message
(True, "'ten' is not of type 'integer'")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache, partial
from importlib.resources import files
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import validator_for
from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    OAS32_BASE_DIALECT_ID,
    OAS30Validator,
    oas30_format_checker,
    oas31_format_checker,
    oas32_format_checker,
)
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

# What the library's `SchemaValidator._validate_schema_meta` reports for one schema, or None.
DialectCheck = Callable[[Any], OpenAPIValidationError | None]


@cache
def dialect_check(version: str) -> DialectCheck:
    """The library's dialect check for OpenAPI `version` ("3.0", "3.1", "3.2"), screened."""
    if version == "3.0":
        exact: Callable[[Any], None] = OAS30Validator.check_schema
        meta, checker = OAS30Validator.META_SCHEMA, oas30_format_checker
    else:
        dialect, checker = {
            "3.1": (OAS31_BASE_DIALECT_ID, oas31_format_checker),
            "3.2": (OAS32_BASE_DIALECT_ID, oas32_format_checker),
        }[version]
        cls: Any = validator_for({"$schema": dialect})  # openapi-schema-validator's own class
        exact = partial(cls.check_schema, format_checker=checker)
        meta = cls.META_SCHEMA
    resources = list(_resources())
    names = {f for _, schema in [("", meta), *resources] for f in _formats(schema)}
    # jsonschema-rs knows the JSON Schema meta-schemas by heart; theirs ask for these
    names |= {"regex", "uri", "uri-reference", *checker.checkers}
    formats: dict[str, Callable[..., bool]] = {
        name: partial(checker.conforms, format=name) for name in names
    }
    registry = jsonschema_rs.Registry(resources)
    screen = jsonschema_rs.validator_for(
        meta, registry=registry, formats=formats, validate_formats=True
    )
    return partial(_check, screen, exact)


def _check(screen: Any, exact: Callable[[Any], None], value: Any) -> OpenAPIValidationError | None:
    try:
        if screen.is_valid(value):
            return None
    except ValueError:  # a value jsonschema-rs cannot read: the library's check decides
        pass
    try:
        exact(value)
    except (SchemaError, ValidationError) as err:
        return OpenAPIValidationError.create_from(err)
    return None


def _resources() -> Iterator[tuple[str, Any]]:
    """The OpenAPI dialect and vocabulary meta-schemas openapi-schema-validator ships."""
    stack = [files("openapi_schema_validator").joinpath("schemas")]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif not entry.name.startswith("."):  # as openapi-schema-validator reads them
                contents = json.loads(entry.read_text(encoding="utf-8"))
                if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
                    yield contents["$id"], contents


def _formats(schema: Any) -> Iterator[str]:
    """Every `format` a meta-schema asks for (each gets the library's own check, or none)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                yield node["format"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
