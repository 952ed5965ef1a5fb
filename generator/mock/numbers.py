"""Numbers for a schema: the smallest simple value inside its bounds and on its `multipleOf` grid."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

Number = int | float


def _num(value: Any) -> Number | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def bounds(
    schema: Mapping[str, Any], *, legacy: bool
) -> tuple[Number | None, bool, Number | None, bool]:
    """(low, low exclusive, high, high exclusive) in either OpenAPI 3.0 or 3.1 spelling.

    >>> bounds({"minimum": 1, "exclusiveMinimum": True}, legacy=True)
    (1, True, None, False)
    >>> bounds({"exclusiveMaximum": 5}, legacy=False)
    (None, False, 5, True)
    """
    low, high = _num(schema.get("minimum")), _num(schema.get("maximum"))
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if legacy:
        return low, ex_low is True, high, ex_high is True
    low_open = high_open = False
    open_low, open_high = _num(ex_low), _num(ex_high)
    if open_low is not None and (low is None or open_low >= low):
        low, low_open = open_low, True
    if open_high is not None and (high is None or open_high <= high):
        high, high_open = open_high, True
    return low, low_open, high, high_open


def number(schema: Mapping[str, Any], *, integer: bool, index: int = 0, legacy: bool) -> Number:
    """A value within the bounds, a multiple of `multipleOf`; `index` varies it when it can.

    >>> number({"minimum": 3, "multipleOf": 2}, integer=True, legacy=False)
    4
    >>> number({"minimum": 0, "exclusiveMinimum": True, "maximum": 1}, integer=False, legacy=True)
    1
    >>> number({"exclusiveMinimum": 0, "exclusiveMaximum": 1}, integer=False, legacy=False)
    0.5
    """
    low, low_open, high, high_open = bounds(schema, legacy=legacy)
    step = _num(schema.get("multipleOf"))

    def fits(value: Number) -> bool:
        return (
            (low is None or value > low or (value == low and not low_open))
            and (high is None or value < high or (value == high and not high_open))
            and (not step or math.isclose(value / step, round(value / step), abs_tol=1e-9))
            and (not integer or float(value).is_integer())
        )

    candidates: list[Number] = [index, 0, 1]
    if low is not None:
        candidates += [low + index, low, math.floor(low) + 1, low + 1]
    if high is not None:
        candidates += [high, math.ceil(high) - 1, high - 1]
    if low is not None and high is not None:
        candidates.append((low + high) / 2)
    if step:
        start = low if low is not None else 0
        first = math.ceil(start / step) * step
        candidates += [first + index * step, first, first + step]
    for value in candidates:
        if fits(value):
            return int(value) if integer or float(value).is_integer() else value
    return int(low) if integer and low is not None else (low if low is not None else 0)
