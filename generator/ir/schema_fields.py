"""Python field names for schema properties whose wire names cannot be used as they are.

A wire name is kept when it is a plain ASCII identifier that shadows nothing a model needs;
otherwise it gets `snake_name` plus a number on collision, and the wire name stays the
field's alias. Safe names are claimed first, so `ﬁle` (NFKC `file`) beside `file` becomes
`file_2`, and `user-id` beside `user_id` becomes `user_id_2`.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Mapping
from typing import Any

from generator.ir.schema_python import MODULE_NAMES
from generator.naming import RESERVED_FIELDS, snake_name

# Attributes of pydantic.BaseModel a field must not shadow.
MODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "model_computed_fields", "model_config",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_extra",
        "model_fields", "model_fields_set", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
        "model_validate_strings", "parse_file", "parse_obj", "parse_raw", "schema",
        "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip
# Builtins datamodel-code-generator writes in annotations (`list[str]`, `dict[str, Any]`):
# a field of that name would shadow them in the class body. `l` trips ruff's E741.
_SHADOWING = frozenset({"bool", "bytes", "dict", "float", "int", "list", "set", "str", "l"})
UNSAFE = MODEL_ATTRIBUTES | MODULE_NAMES | _SHADOWING
_GENERATED_RESERVED = RESERVED_FIELDS | UNSAFE


def is_safe_field(wire: str) -> bool:
    """Whether a wire name can be a pydantic field name as it is.

    >>> [is_safe_field(n) for n in ["userId", "id", "class", "_x", "model_dump", "名前"]]
    [True, True, False, False, False, False]
    """
    return (
        wire.isascii()
        and wire.isidentifier()
        and not keyword.iskeyword(wire)
        and not wire.startswith("_")
        and wire not in UNSAFE
    )


def class_fields(wires: list[str]) -> dict[str, str]:
    """Python names for the unsafe wire names of one class.

    >>> class_fields(["file", "\\ufb01le", "class", "user_id", "user-id"])
    {'ﬁle': 'file_2', 'class': 'class_', 'user-id': 'user_id_2'}
    """
    taken = {w for w in wires if is_safe_field(w)}
    names: dict[str, str] = {}
    for wire in wires:
        if wire in taken:
            continue
        base = snake_name(wire, reserved=_GENERATED_RESERVED)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        names[wire] = name
    return names


def field_names(classes: Mapping[str, Any]) -> dict[str, str]:
    """`Class.wire` -> Python name for every renamed property (datamodel-code-generator's
    scoped `aliases` option, which keeps the wire name as the field's alias)."""
    out: dict[str, str] = {}
    for cls, body in classes.items():
        wires = list(dict.fromkeys(_properties(body)))
        for wire, name in class_fields(wires).items():
            out[f"{cls}.{wire}"] = name
    return out


def _properties(body: Any) -> Iterator[str]:
    """Property names a class declares itself, including inline `allOf` parts."""
    if not isinstance(body, Mapping):
        return
    props = body.get("properties")
    if isinstance(props, Mapping):
        yield from (str(k) for k in props)
    for part in body.get("allOf") or []:
        if isinstance(part, Mapping) and "$ref" not in part:
            yield from _properties(part)
