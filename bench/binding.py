"""Handler binding: the typed routes class against the string lookup it replaced (issue 19).

Before, every request found its handler with `implementation(request, "items", "get_item")`
(a dict look-up of the tag's object, then `getattr` by name) and called it with keyword
arguments; now `create_app` binds each route once to a method of the generated routes class,
which calls the Protocol with typed arguments. Both paths run here side by side, in process,
on the same implementation and arguments: the ratio is old time / new time (>= 1.0 means the
typed binding costs nothing per call).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

ROUNDS = 9
CALLS = 20_000


class Items:
    """A stand-in implementation: the handler's own work is kept trivial."""

    async def get_item(self, *, item_id: int) -> int:
        return item_id


class Call:
    """What the runtime hands a generated routes method (values already typed)."""

    __slots__ = ("body", "principal", "request", "values")

    def __init__(self, request: Any, values: dict[str, Any], body: Any, principal: Any) -> None:
        self.request = request
        self.values = values
        self.body = body
        self.principal = principal


class ItemsRoutes:
    """The shape of a generated routes class (one typed call per operation)."""

    def __init__(self, impl: Items) -> None:
        self._impl = impl

    def get_item(self, _call: Call) -> Awaitable[int]:
        item_id: int = _call.values["item_id"]
        return self._impl.get_item(item_id=item_id)


class State:
    """Starlette's app.state, read by item as the old binding did."""

    def __init__(self, implementations: dict[str, object]) -> None:
        self._data = {"implementations": implementations}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]


def _old(state: State) -> Callable[[dict[str, Any]], Awaitable[object]]:
    async def route(values: dict[str, Any]) -> object:
        impl = state["implementations"].get("items")
        handler = getattr(impl, "get_item", None) if impl is not None else None
        assert handler is not None
        result: object = await handler(**values)
        return result

    return route


def _new(
    bound: Callable[[Call], Awaitable[object]],
) -> Callable[[dict[str, Any]], Awaitable[object]]:
    async def route(values: dict[str, Any]) -> object:
        return await bound(Call(None, values, None, None))

    return route


async def _time(route: Callable[[dict[str, Any]], Awaitable[object]]) -> float:
    values = {"item_id": 3}
    start = time.perf_counter()
    for _ in range(CALLS):
        await route(values)
    return (time.perf_counter() - start) / CALLS * 1e9


def bench_binding(_contracts: list[Any], _work: Any) -> list[dict[str, object]]:
    """Median ns per call of each binding over alternating rounds, and their ratio."""
    impl = Items()
    old, new = _old(State({"items": impl})), _new(ItemsRoutes(impl).get_item)
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(ROUNDS):
        times["old"].append(asyncio.run(_time(old)))
        times["new"].append(asyncio.run(_time(new)))
    o, n = statistics.median(times["old"]), statistics.median(times["new"])
    return [
        {
            "binding": "handler call",
            "string lookup (ns)": f"{o:.0f}",
            "typed routes class (ns)": f"{n:.0f}",
            "old / new": f"{o / n:.2f}",
        }
    ]


if __name__ == "__main__":
    for row in bench_binding([], None):
        print(row)
