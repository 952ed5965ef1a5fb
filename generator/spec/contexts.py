"""What kind of spot a value of a raw document sits in: a name, a schema, or instance data.

The bundler and its size estimate read `$ref`s only where they are references: not under a
map of user-chosen names (a property called `$ref`) and not inside instance data (an
`example`). Where a reference points and whether it may be followed is `spec.pointers`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.spec.pointers import split_pointer

# JSON Schema keywords holding sub-schemas: one schema, a map of them, or a list of them.
SUBSCHEMAS = {
    **dict.fromkeys(
        (
            "items",
            "additionalProperties",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "additionalItems",
            "contentSchema",
        ),
        "one",
    ),
    **dict.fromkeys(
        ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"), "map"
    ),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "list"),
}
# Keywords whose value holds Schema Objects: a `$ref` below one is a schema reference.
SCHEMA_KEYS = frozenset({"schema", "schemas", *SUBSCHEMAS})
# Keywords whose value is a map of user-chosen names: its keys are names, not keywords.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "webhooks",
        "content",
        "encoding",
        "variables",
        "mapping",
        "scopes",
    }
)
# Keywords whose value is instance data; a `$ref` in there is just data (OAS 3.1 §4.8.24).
DATA_KEYS = frozenset({"example", "default", "enum", "const"})


class Context(NamedTuple):
    """Where a value sits: its own token, whether that token is a user-chosen name, whether
    it is inside a Schema Object, and its parent's token."""

    token: str
    is_name: bool
    in_schema: bool
    parent: str


ROOT = Context("", False, False, "")


def child_context(ctx: Context, token: str) -> Context:
    """The context of `token` below `ctx`.

    >>> child_context(child_context(ROOT, "components"), "parameters").in_schema
    False
    >>> ctx = ROOT
    >>> for t in ("components", "parameters", "schema"):
    ...     ctx = child_context(ctx, t)
    >>> ctx.is_name, ctx.in_schema
    (True, False)
    """
    is_name = not ctx.is_name and ctx.token in NAME_MAPS
    in_schema = ctx.in_schema or (not is_name and token in SCHEMA_KEYS)
    return Context(token, is_name, in_schema, ctx.token)


def context_of(pointer: str) -> Context:
    """The context of a pointer from the document root."""
    ctx = ROOT
    for token in split_pointer(pointer):
        ctx = child_context(ctx, token)
    return ctx


def is_name_map(ctx: Context) -> bool:
    """True when the mapping at `ctx` is keyed by names (so a `$ref` key there is a name)."""
    return not ctx.is_name and ctx.token in NAME_MAPS


def is_data(ctx: Context, key: str, value: Any) -> bool:
    """True when `value` under `key` of the mapping at `ctx` is instance data, not OpenAPI."""
    if is_name_map(ctx):
        return False
    if key in DATA_KEYS:
        return True
    if key == "examples":
        return isinstance(value, list)
    return key == "value" and ctx.is_name and ctx.parent == "examples"
