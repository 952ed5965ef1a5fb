"""`as_mapping`, the IR builder's guard for values the validator has already judged.

Pointers and `$ref`s are `generator.spec.pointers`' (the one toolkit for raw documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["as_mapping"]


def as_mapping(node: Any) -> Mapping[str, Any]:
    """`node` if it is a mapping, else an empty one (the validator already reported it).

    >>> as_mapping([1]), as_mapping({"a": 1})
    ({}, {'a': 1})
    """
    return node if isinstance(node, Mapping) else {}
