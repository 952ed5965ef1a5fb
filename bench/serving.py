"""Requests and start-up: a generated service vs the same endpoints hand-written in FastAPI.

    .venv/bin/python bench/run.py --only requests

Both apps run under uvicorn on 127.0.0.1 (one worker each, no access log, log level warning)
at the same time on separate ports; wrk (Debian's `wrk`, one thread) in a separate process
drives one of them at a time, the order of the sides turning every round, each plain endpoint
next to its JWT-secured twin. Without wrk a bounded httpx loop stands in (heavier: it narrows
the differences). uvicorn parses HTTP with httptools (uvicorn[standard], as a service is
deployed); the suite prints which. Where the machine has two CPUs or more, the servers are
pinned to one and the load generator to the others, so the scheduler does not move them onto
each other. Seven rounds of 3 s runs: every ratio is computed within a round, from runs
seconds apart, and the median over the rounds is reported with its range; req/s and p50/p99
are those of each side's median run. Ratios only: the machine is shared, so absolute figures
drift by more than the differences measured.

JWT overhead: each secured endpoint against the same contract generated without security
requirements (a third server), so the route is the same and at the same place in the route
table; beside it, against the plain endpoint at the head of the table (which also counts the
routes FastAPI tries first), and the hand-written app's secured vs plain endpoint. After the
rounds, 12 back-to-back 2 s pairs per secured endpoint (generated vs open, the order
alternating, no warm-up: the servers are warm) give a second, tighter figure: the median pair
and its quartiles.

`bench_requests()` is a suite of bench/run.py (start-up: bench/startup.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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

# The same contract with its security requirements removed: the JWT overhead compares each
# secured endpoint with itself, at the same place in the route table.
OPEN_PACKAGE = "benchopen"
OPEN_CONTRACT = CONTRACT.replace("      security: [{bearer: []}]\n", "")

FACTORY = """\
from {package} import create_app, models, results

ITEMS = [models.Item(id=i, name=f"item-{i}", price=i * 1.5, tags=["a", "b"]) for i in range(20)]


class Items:
    async def list_items(self):
        return results.ListItemsOk(body=ITEMS)

    async def create_item(self, *, body):
        return results.CreateItemCreated(body=body)

    async def get_item(self, *, item_id):
        if item_id >= len(ITEMS):
            return results.GetItemNotFound()
        return results.GetItemOk(body=ITEMS[item_id])

    async def list_items_secure(self, **principal):
        return results.ListItemsSecureOk(body=ITEMS)

    async def create_item_secure(self, *, body, **principal):
        return results.CreateItemSecureCreated(body=body)


def build():
    return create_app(items=Items())
"""

# The fallback load generator: N requests over C keep-alive connections.
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

BODY = json.dumps({"id": 7, "name": "widget", "price": 9.5, "tags": ["a", "b"]})
# (label, method, path, body, expected status, secured)
ENDPOINTS = [  # each plain endpoint next to its secured twin: the JWT overhead pairs
    ("GET /items", "GET", "/items", "", 200, False),
    ("GET /secure/items (JWT)", "GET", "/secure/items", "", 200, True),
    ("POST /items", "POST", "/items", BODY, 201, False),
    ("POST /secure/items (JWT)", "POST", "/secure/items", BODY, 201, True),
    ("GET /items/{id}", "GET", "/items/7", "", 200, False),
]
JWT_PAIRS = ((ENDPOINTS[0], ENDPOINTS[1]), (ENDPOINTS[2], ENDPOINTS[3]))
# After the rounds: this many back-to-back 2 s pairs per secured endpoint, generated vs open
# (same route without security), the order alternating: a tighter figure for the JWT cost.
JWT_EXTRA_PAIRS = 12


def http_implementation() -> str:
    """What uvicorn serves HTTP/1.1 with here: httptools (uvicorn[standard]) or h11."""
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11 (pure Python: ~3 us per response header)"
    return "httptools"


def cpu_split() -> tuple[set[int], set[int]] | None:
    """(server CPUs, load generator CPUs): the last CPU for the servers, the rest for the load."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return ({cpus[-1]}, set(cpus[:-1])) if len(cpus) >= 2 else None


def pinned(cpus: set[int] | None) -> Callable[[], None] | None:
    """A `preexec_fn` that pins the child process to `cpus` (None: leave it to the scheduler)."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


CPU_SPLIT = cpu_split()
PIN_SERVER = pinned(CPU_SPLIT and CPU_SPLIT[0])
PIN_LOAD = pinned(CPU_SPLIT and CPU_SPLIT[1])


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
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=app_dir, preexec_fn=PIN_SERVER)
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


WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def load(
    base: str, endpoint: tuple, seconds: float, c: int, token: str, *, warm: bool = True
) -> dict[str, float]:
    """One measured run against one endpoint: req/s, p50/p99 in ms (wrk, else httpx)."""
    _, method, path, body, expected, secured = endpoint
    token = token if secured else ""
    check_answer(base + path, method, body, token, expected)
    if shutil.which("wrk") is None:
        return load_httpx(base + path, method, body, token, expected, int(seconds * 400), c)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
        script.write(WRK_SCRIPT.format(method=json.dumps(method), body=json.dumps(body), auth=auth))
    try:
        cmd = ["wrk", "-t1", f"-c{c}", "--latency", "-s", script.name, base + path]
        if warm:
            subprocess.run([*cmd, "-d1s"], capture_output=True, check=True, preexec_fn=PIN_LOAD)
        out = subprocess.run(
            [*cmd, f"-d{seconds}s"], capture_output=True, text=True, check=True, preexec_fn=PIN_LOAD
        ).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(out, f"{method} {path}")


def parse_wrk(out: str, label: str) -> dict[str, float]:
    """req/s and latency percentiles from wrk's report; refuses runs with non-2xx answers."""
    result: dict[str, float] = {"bad": 0}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(words[1])
        elif words[:1] in (["50%"], ["99%"]):
            value = words[1]
            unit = value.lstrip("0123456789.")
            result["p" + words[0].rstrip("%")] = float(value[: -len(unit)]) * _UNITS[unit]
        elif line.strip().startswith(("Non-2xx", "Socket errors")):
            result["bad"] += sum(int(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
    if result["bad"] or "rps" not in result:
        raise RuntimeError(f"{label}: wrk saw failed requests:\n{out}")
    return result


def check_answer(url: str, method: str, body: str, token: str, expected: int) -> None:
    """One request before measuring: the endpoint answers what it should."""
    import httpx

    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    answer = httpx.request(method, url, content=body or None, headers=headers, timeout=10)
    if answer.status_code != expected:
        raise RuntimeError(f"{method} {url}: {answer.status_code} {answer.text[:300]}")


def load_httpx(
    url: str, method: str, body: str, token: str, expected: int, n: int, c: int
) -> dict[str, float]:
    args = [url, method, str(n), str(c), body, token, str(expected)]
    out = subprocess.run(
        [PY, "-c", LOADGEN, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        preexec_fn=PIN_LOAD,
    )
    if out.returncode != 0:
        raise RuntimeError(f"load generator failed: {out.stderr[-800:]}")
    result: dict[str, float] = json.loads(out.stdout)
    if result["bad"]:
        raise RuntimeError(f"{method} {url}: {result['bad']} unexpected answers {result}")
    return result


def generate_bench_package(tmp: Path) -> Path:
    """The bench contract as `benchapi` (`benchfactory:build`), and without its security
    requirements as `benchopen` (`openfactory:build`), in `tmp`."""
    from generator.pipeline import generate_contract

    assert OPEN_CONTRACT.count("security:") == 0, "the open variant still has security"
    for package, text, factory in (
        (PACKAGE, CONTRACT, "benchfactory"),
        (OPEN_PACKAGE, OPEN_CONTRACT, "openfactory"),
    ):
        contract = tmp / f"{package}.yaml"
        contract.write_text(text, encoding="utf-8")
        generated = generate_contract(contract, tmp / package, label="bench.yaml")
        if not generated.files:
            problems = "; ".join(str(d) for d in generated.checked.diagnostics)
            raise RuntimeError(f"the bench contract did not generate: {problems}")
        source = FACTORY.replace("{package}", package)
        (tmp / f"{factory}.py").write_text(source, encoding="utf-8")
    return tmp


def as_sent(endpoint: tuple, side: str) -> tuple:
    """The endpoint as `side` is asked for it: the open variant gets no token."""
    return (*endpoint[:5], False) if side == "open" else endpoint


def spread(costs: list[float]) -> tuple[str, str]:
    """A list of percentages as its median and its range."""
    return f"{statistics.median(costs):.1f}%", f"{min(costs):.1f}..{max(costs):.1f}%"


def jwt_pairs(servers: dict[str, str], c: int, token: str) -> dict[str, list[float]]:
    """Per secured endpoint: the JWT cost (%) in each of JWT_EXTRA_PAIRS back-to-back pairs."""
    found: dict[str, list[float]] = {}
    for _, secured in JWT_PAIRS:
        for i in range(JWT_EXTRA_PAIRS):
            rps = {}
            for side in ("gen", "open") if i % 2 == 0 else ("open", "gen"):
                run = load(servers[side], as_sent(secured, side), 2, c, token, warm=False)
                rps[side] = run["rps"]
            found.setdefault(secured[0], []).append((rps["open"] / rps["gen"] - 1) * 100)
            print(f"  pair {i + 1:2} {secured[0]:26} {found[secured[0]][-1]:5.1f}%", flush=True)
    return found


def median_by_rps(runs: list[dict[str, float]]) -> dict[str, float]:
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def bench_requests_rows(seconds: float, c: int, rounds: int) -> tuple[list[dict], list[dict]]:
    """Every ratio is taken within a round (runs seconds apart) and the median over rounds
    reported: the machine's speed drifts by more than the differences measured."""
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
            "open": stack.enter_context(
                uvicorn("openfactory:build", app_dir, {"PYTHONPATH": str(app_dir)}, factory=True)
            ),
        }
        for r in range(rounds):
            for endpoint in ENDPOINTS:
                # The order of the sides turns every round: none always goes first. A secured
                # endpoint also runs on the open variant (same route, no security).
                sides = ["gen", "hand", "open"] if endpoint[5] else ["gen", "hand"]
                order = sides[r % len(sides) :] + sides[: r % len(sides)]
                for side in order:
                    result = load(servers[side], as_sent(endpoint, side), seconds, c, token)
                    runs.setdefault((endpoint[0], side), []).append(result)
                    print(
                        f"  round {r + 1} {side:4} {endpoint[0]:26} {result['rps']:7.0f} req/s"
                        f"  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms",
                        flush=True,
                    )
        pairs = jwt_pairs(servers, c, token)
    rows = []
    for endpoint in ENDPOINTS:
        gen, hand = runs[(endpoint[0], "gen")], runs[(endpoint[0], "hand")]
        g, h = median_by_rps(gen), median_by_rps(hand)
        ratios = [a["rps"] / b["rps"] for a, b in zip(gen, hand, strict=True)]
        rows.append(
            {
                "endpoint": endpoint[0],
                "gen_rps": round(g["rps"]),
                "hand_rps": round(h["rps"]),
                "ratio": round(statistics.median(ratios), 2),
                "ratio_range": f"{min(ratios):.2f}-{max(ratios):.2f}",
                "target": ">= 1.0",
                "gen_p50_ms": round(g["p50"], 2),
                "gen_p99_ms": round(g["p99"], 2),
                "hand_p50_ms": round(h["p50"], 2),
                "hand_p99_ms": round(h["p99"], 2),
            }
        )

    def costs(base: tuple[str, str], secured: tuple[str, str]) -> list[float]:
        """Per round: how much longer a request to `secured` takes than to `base` (%)."""
        pairs = zip(runs[base], runs[secured], strict=True)
        return [(b["rps"] / s["rps"] - 1) * 100 for b, s in pairs]

    overhead = []
    for plain, secured in JWT_PAIRS:
        same_route = spread(costs((secured[0], "open"), (secured[0], "gen")))
        quartiles = statistics.quantiles(pairs[secured[0]], n=4)
        vs_plain = spread(costs((plain[0], "gen"), (secured[0], "gen")))
        hand = spread(costs((plain[0], "hand"), (secured[0], "hand")))
        overhead.append(
            {
                "endpoint": secured[0],
                "gen_jwt_rps": round(median_by_rps(runs[(secured[0], "gen")])["rps"]),
                "gen_open_rps": round(median_by_rps(runs[(secured[0], "open")])["rps"]),
                "gen_jwt_overhead": same_route[0],
                "gen_overhead_range": same_route[1],
                "gen_jwt_overhead_pairs": f"{quartiles[1]:.1f}%",
                "pairs_quartiles": f"{quartiles[0]:.1f}..{quartiles[2]:.1f}%",
                "gen_vs_plain_route": vs_plain[0],
                "vs_plain_range": vs_plain[1],
                "hand_jwt_overhead": hand[0],
                "hand_overhead_range": hand[1],
                "target": "gen < 10%",
            }
        )
    return rows, overhead


def bench_requests(
    contracts: list[Path], work: Path, *, seconds: float = 3, rounds: int = 7
) -> list[dict[str, object]]:
    """bench/run.py's suite: generated vs hand-written endpoints, then JWT overhead rows."""
    loader = "wrk" if shutil.which("wrk") else "httpx (install wrk for sharper figures)"
    print(f"  load generator: {loader}, {seconds} s per run, concurrency 16, {rounds} rounds")
    print(f"  uvicorn's HTTP parser: {http_implementation()}")
    if CPU_SPLIT:
        servers, loader_cpus = (sorted(cpus) for cpus in CPU_SPLIT)
        print(f"  pinned: servers on CPU {servers}, load generator on {loader_cpus}")
    rows, overhead = bench_requests_rows(seconds, 16, rounds)
    return [*rows, *overhead]
