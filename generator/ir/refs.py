"""`as_mapping`, the IR builder's guard for values the validator has already judged.

`deref` and `resolve_pointer` live in `generator.spec.pointers`; they are re-exported here
for the model stage and the mock, which import them from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec.pointers import deref, resolve_pointer

__all__ = ["as_mapping", "deref", "resolve_pointer"]


def as_mapping(node: Any) -> Mapping[str, Any]:
    """`node` if it is a mapping, else an empty one (the validator already reported it).

    >>> as_mapping([1]), as_mapping({"a": 1})
    ({}, {'a': 1})
    """
    return node if isinstance(node, Mapping) else {}
