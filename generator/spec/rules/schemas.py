"""Schema rules: `required` names defined properties, keywords mean something in this version,
discriminator mappings lead to schemas.

`required-property-undefined`: openapi-spec-validator checks this only for schemas with
`allOf` (and reports no location); here it is checked for every object schema. A stray name
is almost always a typo; it is a warning and read leniently (`spec/readings.py`): required, of
any type, when `additionalProperties` allows it (valid JSON Schema: an extra property that must
be present), else not required.

`nullable-not-in-3-1` (warning): `nullable: true` in 3.1 or 3.2, where it is no keyword (OAS
3.1 dropped it for `type: [..., "null"]`): validation ignores it and refuses null.

`discriminator-mapping-unresolved` (error): a `mapping` value that is neither a local
reference that resolves nor a component schema name, resolved as `ir.schema_normalize`
resolves it; generation would drop the entry and misreport it as a stripped extension.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.ir.schema_keywords import resolve
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.spec.pointers import join_pointer, split_pointer
from generator.spec.rules.contract import Contract
from generator.spec.rules.walk import Node

_COMPOSITIONS = ("allOf", "anyOf", "oneOf")
# Keywords through which a schema may accept properties it does not list itself.
_OPEN = ("patternProperties", "dependentSchemas", "if", "then", "else", "unevaluatedProperties")
# Sub-schemas visited per schema when collecting properties, so shared bases cost bounded work.
_MAX_VISITS = 200


def check_schemas(contract: Contract) -> list[Diagnostic]:
    """Undefined required names, 3.0 `nullable` in 3.1, dangling discriminator mappings."""
    found: list[Diagnostic] = []
    for node in contract.index["schema"]:
        found.extend(_dangling_mappings(contract, node))
        found.extend(_implicit_values(contract, node))
        if contract.version != "3.0" and node.value.get("nullable") is True:
            found.append(_nullable(contract, node))
        found.extend(_undefined_required(contract, node))
        found.extend(_enum_types(contract, node))
    return found


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _enum_types(c: Contract, node: Node) -> list[Diagnostic]:
    """`enum` values of a type the schema's `type` refuses: no instance can ever be one."""
    schema = node.value
    declared, values = schema.get("type"), schema.get("enum")
    types = [declared] if isinstance(declared, str) else declared
    if not isinstance(values, list) or not isinstance(types, list) or not types:
        return []
    if c.version == "3.0" and schema.get("nullable") is True:
        types = [*types, "null"]
    tests = [_TYPE_TESTS[t] for t in types if t in _TYPE_TESTS]
    wrong = [v for v in values if tests and not any(test(v) for test in tests)]
    if not wrong:
        return []
    shown = ", ".join(json.dumps(v) for v in wrong[:5])
    message = (
        f"enum value(s) {shown} are not of type {'/'.join(map(str, types))}: no instance can "
        "match them (quote them, or change `type`)"
    )
    return [c.diag("enum-type-mismatch", message, join_pointer(node.pointer, "enum"))]


def _undefined_required(c: Contract, node: Node) -> list[Diagnostic]:
    """`required` names that no `properties` (own or composed) defines."""
    schema = node.value
    required = schema.get("required")
    if not isinstance(required, list) or _in_all_of(node.pointer) or not _closed(schema):
        return []
    if c.version == "3.0" and "$ref" in schema:
        return []  # OpenAPI 3.0: keywords beside a $ref are ignored
    names = [r for r in required if isinstance(r, str)]
    known = _properties(c, node) if names else set()
    return [
        _diagnostic(c, node, i, name)
        for i, name in enumerate(required)
        if isinstance(name, str) and name not in known
    ]


def _nullable(c: Contract, node: Node) -> Diagnostic:
    kind = node.value.get("type")
    if isinstance(kind, str):
        fix = f'write type: ["{kind}", "null"] instead'
    else:
        fix = 'add "null" to the type, or write anyOf: [<the schema>, {type: "null"}]'
    message = (
        f"nullable is not a keyword in OpenAPI {c.version} and has no effect: null is refused "
        f"here; {fix}"
    )
    return c.diag("nullable-not-in-3-1", message, join_pointer(node.pointer, "nullable"))


def _dangling_mappings(c: Contract, node: Node) -> Iterator[Diagnostic]:
    """Discriminator mapping values that name no schema."""
    discriminator = node.value.get("discriminator")
    if not isinstance(discriminator, dict) or not isinstance(
        discriminator.get("propertyName"), str
    ):
        return  # generation ignores a discriminator without a propertyName
    mapping = discriminator.get("mapping")
    for key, value in mapping.items() if isinstance(mapping, dict) else ():
        if not isinstance(value, str) or _mapping_target(c, value):
            continue
        if value.startswith("#"):
            what = "the reference leads nowhere"
        elif "#" in value or "/" in value:
            what = "mappings cannot follow references into other files"
        else:
            what = "no schema in components.schemas has that name" + _close(c, value)
        message = (
            f'discriminator mapping "{key}" names {value!r}, but {what}; use the name of a '
            'schema in components.schemas or a "#/components/schemas/..." reference'
        )
        pointer = join_pointer(node.pointer, "discriminator", "mapping", str(key))
        yield c.diag("discriminator-mapping-unresolved", message, pointer)


def _implicit_values(c: Contract, node: Node) -> Iterator[Diagnostic]:
    """Branches a discriminator names implicitly (by schema name) whose property cannot hold it.

    Without a `mapping` entry, OpenAPI takes a branch's discriminator value to be its schema's
    name (`Cat`); a branch that pins the property to other values (`type: {enum: [cat]}`)
    then has no valid value at all, and every instance of it fails the discriminator.
    """
    discriminator = node.value.get("discriminator")
    branches = node.value.get("oneOf") or node.value.get("anyOf")
    if not isinstance(discriminator, dict) or not isinstance(branches, list):
        return
    prop, mapping = discriminator.get("propertyName"), discriminator.get("mapping")
    mapped = {str(v) for v in mapping.values()} if isinstance(mapping, dict) else set()
    keys = {str(k) for k in mapping} if isinstance(mapping, dict) else set()
    if not isinstance(prop, str):
        return
    for index, branch in enumerate(branches):
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if not isinstance(ref, str) or ref in mapped or ref.rsplit("/", 1)[-1] in mapped:
            continue
        name = ref.rsplit("/", 1)[-1]
        target = c.deref(Node(join_pointer(node.pointer, _key(node), index), branch))
        props = target.value.get("properties") if isinstance(target.value, dict) else None
        declared = props.get(prop) if isinstance(props, dict) else None
        pinned = c.deref(Node("", declared)).value if declared is not None else None
        values = _pinned(pinned)
        # a mapping key for one of its values means the author mapped it (maybe with a typo,
        # which `discriminator-mapping-unresolved` reports)
        if values is not None and name not in values and not keys & {str(v) for v in values}:
            shown = ", ".join(json.dumps(v) for v in values[:3])
            message = (
                f"discriminator {prop!r} names {name!r} by its schema name (no mapping), but that "
                f"schema pins {prop} to {shown}: add a mapping entry such as "
                f"{json.dumps(values[0])}: {ref!r}"
            )
            yield c.diag(
                "discriminator-value-mismatch", message, join_pointer(node.pointer, "discriminator")
            )


def _key(node: Node) -> str:
    return "oneOf" if isinstance(node.value.get("oneOf"), list) else "anyOf"


def _pinned(schema: Any) -> list[Any] | None:
    """The values a property schema allows when it lists them (`const`, `enum`), else None."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return [schema["const"]]
    values = schema.get("enum")
    return list(values) if isinstance(values, list) and values else None


def _close(c: Contract, name: str) -> str:
    schemas = c.get("/components/schemas")
    names = [str(n) for n in schemas] if isinstance(schemas, dict) else []
    close = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _mapping_target(c: Contract, value: str) -> bool:
    """Whether a mapping value leads to a schema, the way `ir.schema_normalize` follows it:
    a bare name is a component schema name, anything else a local reference."""
    full = value if value.startswith("#") else COMPONENT_PREFIX + value
    tokens = split_pointer(full[1:])
    if len(tokens) == 3 and tokens[:2] == ["components", "schemas"]:
        schemas = c.get("/components/schemas")
        return isinstance(schemas, dict) and tokens[2] in schemas
    return resolve(c.root, full[1:]) is not None


def _diagnostic(c: Contract, node: Node, index: int, name: str) -> Diagnostic:
    composed = "allOf" in node.value
    where = "in properties or the allOf parts" if composed else "in properties"
    message = f'required property "{name}" is not defined {where}'
    pointer = join_pointer(node.pointer, "required", index)
    return c.diag("required-property-undefined", message, pointer)


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
