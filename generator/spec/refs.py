"""`$ref` strings: where they point, whether we may follow them, and what kind of spot they sit in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote as percent_encode
from urllib.parse import unquote, urlsplit

from generator.spec.document import escape_token, split_pointer
from generator.spec.source import quote

# Keywords whose value holds Schema Objects: a `$ref` below one is a schema reference.
SCHEMA_KEYS = frozenset(
    {
        "schema",
        "schemas",
        "properties",
        "patternProperties",
        "additionalProperties",
        "items",
        "prefixItems",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
    }
)
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


@dataclass(frozen=True)
class Target:
    """A followable reference: a real file path (None for "this file") and a JSON pointer."""

    file: Path | None
    pointer: str


@dataclass(frozen=True)
class Refused:
    """A reference we will not follow, with the rule and message to report."""

    rule: str
    message: str


def parse_ref(ref: str, base_dir: Path, root_dir: Path) -> Target | Refused:
    """Decide where `ref` (found in a file inside `base_dir`) points, before reading anything.

    Only relative files inside `root_dir` (the entry contract's folder, symlinks resolved)
    are followed; URLs of any scheme and absolute or escaping paths are refused.
    """
    file_part, _, fragment = ref.partition("#")
    pointer = unquote(fragment)
    if pointer and not pointer.startswith("/"):
        return Refused(
            "unresolved-ref", f"$ref {quote(ref)}: only JSON pointer fragments are supported"
        )
    if not file_part:
        return Target(None, pointer)
    parts = urlsplit(file_part)
    if parts.scheme or parts.netloc:
        what = "file: URLs" if parts.scheme.lower() == "file" else "remote references"
        return Refused("ref-remote", f"$ref {quote(ref)} refused: {what} are not followed")
    relative = unquote(parts.path)
    if os.path.isabs(relative) or relative.startswith("\\"):
        return Refused(
            "ref-outside-root", f"$ref {quote(ref)} refused: absolute paths are not followed"
        )
    try:
        resolved = (base_dir / relative).resolve()
    except (OSError, ValueError, RuntimeError):
        return Refused("unresolved-ref", f"$ref {quote(ref)}: not a usable file path")
    if not resolved.is_relative_to(root_dir):
        message = f"$ref {quote(ref)} refused: it resolves outside the contract's folder"
        return Refused("ref-outside-root", message)
    return Target(resolved, pointer)


_MISSING = object()


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at `pointer` inside `data`, or `MISSING`."""
    for token in split_pointer(pointer):
        if isinstance(data, dict):
            data = data.get(token, _MISSING)
        elif isinstance(data, list) and token.isdigit() and token.isascii():
            data = data[int(token)] if int(token) < len(data) else _MISSING
        else:
            return _MISSING
        if data is _MISSING:
            return _MISSING
    return data


MISSING = _MISSING


def local_ref(pointer: str) -> str:
    """The `$ref` string for a pointer inside the bundle.

    >>> local_ref("/paths/~1users~1{id}"), local_ref("/components/schemas/A B")
    ('#/paths/~1users~1{id}', '#/components/schemas/A%20B')
    """
    return "#" + percent_encode(pointer, safe="/~!$&'()*+,;=:@{}")


def schema_ref(name: str) -> str:
    """The `$ref` to a schema under `#/components/schemas`."""
    return "#/components/schemas/" + escape_token(name)
