"""Direction rules of the wire schemas: readOnly stays out of requests, writeOnly out of responses.

They follow Schemathesis (`schemathesis/specs/openapi/converter.py`: `is_read_only`,
`rewrite_properties`, `_forbidden_in_allof_branches`, `ensure_required_properties`,
`_pin_discriminator_property`) so the service and the contract tester agree on what is valid.
Every walk here reads the raw contract (not converted schemas) and guards against `$ref` cycles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.spec.pointers import (
    ref_pointer,
    ref_target,
    resolve_pointer,
    schema_pointer,
    split_pointer,
)

REQUEST_FLAGS = ("readOnly",)
# `x-writeOnly` is the Swagger 2.0 spelling Schemathesis still honours.
RESPONSE_FLAGS = ("writeOnly", "x-writeOnly")
_NULL = {"type": "null"}


def flagged(root: Mapping[str, Any], schema: Any, flags: tuple[str, ...]) -> bool:
    """Whether one of `flags` (e.g. `readOnly`) applies to `schema`.

    It applies when set on the schema itself, behind its `$ref` chain (a sibling of `$ref`
    counts, in 3.0 too, as for Schemathesis), in an `allOf` member, or on the one non-null
    branch of an `anyOf`/`oneOf`.
    """
    return any(node.get(flag) is True for node in _applicable(root, schema) for flag in flags)


def _applicable(root: Mapping[str, Any], schema: Any) -> Iterator[Mapping[str, Any]]:
    """`schema` and every schema whose annotations apply to it, each once."""
    pending, seen = [schema], set()
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if "$ref" in node:
            pending.append(ref_target(root, node["$ref"]))
        all_of = node.get("allOf")
        if isinstance(all_of, list):
            pending.extend(all_of)
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                real = [branch for branch in branches if branch != _NULL]
                if len(real) == 1:
                    pending.append(real[0])


def forbidden_in_all_of(
    root: Mapping[str, Any], schema: Mapping[str, Any], flags: tuple[str, ...]
) -> set[str]:
    """Names of properties no value satisfies in the `allOf` branches of `schema` (nested and
    behind `$ref`s included): flagged for this direction, or declared `false`."""
    forbidden: set[str] = set()
    all_of = schema.get("allOf")
    pending: list[Any] = list(all_of) if isinstance(all_of, list) else []
    seen: set[int] = set()
    while pending:
        branch = pending.pop()
        if not isinstance(branch, Mapping) or id(branch) in seen:
            continue
        seen.add(id(branch))
        properties = branch.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                if sub is False or sub == {"not": {}} or flagged(root, sub, flags):
                    forbidden.add(str(name))
        if "$ref" in branch:
            pending.append(ref_target(root, branch["$ref"]))
        nested = branch.get("allOf")
        if isinstance(nested, list):
            pending.extend(nested)
    return forbidden


def drop_required(schema: Any, names: set[str]) -> None:
    """Remove `names` from `required` of a converted schema and of its inline `allOf` branches."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        required = node.get("required")
        if isinstance(required, list):
            kept = [name for name in required if name not in names]
            if kept:
                node["required"] = kept
            else:
                del node["required"]
        all_of = node.get("allOf")
        if isinstance(all_of, list):
            pending.extend(all_of)


def declare_required(schema: dict[str, Any]) -> None:
    """Declare, as `{}`, required properties that `additionalProperties: false` would forbid.

    As Schemathesis does: such a schema admits no object at all, and the contract tester reads
    it as allowing the property.
    """
    required = schema.get("required")
    if schema.get("additionalProperties") is not False or not required:
        return
    properties = schema.setdefault("properties", {})
    if isinstance(properties, dict) and isinstance(required, list):
        for name in required:
            properties.setdefault(name, {})


def pin_discriminator(
    root: Mapping[str, Any], schema: Mapping[str, Any], out: dict[str, Any]
) -> None:
    """In requests, tie each `$ref` branch of a discriminated union to its tag value.

    Schemathesis pins the tag the same way, so a branch only matches bodies carrying its own tag:
    without the pin, branches that differ only by tag all match and `oneOf` fails.
    """
    discriminator = schema.get("discriminator")
    name = discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None
    if not isinstance(name, str) or not name:
        return
    mapping = discriminator.get("mapping") if isinstance(discriminator, Mapping) else None
    by_target: dict[str, str] = {}
    for value, where in mapping.items() if isinstance(mapping, Mapping) else ():
        if isinstance(where, str):
            # A mapping value is a reference or, per OAS 3.x, a bare component name.
            pointer = ref_pointer(where) if where.startswith("#") else schema_pointer(where)
            if pointer is not None:
                by_target.setdefault(pointer, str(value))
    for keyword in ("anyOf", "oneOf"):
        raw, converted = schema.get(keyword), out.get(keyword)
        if not isinstance(raw, list) or not isinstance(converted, list):
            continue
        for branch, branch_out in zip(raw, converted, strict=False):
            ref = branch.get("$ref") if isinstance(branch, Mapping) else None
            pointer = ref_pointer(ref)
            if pointer is None or not isinstance(branch_out, dict):
                continue
            tag = _tag(root, pointer, name, by_target)
            if tag:
                # Beside `$ref`, 2020-12 applies `allOf` too; appending keeps existing pointers.
                pin = {"properties": {name: {"const": tag}}}
                branch_out["allOf"] = [*branch_out.get("allOf", []), pin]


def _tag(root: Mapping[str, Any], pointer: str, name: str, by_target: dict[str, str]) -> str | None:
    """The tag value of the branch a `$ref` to `pointer` is, or None to leave it unpinned."""
    tokens = split_pointer(pointer)
    implicit = tokens[-1] if tokens else ""
    branch = resolve_pointer(root, pointer)
    allowed = _tag_values(root, branch, name, set())
    tag = by_target.get(pointer)
    if tag is None and allowed is not None and len(allowed) == 1:
        tag = next(iter(allowed))
    if tag is None:
        # A polymorphic branch carries the real tags on its own branches.
        if isinstance(branch, Mapping) and ("oneOf" in branch or "anyOf" in branch):
            return None
        tag = implicit
        if allowed is not None and tag not in allowed:
            return None
    return tag


def _tag_values(root: Mapping[str, Any], schema: Any, name: str, seen: set[int]) -> set[str] | None:
    """String values the schema itself allows for the tag property (`allOf` included), or None."""
    if not isinstance(schema, Mapping) or id(schema) in seen:
        return None
    seen.add(id(schema))
    properties = schema.get("properties")
    values = _literals(properties.get(name)) if isinstance(properties, Mapping) else None
    all_of = schema.get("allOf")
    for branch in all_of if isinstance(all_of, list) else ():
        if isinstance(branch, Mapping) and "$ref" in branch:
            branch = ref_target(root, branch["$ref"])
        found = _tag_values(root, branch, name, seen)
        if found is not None:
            values = found if values is None else values & found
    return values


def _literals(schema: Any) -> set[str] | None:
    """The strings a tag schema is limited to (`const`, `enum`, a nullable union of those)."""
    if not isinstance(schema, Mapping):
        return None
    if isinstance(schema.get("const"), str):
        return {schema["const"]}
    enum = schema.get("enum")
    if isinstance(enum, list):
        return {value for value in enum if isinstance(value, str)} or None
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            collected: set[str] = set()
            for branch in branches:
                if branch == _NULL:
                    continue
                found = _literals(branch)
                if found is None:
                    return None
                collected |= found
            return collected or None
    return None
