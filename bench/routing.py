"""Routing: what a request to the first and to the last route of a large contract costs.

    .venv/bin/python bench/run.py --only routing --contracts github

In process, over bare ASGI (no server, no client library), into the application's router
(FastAPI's route list with the index in front, the route's method check); every route's
endpoint is replaced by one that answers 204 at once, so what is timed is the routing. The
whole application (middleware included) is timed too, as the `app` rows. Four apps side by side in one process: the generated one (with its routing
index), the same without the index (FastAPI asking every route in turn), and one-route apps
(the index plus the route measured and nothing else of the contract's). Each round times a
batch of requests per app and route, the order turning every round; the ratios are taken
within a round and reported as the median over rounds with their range.

`bench_routing()` is a suite of bench/run.py.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from targets import record

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BATCH = 300
ROUNDS = 15


async def _no_content(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def _scope(method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
    }


def concrete(path: str) -> str:
    """A request path for a route template: each parameter becomes `p1`, `p2`...

    >>> concrete("/repos/{owner}/{repo}")
    '/repos/p1/p2'
    """
    parts, n = [], 0
    for chunk in path.split("{"):
        if "}" in chunk:
            n += 1
            chunk = f"p{n}" + chunk.split("}", 1)[1]
        parts.append(chunk)
    return "".join(parts)


def _stub(app: Any) -> list[Any]:
    """Answer 204 from every contract route; return them in order."""
    from fastapi.routing import APIRoute

    routes = [r for r in app.router.routes if isinstance(r, APIRoute) and r.include_in_schema]
    for route in routes:
        route.app = _no_content
    return routes


async def _batch(app: Any, method: str, path: str, n: int, *, whole: bool) -> float:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    target = app if whole else app.router
    start = time.perf_counter()
    for _ in range(n):
        await target(_scope(method, path), receive, send)
    elapsed = (time.perf_counter() - start) / n
    status = sent[0]["status"]
    if status != 204:
        raise RuntimeError(f"{method} {path}: {status}, not the stub's 204")
    return elapsed * 1e6


def _apps(package: Any) -> dict[str, Any]:
    from fastapi.routing import APIRoute

    indexed = package.create_app()
    linear = package.create_app()
    linear.router.routes[:] = [r for r in linear.router.routes if isinstance(r, APIRoute)]
    apps = {"indexed": indexed, "linear": linear}
    routes = _stub(indexed)
    _stub(linear)
    for label, keep in (("first", routes[0]), ("last", routes[-1])):
        single = package.create_app()
        contract = _stub(single)
        position = routes.index(keep)
        single.router.routes[:] = [
            r for r in single.router.routes if r not in contract or r is contract[position]
        ]
        apps[f"one-route ({label})"] = single
    return apps


def bench_routing(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Per contract: µs per request to the first and the last route, indexed and linear."""
    from generator.pipeline import generate_contract

    rows: list[dict[str, object]] = []
    sys.path.insert(0, str(work))
    logging.getLogger().setLevel(logging.ERROR)  # 771 unimplemented operations, said per app
    for contract in contracts:
        name = "routing_" + "".join(c if c.isalnum() else "_" for c in contract.stem)
        result = generate_contract(contract, work / name, label=contract.name)
        if result.report is None:
            rows.append({"contract": contract.name, "note": "does not generate"})
            continue
        rows += _measure(contract.name, importlib.import_module(name))
    return rows


def _measure(label: str, package: Any) -> list[dict[str, object]]:
    apps = _apps(package)
    routes = _stub(apps["indexed"])
    targets = {
        "first": (sorted(routes[0].methods)[0], concrete(routes[0].path)),
        "last": (sorted(routes[-1].methods)[0], concrete(routes[-1].path)),
    }
    cases = [
        ("indexed", "first"),
        ("indexed", "last"),
        ("linear", "first"),
        ("linear", "last"),
        ("one-route (first)", "first"),
        ("one-route (last)", "last"),
    ]
    rows: list[dict[str, object]] = []
    for whole in (False, True):
        times = _rounds(apps, targets, cases, whole=whole)
        scope = "app" if whole else "router"
        rows += [
            _ratio(label, scope, times, ("indexed", "last"), ("indexed", "first"), "<= 1.2"),
            _ratio(
                label, scope, times, ("indexed", "last"), ("one-route (last)", "last"), "<= 1.2"
            ),
            _ratio(
                label, scope, times, ("indexed", "first"), ("one-route (first)", "first"), "<= 1.2"
            ),
            _ratio(
                label, scope, times, ("linear", "last"), ("linear", "first"), "(FastAPI's scan)"
            ),
            _ratio(label, scope, times, ("linear", "last"), ("indexed", "last"), "(index saves)"),
        ]
    return rows


Case = tuple[str, str]


def _rounds(
    apps: dict[str, Any], targets: dict[str, tuple[str, str]], cases: list[Case], *, whole: bool
) -> dict[Case, list[float]]:
    """µs per request of each case in each round, the order turning every round."""
    times: dict[Case, list[float]] = {case: [] for case in cases}
    loop = asyncio.new_event_loop()
    try:
        for app, target in cases:  # warm-up
            loop.run_until_complete(_batch(apps[app], *targets[target], 50, whole=whole))
        for r in range(ROUNDS):
            for app, target in cases[r % len(cases) :] + cases[: r % len(cases)]:
                run = _batch(apps[app], *targets[target], BATCH, whole=whole)
                times[(app, target)].append(loop.run_until_complete(run))
    finally:
        loop.close()
    return times


def _ratio(
    label: str, scope: str, times: dict[Case, list[float]], a: Case, b: Case, target: str
) -> dict[str, object]:
    """a / b: of the best batches (what the machine's load disturbed least), and per round."""
    per_round = [x / y for x, y in zip(times[a], times[b], strict=True)]
    if scope == "app" and a == ("indexed", "last"):
        against = "first route" if b == ("indexed", "first") else "one-route app"
        name = (
            "1. routing, last / first route"
            if against == "first route"
            else ("1. routing, last route / one-route app")
        )
        record(name, label, per_round)
    return {
        "contract": label,
        "timed": scope,
        "compared": f"{a[0]} {a[1]} / {b[0]} {b[1]}",
        "best_us": f"{min(times[a]):.1f} / {min(times[b]):.1f}",
        "ratio_best": round(min(times[a]) / min(times[b]), 2),
        "ratio_median_round": round(statistics.median(per_round), 2),
        "range": f"{min(per_round):.2f}-{max(per_round):.2f}",
        "target": target,
    }
