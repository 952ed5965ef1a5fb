"""The contract's own examples for a media type, header or parameter, in the order to try them.

OpenAPI puts examples in three places: the media type (or header, or parameter) object's
`example`, its `examples` map of Example objects (`value`; `externalValue` is not fetched),
and the schema's `example` / `examples` (a list in 3.1). The object's own come first.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from generator.ir.refs import as_mapping
from generator.spec.pointers import deref


def own_examples(document: Mapping[str, Any], holder: Mapping[str, Any]) -> list[Any]:
    """`example`, then each of `examples` (Example objects, `$ref`s followed) of one object.

    >>> own_examples({}, {"example": 1, "examples": {"a": {"value": 2}, "b": {"summary": "x"}}})
    [1, 2]
    """
    found: list[Any] = []
    if "example" in holder:
        found.append(holder["example"])
    for node in as_mapping(holder.get("examples")).values():
        example = as_mapping(deref(document, node, "")[0])
        if "value" in example:
            found.append(example["value"])
    return found


def schema_examples(document: Mapping[str, Any], schema: Any) -> list[Any]:
    """A schema's `example`, then its `examples` list (JSON Schema 2020-12, OpenAPI 3.1).

    >>> schema_examples({"s": {"example": "x"}}, {"$ref": "#/s"})
    ['x']
    """
    node = as_mapping(deref(document, schema, "")[0])
    found: list[Any] = []
    if "example" in node:
        found.append(node["example"])
    listed = node.get("examples")
    if isinstance(listed, list):
        found.extend(listed)
    return found


def examples_for(document: Mapping[str, Any], holder: Mapping[str, Any]) -> list[Any]:
    """Every example for a media type, header or parameter object: its own, then its schema's.

    Copies, so a caller may change them without touching the document.
    """
    found = own_examples(document, holder) + schema_examples(document, holder.get("schema"))
    return [copy.deepcopy(value) for value in found]
