"""Requests in process: the generated endpoints vs the same ones hand-written in FastAPI.

    .venv/bin/python bench/run.py --only inprocess

The apps of bench/serving.py (the bench contract generated with and without its security
requirements, and bench/handwritten/app.py), called over bare ASGI in one process: no server,
no load generator, so the figure is the applications' own cost per request, and a shared,
loaded machine disturbs it less than the uvicorn + wrk suite (`requests`). Each round times a
batch per endpoint and app, the order turning; reported: the ratio of the best batches
(hand-written time / generated time, i.e. generated throughput / hand-written), the median
of the per-round ratios and their range. JWT cost: each secured endpoint against the same
route generated without security (target < 10 %).

`bench_inprocess()` is a suite of bench/run.py.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from targets import record

HERE = Path(__file__).resolve().parent
BATCH = 200
ROUNDS = 15


def _scope(method: str, path: str, body: str, token: str) -> dict[str, Any]:
    headers = [(b"host", b"bench")]
    if body:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
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
        "headers": headers,
        "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
    }


async def _batch(app: Any, endpoint: tuple, token: str, n: int) -> float:
    _, method, path, body, expected, secured = endpoint
    payload = body.encode()
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start = time.perf_counter()
    for _ in range(n):
        await app(_scope(method, path, body, token if secured else ""), receive, send)
    elapsed = (time.perf_counter() - start) / n * 1e6
    if set(statuses) != {expected}:
        raise RuntimeError(f"{method} {path}: answered {sorted(set(statuses))}, not {expected}")
    return elapsed


def _apps(tmp: Path, secret: str) -> dict[str, Any]:
    """The generated app, its open twin and the hand-written app, built in this process."""
    from serving import generate_bench_package

    from generator.pipeline import env_prefix

    generate_bench_package(tmp)
    os.environ[f"{env_prefix('benchapi')}JWT_SECRET"] = secret
    os.environ["BENCH_JWT_SECRET"] = secret
    sys.path[:0] = [str(tmp), str(HERE / "handwritten")]
    return {
        "gen": importlib.import_module("benchfactory").build(),
        "open": importlib.import_module("openfactory").build(),
        "hand": importlib.import_module("app").app,
    }


def bench_inprocess(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Per endpoint: generated vs hand-written; per secured endpoint: the JWT cost."""
    from serving import ENDPOINTS, JWT_PAIRS, SECRET

    from generator.devtoken import mint

    logging.getLogger().setLevel(logging.ERROR)
    token = mint("bench", [], secret=SECRET, ttl_seconds=3600)
    with tempfile.TemporaryDirectory() as tmp:
        apps = _apps(Path(tmp), SECRET)
        cases = [(e, side) for e in ENDPOINTS for side in ("gen", "hand")]
        cases += [(secured, "open") for _, secured in JWT_PAIRS]
        times: dict[tuple[str, str], list[float]] = {(e[0], s): [] for e, s in cases}
        loop = asyncio.new_event_loop()
        try:
            for endpoint, side in cases:  # warm-up: validators built, caches filled
                sent = (*endpoint[:5], False) if side == "open" else endpoint
                loop.run_until_complete(_batch(apps[side], sent, token, 50))
            for r in range(ROUNDS):
                for endpoint, side in cases[r % len(cases) :] + cases[: r % len(cases)]:
                    sent = (*endpoint[:5], False) if side == "open" else endpoint
                    run = loop.run_until_complete(_batch(apps[side], sent, token, BATCH))
                    times[(endpoint[0], side)].append(run)
        finally:
            loop.close()
    rows: list[dict[str, object]] = []
    for endpoint in ENDPOINTS:
        gen, hand = times[(endpoint[0], "gen")], times[(endpoint[0], "hand")]
        per_round = [h / g for g, h in zip(gen, hand, strict=True)]
        record("6. requests, generated / hand-written throughput", endpoint[0], per_round)
        rows.append(
            {
                "endpoint": endpoint[0],
                "gen_best_us": round(min(gen), 1),
                "hand_best_us": round(min(hand), 1),
                "gen/hand throughput (best)": round(min(hand) / min(gen), 2),
                "median_round": round(statistics.median(per_round), 2),
                "range": f"{min(per_round):.2f}-{max(per_round):.2f}",
                "target": ">= 1.0",
            }
        )
    for _, secured in JWT_PAIRS:
        gen, opened = times[(secured[0], "gen")], times[(secured[0], "open")]
        per_round = [(g / o - 1) * 100 for g, o in zip(gen, opened, strict=True)]
        record("6. JWT overhead (%)", secured[0], per_round, "%")
        rows.append(
            {
                "endpoint": f"{secured[0]}: JWT cost vs the same route open",
                "gen_best_us": round(min(gen), 1),
                "hand_best_us": f"open {min(opened):.1f}",
                "gen/hand throughput (best)": f"{(min(gen) / min(opened) - 1) * 100:.1f}%",
                "median_round": f"{statistics.median(per_round):.1f}%",
                "range": f"{min(per_round):.1f}..{max(per_round):.1f}%",
                "target": "< 10%",
            }
        )
    return rows
