"""Numbers for merged JSON Schema 2020-12 bounds: simple values inside them, on every `multipleOf` grid.

OpenAPI 3.0's boolean `exclusiveMinimum` and the `int32`/`int64` ranges are already bounds in
the wire views, so only 2020-12 spellings are read here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

Number = int | float


def _num(value: Any) -> Number | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def bounds(numbers: Mapping[str, Any]) -> tuple[Number | None, bool, Number | None, bool]:
    """(low, low exclusive, high, high exclusive) of 2020-12 bounds.

    >>> bounds({"minimum": 1, "exclusiveMinimum": 1})
    (1, True, None, False)
    >>> bounds({"exclusiveMaximum": 5, "maximum": 3})
    (None, False, 3, False)
    """
    low, high = _num(numbers.get("minimum")), _num(numbers.get("maximum"))
    low_open = high_open = False
    open_low, open_high = (
        _num(numbers.get("exclusiveMinimum")),
        _num(numbers.get("exclusiveMaximum")),
    )
    if open_low is not None and (low is None or open_low >= low):
        low, low_open = open_low, True
    if open_high is not None and (high is None or open_high <= high):
        high, high_open = open_high, True
    return low, low_open, high, high_open


def numbers(
    limits: Mapping[str, Any], steps: list[Any], *, integer: bool, index: int = 0
) -> Iterator[Number]:
    """Distinct values within `limits`, multiples of every step; `index` comes first when it fits.

    >>> list(numbers({"minimum": 3}, [2], integer=True))[:2]
    [4, 6]
    >>> next(numbers({"exclusiveMinimum": 0, "exclusiveMaximum": 1}, [], integer=False))
    0.5
    >>> next(numbers({"minimum": -2147483648, "maximum": 2147483647}, [], integer=True, index=3))
    3
    """
    low, low_open, high, high_open = bounds(limits)
    grid = [s for s in (_num(step) for step in steps) if s is not None and s > 0]

    def fits(value: Number) -> bool:
        return (
            (low is None or value > low or (value == low and not low_open))
            and (high is None or value < high or (value == high and not high_open))
            and all(math.isclose(value / s, round(value / s), abs_tol=1e-9) for s in grid)
            and (not integer or float(value).is_integer())
        )

    found: set[Number] = set()
    candidates = _candidates(low, high, grid, index)
    if not integer:  # a fraction tells a number from an integer (`oneOf` of both, `not`)
        candidates += [value + 0.5 for value in candidates[:5]]
    for value in candidates:
        if fits(value):
            number = int(value) if integer or float(value).is_integer() else value
            if number not in found:
                found.add(number)
                yield number


def _candidates(
    low: Number | None, high: Number | None, grid: list[Number], index: int
) -> list[Number]:
    candidates: list[Number] = [index, 0, 1, index + 1, 2]
    if low is not None:
        candidates += [low + index, low, math.floor(low) + 1, low + 1, math.floor(low) + 2]
    if high is not None:
        candidates += [high - index, high, math.ceil(high) - 1, high - 1, math.ceil(high) - 2]
    if low is not None and high is not None:
        candidates += [(low + high) / 2, math.floor((low + high) / 2)]
    if grid:
        step = grid[0]
        for other in grid[1:]:  # a common multiple of integral steps
            if float(step).is_integer() and float(other).is_integer():
                step = math.lcm(int(step), int(other))
        start = low if low is not None else 0
        first = math.ceil(start / step) * step
        candidates += [first + index * step, first, first + step, first + 2 * step]
        if high is not None:
            last = math.floor(high / step) * step
            candidates += [last, last - step]
    return candidates
