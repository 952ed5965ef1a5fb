"""Schema rules: `required` names properties the schema (or its composition) defines.

openapi-spec-validator checks this only for schemas with `allOf` (and reports no location);
here it is checked for every object schema. With `allOf` it stays an error, as the library
has it; elsewhere a stray name is valid JSON Schema (an extra property that must be present)
but almost always a typo the generated model would silently lack, so it is a warning.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.spec.document import join_pointer, split_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

_COMPOSITIONS = ("allOf", "anyOf", "oneOf")
# Keywords through which a schema may accept properties it does not list itself.
_OPEN = ("patternProperties", "dependentSchemas", "if", "then", "else", "unevaluatedProperties")
# Sub-schemas visited per schema when collecting properties, so shared bases cost bounded work.
_MAX_VISITS = 200


def check_schemas(contract: Contract) -> list[Diagnostic]:
    """`required` names that no `properties` (own or composed) defines."""
    found: list[Diagnostic] = []
    for node in contract.index["schema"]:
        schema = node.value
        required = schema.get("required")
        if not isinstance(required, list) or _in_all_of(node.pointer) or not _closed(schema):
            continue
        if contract.version == "3.0" and "$ref" in schema:
            continue  # OpenAPI 3.0: keywords beside a $ref are ignored
        names = [r for r in required if isinstance(r, str)]
        known = _properties(contract, node) if names else set()
        for i, name in enumerate(required):
            if isinstance(name, str) and name not in known:
                found.append(_diagnostic(contract, node, i, name))
    return found


def _diagnostic(c: Contract, node: Node, index: int, name: str) -> Diagnostic:
    composed = "allOf" in node.value
    where = "in properties or the allOf parts" if composed else "in properties"
    message = f'required property "{name}" is not defined {where}'
    level = Level.ERROR if composed else Level.WARNING
    return c.diag(
        "required-property-undefined", level, message, join_pointer(node.pointer, "required", index)
    )


def _in_all_of(pointer: str) -> bool:
    """An `allOf` part is checked together with its siblings, by the schema holding them."""
    tokens = split_pointer(pointer)
    return len(tokens) >= 2 and tokens[-2] == "allOf"


def _closed(schema: dict[str, Any]) -> bool:
    """Whether `properties` is meant to list every property the schema allows."""
    if "allOf" in schema:
        return True
    if any(key in schema for key in _OPEN):
        return False
    extra = schema.get("additionalProperties", True)
    if extra is not True and extra is not False:
        return False  # a schema for extra properties: any name may be among them
    return isinstance(schema.get("properties"), dict) or extra is False


def _properties(c: Contract, start: Node) -> set[str]:
    """Property names of `start` and of everything it composes or references."""
    names: set[str] = set()
    stack, seen = [start], {start.pointer}
    while stack and len(seen) <= _MAX_VISITS:
        node = stack.pop()
        schema = node.value
        if not isinstance(schema, dict):
            continue
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = c.deref(Node(node.pointer, {"$ref": ref}))
            if target.pointer not in seen:
                seen.add(target.pointer)
                stack.append(target)
            if c.version == "3.0":
                continue  # OpenAPI 3.0: keywords beside a $ref are ignored
        props = schema.get("properties")
        if isinstance(props, dict):
            names.update(str(k) for k in props)
        for keyword in _COMPOSITIONS:
            parts = schema.get(keyword)
            for i, part in enumerate(parts if isinstance(parts, list) else []):
                pointer = join_pointer(node.pointer, keyword, i)
                if pointer not in seen:
                    seen.add(pointer)
                    stack.append(Node(pointer, part))
    return names
