"""Requests and start-up: a generated service vs the same endpoints hand-written in FastAPI.

    .venv/bin/python bench/requests.py [--requests 2000] [--concurrency 16] [--rounds 2]

Both apps run under uvicorn on 127.0.0.1 (one worker each, no access log, log level warning)
at the same time on two ports; a bounded httpx loop in a separate process drives one of them
at a time, alternating generated/hand-written per endpoint and per round (A/B/A/B). Per side
the best round (highest req/s) is reported, with its p50/p99. Ratios only: the machine is
shared and the load generator shares its two cores with the server, so absolute figures drift.

Start-up: `import <pkg>; create_app()` of the package generated from the GitHub corpus
contract, in fresh interpreters (skipped when ../shared/corpus is absent).

Writes bench/results/requests.md. `bench_requests(contracts)` has the suite signature of
bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __name__ == "__main__":
    # This file is named like the `requests` distribution: keep bench/ off the import path.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(ROOT))

LARGE = ROOT.parent / "shared" / "corpus" / "large"
GITHUB = LARGE / "github-api.github.com-2022-06.json"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
SECRET = "bench-secret-" + "x" * 40  # HS256 needs 32+ bytes
PACKAGE = "benchapi"

CONTRACT = """\
openapi: 3.1.0
info: {title: bench, version: 1.0.0}
tags: [{name: items}]
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      summary: List items
      responses:
        "200":
          description: The items.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Item"}}
    post:
      operationId: createItem
      tags: [items]
      summary: Create an item
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Item"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
  /items/{item_id}:
    get:
      operationId: getItem
      tags: [items]
      summary: Read an item
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: integer, minimum: 0}}
      responses:
        "200":
          description: The item.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "404": {description: No such item.}
  /secure/items:
    get:
      operationId: listItemsSecure
      tags: [items]
      summary: List items (bearer JWT)
      security: [{bearer: []}]
      responses:
        "200":
          description: The items.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Item"}}
        "401": {description: Unauthenticated.}
    post:
      operationId: createItemSecure
      tags: [items]
      summary: Create an item (bearer JWT)
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Item"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "401": {description: Unauthenticated.}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
  schemas:
    Item:
      type: object
      required: [id, name, price]
      properties:
        id: {type: integer, minimum: 0}
        name: {type: string, minLength: 1, maxLength: 100}
        price: {type: number, minimum: 0}
        tags: {type: array, items: {type: string}}
"""

FACTORY = f"""\
from {PACKAGE} import create_app, models, results

ITEMS = [models.Item(id=i, name=f"item-{{i}}", price=i * 1.5, tags=["a", "b"]) for i in range(20)]


class Items:
    async def list_items(self):
        return results.ListItemsOk(body=ITEMS)

    async def create_item(self, *, body):
        return results.CreateItemCreated(body=body)

    async def get_item(self, *, item_id):
        if item_id >= len(ITEMS):
            return results.GetItemNotFound()
        return results.GetItemOk(body=ITEMS[item_id])

    async def list_items_secure(self, *, principal):
        return results.ListItemsSecureOk(body=ITEMS)

    async def create_item_secure(self, *, body, principal):
        return results.CreateItemSecureCreated(body=body)


def build():
    return create_app(items=Items())
"""

# The load generator: N requests over C keep-alive connections, one latency sample each.
LOADGEN = """
import asyncio, json, sys, time
import httpx

url, method, n, c, body, token, expected = sys.argv[1:8]
n, c, expected = int(n), int(c), int(expected)
headers = {"content-type": "application/json"} if body else {}
if token:
    headers["authorization"] = "Bearer " + token
content = body.encode() if body else None


async def main():
    limits = httpx.Limits(max_connections=c, max_keepalive_connections=c)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        bad = []
        lat = []

        async def worker(todo, record):
            for _ in todo:
                t = time.perf_counter()
                r = await client.request(method, url, content=content, headers=headers)
                if record:
                    lat.append(time.perf_counter() - t)
                if r.status_code != expected:
                    bad.append((r.status_code, r.text[:200]))

        warm = iter(range(max(c * 8, n // 10)))
        await asyncio.gather(*(worker(warm, False) for _ in range(c)))
        todo = iter(range(n))
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(todo, True) for _ in range(c)))
        wall = time.perf_counter() - t0
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    print(json.dumps({"rps": n / wall, "p50": q(0.50), "p99": q(0.99),
                      "bad": len(bad), "sample": bad[:1]}))


asyncio.run(main())
"""

# FastAPI may build included routers lazily, so the first request (a 404: every route is
# tried) is timed too, over bare ASGI without a client library.
STARTUP_CHILD = """
import asyncio, time
t = time.perf_counter()
import {pkg}
app = {pkg}.create_app()
created = time.perf_counter() - t


def count(routes):
    return sum(count(r.original_router.routes) if hasattr(r, "original_router") else 1
               for r in routes)


async def first_request():
    scope = {{"type": "http", "asgi": {{"version": "3.0"}}, "http_version": "1.1",
              "method": "GET", "scheme": "http", "path": "/__bench_missing__", "raw_path": b"",
              "root_path": "", "query_string": b"", "headers": [], "server": ("x", 80),
              "client": ("127.0.0.1", 1), "state": {{}}}}
    sent = []

    async def receive():
        return {{"type": "http.request", "body": b"", "more_body": False}}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"]


t = time.perf_counter()
status = asyncio.run(first_request())
print(created, time.perf_counter() - t, count(app.routes), status)
"""

BODY = json.dumps({"id": 7, "name": "widget", "price": 9.5, "tags": ["a", "b"]})
# (label, method, path, body, expected status, secured)
ENDPOINTS = [
    ("GET /items", "GET", "/items", "", 200, False),
    ("POST /items", "POST", "/items", BODY, 201, False),
    ("GET /secure/items (JWT)", "GET", "/secure/items", "", 200, True),
    ("POST /secure/items (JWT)", "POST", "/secure/items", BODY, 201, True),
    ("GET /items/{id}", "GET", "/items/7", "", 200, False),  # after the pairs used below
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn(target: str, app_dir: Path, env: dict[str, str], *, factory: bool = False):
    """A uvicorn server for `target` on a free port; yields its base URL once it answers."""
    port = free_port()
    cmd = [PY, "-m", "uvicorn", target, "--app-dir", str(app_dir), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
    if factory:
        cmd.append("--factory")
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=app_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{target} exited with {proc.returncode}")
            try:
                if httpx.get(base + "/items", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{target} did not start")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(base: str, endpoint: tuple, n: int, c: int, token: str) -> dict[str, float]:
    _, method, path, body, expected, secured = endpoint
    args = [base + path, method, str(n), str(c), body, token if secured else "", str(expected)]
    out = subprocess.run(
        [PY, "-c", LOADGEN, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if out.returncode != 0:
        raise RuntimeError(f"load generator failed: {out.stderr[-800:]}")
    result: dict[str, float] = json.loads(out.stdout)
    if result["bad"]:
        raise RuntimeError(f"{method} {path}: {result['bad']} unexpected answers {result}")
    return result


def generate_bench_package(tmp: Path) -> Path:
    from generator.pipeline import generate_contract

    contract = tmp / "bench.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    generated = generate_contract(contract, tmp / PACKAGE, label="bench.yaml")
    if not generated.files:
        problems = "; ".join(str(d) for d in generated.checked.diagnostics)
        raise RuntimeError(f"the bench contract did not generate: {problems}")
    (tmp / "benchfactory.py").write_text(FACTORY, encoding="utf-8")
    return tmp


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return max(runs, key=lambda r: r["rps"])


def bench_requests_rows(n: int, c: int, rounds: int) -> tuple[list[dict], list[dict]]:
    from generator.devtoken import mint
    from generator.pipeline import env_prefix

    token = mint("bench", [], secret=SECRET, ttl_seconds=3600)
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmpdir, ExitStack() as stack:
        app_dir = generate_bench_package(Path(tmpdir))
        gen_env = {f"{env_prefix(PACKAGE)}JWT_SECRET": SECRET, "PYTHONPATH": str(app_dir)}
        servers = {
            "gen": stack.enter_context(
                uvicorn("benchfactory:build", app_dir, gen_env, factory=True)
            ),
            "hand": stack.enter_context(
                uvicorn("app:app", HERE / "handwritten", {"BENCH_JWT_SECRET": SECRET})
            ),
        }
        for r in range(rounds):
            for endpoint in ENDPOINTS:
                # A/B in one round, B/A in the next: neither side always goes first.
                order = ["gen", "hand"] if r % 2 == 0 else ["hand", "gen"]
                for side in order:
                    result = load(servers[side], endpoint, n, c, token)
                    runs.setdefault((endpoint[0], side), []).append(result)
                    print(
                        f"  round {r + 1} {side:4} {endpoint[0]:26} {result['rps']:7.0f} req/s"
                        f"  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms",
                        flush=True,
                    )
    rows = []
    for endpoint in ENDPOINTS:
        g, h = best(runs[(endpoint[0], "gen")]), best(runs[(endpoint[0], "hand")])
        rows.append(
            {
                "endpoint": endpoint[0],
                "gen_rps": round(g["rps"]),
                "hand_rps": round(h["rps"]),
                "ratio": round(g["rps"] / h["rps"], 2),
                "target": ">= 0.9",
                "gen_p50_ms": round(g["p50"], 2),
                "gen_p99_ms": round(g["p99"], 2),
                "hand_p50_ms": round(h["p50"], 2),
                "hand_p99_ms": round(h["p99"], 2),
            }
        )
    overhead = []
    for plain, secured in ((ENDPOINTS[0], ENDPOINTS[2]), (ENDPOINTS[1], ENDPOINTS[3])):
        row: dict[str, object] = {"endpoint": plain[0]}
        for side in ("gen", "hand"):
            p, s = best(runs[(plain[0], side)]), best(runs[(secured[0], side)])
            row[f"{side}_plain_rps"] = round(p["rps"])
            row[f"{side}_jwt_rps"] = round(s["rps"])
            row[f"{side}_jwt_overhead"] = f"{(p['rps'] / s['rps'] - 1) * 100:.1f}%"
        row["target"] = "gen < 10%"
        overhead.append(row)
    return rows, overhead


def bench_startup(repeats: int = 3) -> list[dict[str, object]]:
    if not GITHUB.is_file():
        print(f"  start-up skipped: {GITHUB} is absent")
        return []
    from generator.pipeline import generate_contract

    with tempfile.TemporaryDirectory() as tmpdir:
        pkg = "github_api"
        t = time.perf_counter()
        generated = generate_contract(GITHUB, Path(tmpdir) / pkg, label=GITHUB.name)
        gen_s = time.perf_counter() - t
        if not generated.files:
            return [{"contract": GITHUB.name, "error": "did not generate"}]
        inner, first, wall, routes = [], [], [], 0
        for _ in range(repeats):
            t = time.perf_counter()
            out = subprocess.run(
                [PY, "-c", STARTUP_CHILD.format(pkg=pkg)],
                cwd=tmpdir,
                capture_output=True,
                text=True,
                check=False,
            )
            wall.append(time.perf_counter() - t)
            if out.returncode != 0:
                return [{"contract": GITHUB.name, "error": out.stderr.strip()[-300:]}]
            seconds, first_s, routes_text, _status = out.stdout.split()
            inner.append(float(seconds))
            first.append(float(first_s))
            routes = int(routes_text)
        bare = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([PY, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - t)
    return [
        {
            "contract": GITHUB.name,
            "routes": routes,
            "import_create_app_s": round(statistics.median(inner), 2),
            "first_request_s": round(statistics.median(first), 2),
            "process_wall_s": round(statistics.median(wall), 2),
            "bare_interpreter_s": round(statistics.median(bare), 2),
            "generate_s": round(gen_s, 1),
        }
    ]


def bench_requests(contracts: list[Path] | None = None) -> list[dict[str, object]]:
    """The suite in bench/run.py's shape (contracts are not used: the bench contract is ours)."""
    rows, overhead = bench_requests_rows(2000, 16, 2)
    return [*rows, *overhead]


def table(title: str, rows: list[dict]) -> str:
    if not rows:
        return f"## {title}\n\n(no rows)\n"
    keys = list(rows[0])
    lines = [f"## {title}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="runs per side and endpoint")
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        f"requests: {args.requests} per run, concurrency {args.concurrency}, {args.rounds} rounds"
    )
    rows, overhead = bench_requests_rows(args.requests, args.concurrency, args.rounds)
    startup = [] if args.skip_startup else bench_startup()
    text = [
        "# specfirst request benchmarks",
        "",
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{args.requests} requests at concurrency {args.concurrency} per run (httpx, separate "
        f"process), best of {args.rounds} alternated rounds per side.",
        "",
        table("requests: generated vs hand-written FastAPI", rows),
        table("JWT overhead (secured vs unsecured, req/s)", overhead),
        table("start-up: import + create_app() in a fresh interpreter", startup),
        f"(total bench time {time.perf_counter() - started:.0f} s)",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "requests.md").write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
