"""Lenient readings: how a contract that breaks a rule is still served, with a located warning.

Where one reading of a broken contract is unambiguous, validation reports a warning instead of
an error and generation reads the contract that way (docs/diagnostics.md#lenient-readings):

| finding | read as |
| --- | --- |
| `duplicate-operation-id` | the n-th operation with an id is named `<id>_<n>` |
| `default-mismatch` | the default is dropped (models, wire views, the served contract) |
| `required-property-undefined` | a property of any type when `additionalProperties` allows one, else not required |
| `schema-type` at a boolean `exclusiveMinimum`/`exclusiveMaximum` (3.1) | OpenAPI 3.0's meaning: the `minimum`/`maximum` beside it is exclusive |
| `schema-type` at `$recursiveAnchor: true` (3.1) | draft 2019-09's meaning: `$recursiveRef: "#"` below it is a `$ref` to that schema |
| `schema-type` at `required: true` in a schema | ignored (a property is required by its object's `required` list) |
| `schema-unique-items` | the repeated items once |
| `schema-required`: no `paths` (3.0) | no routes: the package holds the models (webhook-only contracts) |
| `unsupported-feature`: `nullable` beside a 3.0 `$ref` | a nullable reference (`allOf: [$ref]`, `nullable: true`) |
| `unsupported-feature`: `required` beside a 3.0 `$ref` | ignored, as OpenAPI 3.0 says of every sibling of `$ref` |

Each reading is a list of `Edit`s; `serve_leniently` applies them to a copy of the document,
which is what the IR, the models and the wire views are built from.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.spec.document import Spec
from generator.spec.pointers import copy_path, join_pointer, lookup, split_pointer
from generator.spec.rules.contract import Contract


class _Unset(enum.Enum):
    """No item to remove: an enum member, so an `Edit` keeps it when pickled (`emit/models/`
    hands the rules' edits to its worker)."""

    UNSET = "unset"


_MISSING = _Unset.UNSET
_BOUNDS = {"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"}


@dataclass(frozen=True)
class Edit:
    """One change to the served document: set `value` at `pointer`, drop it, or `remove` an item.

    >>> Edit("/a/default", drop=True).pointer
    '/a/default'
    """

    pointer: str
    value: Any = None
    drop: bool = False
    remove: Any = _MISSING  # an item to take out of the list at `pointer`


Reading = tuple[str, list[Edit]]  # (what the warning adds to the message, the edits)
Reader = Callable[[Contract, Diagnostic], Reading | None]


def read_leniently(c: Contract, found: list[Diagnostic]) -> tuple[list[Diagnostic], list[Edit]]:
    """`found` with each error that has a lenient reading lowered to a warning, and the edits."""
    out: list[Diagnostic] = []
    edits: list[Edit] = []
    for d in found:
        reader = READERS.get(d.rule) or (_schema_keyword if d.rule.startswith("schema-") else None)
        reading = reader(c, d) if reader is not None and d.level is not Level.INFO else None
        if reading is None:
            out.append(d)
            continue
        note, changes = reading
        message = f"{d.message}; {note}" if note else d.message
        out.append(dataclasses.replace(d, level=_lowered(d.level), message=message))
        edits.extend(changes)
    return out, edits


def serve_leniently(spec: Spec, edits: list[Edit]) -> Spec:
    """The contract as generation reads it: `spec` itself when nothing is read leniently.

    Only the containers on the way to an edit are copied; every other part is shared with
    `spec.root` (neither document is changed once built: both are read-only from here on).
    A deep copy of a 13 MB contract cost more time and memory than the rest of validation.
    """
    if not edits:
        return spec
    root = dict(spec.root)
    copied = {id(root)}
    for edit in edits:
        copy_path(root, join_pointer("", *split_pointer(edit.pointer)[:-1]), copied)
        _apply(root, edit)
    return dataclasses.replace(spec, root=root)


def apply_edits(root: dict[str, Any], edits: Iterable[Edit]) -> None:
    """Apply `edits` to `root` in place (`serve_leniently` applies them to a copy)."""
    for edit in edits:
        _apply(root, edit)


def _lowered(level: Level) -> Level:
    return Level.WARNING if level is Level.ERROR else level


def _apply(root: dict[str, Any], edit: Edit) -> None:
    tokens = split_pointer(edit.pointer)
    if not tokens:
        return
    parent = lookup(root, join_pointer("", *tokens[:-1]))
    key = tokens[-1]
    if isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
        if not edit.drop and edit.remove is _MISSING:
            parent[int(key)] = copy.deepcopy(edit.value)
        return
    if not isinstance(parent, dict):
        return  # an earlier edit took the place away
    if edit.drop:
        parent.pop(key, None)
    elif edit.remove is not _MISSING:
        items = parent.get(key)
        if isinstance(items, list):
            kept = [item for item in items if item != edit.remove]
            if kept:
                parent[key] = kept
            else:  # `required: []` is no valid 3.0, and means what no list means
                del parent[key]
    else:
        parent[key] = copy.deepcopy(edit.value)


def _parent(pointer: str) -> tuple[str, str]:
    tokens = split_pointer(pointer)
    return join_pointer("", *tokens[:-1]), (tokens[-1] if tokens else "")


def _default(c: Contract, d: Diagnostic) -> Reading | None:
    """A violation inside a schema's `default`: that default is dropped."""
    defaults = {join_pointer(n.pointer, "default") for n in c.index["schema"]}
    tokens = split_pointer(d.pointer)
    for end in range(len(tokens), 0, -1):
        pointer = join_pointer("", *tokens[:end])
        if tokens[end - 1] == "default" and pointer in defaults:
            return "the default is dropped", [Edit(pointer, drop=True)]
    return None


def _undefined_required(c: Contract, d: Diagnostic) -> Reading | None:
    """A required name no property defines: any type when the object allows more, else ignored."""
    list_pointer, _index = _parent(d.pointer)
    schema_pointer, _key = _parent(list_pointer)
    schema, name = c.get(schema_pointer), c.get(d.pointer)
    if not isinstance(schema, dict) or not isinstance(name, str):
        return None
    if schema.get("additionalProperties", True) is False:
        return "not required (additionalProperties: false)", [Edit(list_pointer, remove=name)]
    extra = schema.get("additionalProperties", True)
    shape = extra if isinstance(extra, dict) else {}
    pointer = join_pointer(schema_pointer, "properties", name)
    edits = [] if isinstance(schema.get("properties"), dict) else [Edit(_up(pointer), value={})]
    return "required, of any type", [*edits, Edit(pointer, value=shape)]


def _up(pointer: str) -> str:
    return _parent(pointer)[0]


def _ref_sibling(c: Contract, d: Diagnostic) -> Reading | None:
    """`nullable` beside a 3.0 `$ref`: a nullable reference; `required`: ignored as 3.0 says."""
    schema_pointer, key = _parent(d.pointer)
    schema = c.get(schema_pointer)
    if c.version != "3.0" or not isinstance(schema, dict) or "$ref" not in schema:
        return None
    if key == "required":
        note = "ignored, as OpenAPI 3.0 ignores every sibling of $ref"
        return note, [Edit(d.pointer, drop=True)]
    if key != "nullable":
        return None
    if schema.get("nullable") is not True:
        return "ignored (not nullable)", [Edit(d.pointer, drop=True)]
    rest = {k: v for k, v in schema.items() if k != "$ref"}
    served = {"allOf": [{"$ref": schema["$ref"]}], **rest}
    return "read as a nullable reference", [Edit(schema_pointer, value=served)]


def _schema_keyword(c: Contract, d: Diagnostic) -> Reading | None:
    """The meta-schema findings with one reading (see the table above)."""
    value = c.get(d.pointer)
    holder, key = _parent(d.pointer)
    if d.rule == "schema-unique-items" and isinstance(value, list):
        once = [item for i, item in enumerate(value) if item not in value[:i]]
        return "the repeated items are read once", [Edit(d.pointer, value=once)]
    if d.rule == "schema-required" and _no_paths(c, d):
        return "served with no routes (models only)", [Edit("/paths", value={})]
    if d.rule != "schema-type" or not isinstance(value, bool):
        return None
    if key in _BOUNDS and c.version != "3.0":
        return _exclusive_bound(c, holder, key, value)
    if key == "$recursiveAnchor" and c.version != "3.0":
        return _recursive_anchor(c, holder)
    if key == "required" and isinstance(c.get(holder), dict):
        return "ignored: list the property in its object's required instead", [
            Edit(d.pointer, drop=True)
        ]
    return None


def _no_paths(c: Contract, d: Diagnostic) -> bool:
    """A 3.0 contract without `paths` (webhooks or models only)."""
    return (
        d.pointer == "" and c.version == "3.0" and "paths" not in c.root and "'paths'" in d.message
    )


def _exclusive_bound(c: Contract, holder: str, key: str, value: bool) -> Reading:
    """OpenAPI 3.0's boolean `exclusiveMinimum` in 3.1: the `minimum` beside it, exclusive."""
    bound = _BOUNDS[key]
    schema = c.get(holder)
    limit = schema.get(bound) if isinstance(schema, dict) else None
    if value and isinstance(limit, (int, float)) and not isinstance(limit, bool):
        note = f"read as in OpenAPI 3.0: {key}: {limit} ({bound} is exclusive)"
        return note, [Edit(join_pointer(holder, bound), drop=True), Edit(_at(holder, key), limit)]
    return f"ignored (no numeric {bound} beside it)", [Edit(_at(holder, key), drop=True)]


def _at(holder: str, key: str) -> str:
    return join_pointer(holder, key)


def _recursive_anchor(c: Contract, holder: str) -> Reading:
    """Draft 2019-09 recursion: `$recursiveRef: "#"` under the anchored schema refers to it."""
    edits = [Edit(_at(holder, "$recursiveAnchor"), drop=True)]
    for pointer in _recursive_refs(c.get(holder), holder):
        edits.append(Edit(pointer, value={"$ref": "#" + holder}))
    note = 'read as draft 2019-09: $recursiveRef: "#" below it refers to this schema'
    return note, edits


def _recursive_refs(node: Any, pointer: str) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("$recursiveRef") == "#" and len(node) == 1:
            yield pointer
            return
        for key, value in node.items():
            yield from _recursive_refs(value, join_pointer(pointer, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _recursive_refs(value, join_pointer(pointer, index))


def _duplicate_id(c: Contract, d: Diagnostic) -> Reading | None:
    """A repeated operationId: the n-th operation using it is named `<id>_<n>` (unique)."""
    value = c.get(d.pointer)
    if not isinstance(value, str):
        return None
    operations = [*c.operations, *c.callback_operations]
    sites = [
        join_pointer(op.pointer, "operationId")
        for op in operations
        if op.node.get("operationId") == value
    ]
    if d.pointer not in sites:
        return None
    taken = {op.node.get("operationId") for op in operations}
    number = sites.index(d.pointer) + 1
    while f"{value}_{number}" in taken:
        number += len(sites)
    renamed = f"{value}_{number}"
    return f'this one is named "{renamed}"', [Edit(d.pointer, value=renamed)]


READERS: dict[str, Reader] = {
    "duplicate-operation-id": _duplicate_id,
    "default-mismatch": _default,
    "required-property-undefined": _undefined_required,
    "unsupported-feature": _ref_sibling,
}
