"""Local `$ref`s rewritten from Swagger 2.0's sections to OpenAPI 3.0's components.

>>> rewrite_ref("#/definitions/Pet")
'#/components/schemas/Pet'
>>> rewrite_ref("common.yaml#/definitions/Pet")
'common.yaml#/definitions/Pet'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.pointers import ref_pointer, split_pointer

# Swagger 2.0 section -> OpenAPI 3.0 components section (section 4.8.7 of 3.0.3).
SECTIONS = {
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
}
# A global parameter `in: body` becomes a request body component; one `in: formData` has
# no component of its own in 3.0 (it is a property of a form schema), so it is inlined.
BODY, FORM = "body", "formData"


def rewrite_ref(ref: str) -> str:
    """The 3.0 form of a local `$ref` into `definitions`, `parameters` or `responses`.

    References into other files are left alone: the bundler follows them as they are.
    """
    if not ref.startswith("#/"):
        return ref
    head, _, rest = ref[2:].partition("/")
    section = SECTIONS.get(head)
    if section is None or not rest:
        return ref
    return f"#/components/{section}/{rest}"


def ref_name(ref: Any, section: str) -> str | None:
    """The component name a local `$ref` into Swagger's `section` names, else None.

    >>> ref_name("#/parameters/limit", "parameters")
    'limit'
    """
    pointer = ref_pointer(ref)
    if pointer is None:
        return None
    tokens = split_pointer(pointer)
    return tokens[1] if len(tokens) == 2 and tokens[0] == section else None


def global_parameter(document: Mapping[str, Any], ref: Any) -> tuple[str, Any] | None:
    """The name and value of the global parameter a `$ref` leads to, if it leads to one."""
    name = ref_name(ref, "parameters")
    params = document.get("parameters")
    found = params.get(name) if isinstance(params, dict) and name is not None else None
    return (name, found) if isinstance(name, str) and isinstance(found, dict) else None


def placement(document: Mapping[str, Any], param: Any) -> str:
    """Where a (possibly referenced) parameter goes: `body`, `formData` or `parameters`."""
    if isinstance(param, dict) and "$ref" in param:
        found = global_parameter(document, param["$ref"])
        param = found[1] if found is not None else {}
    where = param.get("in") if isinstance(param, dict) else None
    return where if where in (BODY, FORM) else "parameters"
