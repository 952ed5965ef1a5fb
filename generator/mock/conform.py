"""Conformance: does a value validate against the schema at a JSON pointer of the contract?

The one module that uses `jsonschema`. OpenAPI 3.0 schemas are checked as draft 4 (their
boolean `exclusiveMinimum`), with `nullable: true` read as "or null"; 3.1 as draft 2020-12.
Direction matters (OAS 3.x `readOnly`/`writeOnly`): a response must not carry a `writeOnly`
property and need not carry a required one; a request likewise for `readOnly`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator.ir.refs import as_mapping, deref

URI = "urn:specfirst:contract"


def with_nullable(node: Any) -> Any:
    """A copy of an OpenAPI 3.0 tree where `nullable: true` also allows null.

    >>> with_nullable({"type": "string", "nullable": True, "enum": ["a"]})
    {'type': ['string', 'null'], 'nullable': True, 'enum': ['a', None]}
    """
    if isinstance(node, list):
        return [with_nullable(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: with_nullable(value) for key, value in node.items()}
    if out.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def for_direction(document: Mapping[str, Any], node: Any, skip: str) -> Any:
    """A copy of `node` where properties flagged `skip` are forbidden and no longer required.

    >>> for_direction({}, {"required": ["a"], "properties": {"a": {"writeOnly": True}}}, "writeOnly")
    {'required': [], 'properties': {'a': {'not': {}}}}
    """
    if isinstance(node, list):
        return [for_direction(document, item, skip) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: for_direction(document, value, skip) for key, value in node.items()}
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        flagged = {
            name
            for name, prop in properties.items()
            if as_mapping(deref(document, prop, "")[0]).get(skip) is True
        }
        if flagged:
            out["properties"] = {
                k: {"not": {}} if k in flagged else v for k, v in out["properties"].items()
            }
            if isinstance(out.get("required"), list):
                out["required"] = [r for r in out["required"] if r not in flagged]
    return out


class Conformance:
    """Validators for the schemas of one document, built once per pointer.

    `skip` is `writeOnly` when checking responses, `readOnly` when checking requests.
    """

    def __init__(self, document: Mapping[str, Any], *, skip: str = "writeOnly") -> None:
        legacy = str(document.get("openapi", "")).startswith("3.0")
        contents = for_direction(document, document, skip)
        contents = with_nullable(contents) if legacy else contents
        specification = DRAFT4 if legacy else DRAFT202012
        resource: Resource[Any] = specification.create_resource(contents)
        self._registry: Registry[Any] = Registry().with_resource(URI, resource)
        self._kind: type[Validator] = Draft4Validator if legacy else Draft202012Validator
        self._validators: dict[str, Validator] = {}

    def accepts(self, pointer: str, value: Any) -> bool:
        """True when `value` is valid at `pointer`, or when the schema cannot be evaluated."""
        validator = self._validators.get(pointer)
        if validator is None:
            validator = self._kind({"$ref": f"{URI}#{pointer}"}, registry=self._registry)
            self._validators[pointer] = validator
        try:
            return bool(validator.is_valid(value))
        except Exception:  # an unresolvable $ref or a pattern Python cannot compile
            return True
