"""Load on the users example: PostgreSQL + Redis, N workers, many clients, reads then reads + writes.

    .venv/bin/python bench/users_load.py                         # issue 22: 2 workers, 48 clients, 60 s
    .venv/bin/python bench/users_load.py --duration 15 --clients 16   # a short run

The service runs as in production (`python -m examples.users serve --workers N`) on
127.0.0.1 against a fresh PostgreSQL database and a Redis database of its own (flushed
first), with Argon2id at `PasswordHash.recommended()` costs. Limits are raised out of the
way: every client comes from 127.0.0.1, and this measures throughput, not throttling.

Two phases of `--duration` seconds each, every client looping over its own account:

- **reads**: `GET /users/me`, `GET /users/{id}`, `GET /users` (admin), `GET /health/ready`;
- **mixed**: the same reads, and one request in `--write-share` a write: `PATCH /users/me`,
  `POST /auth/refresh`, and the password-hashing ones, `POST /auth/token` and `POST /users`.

Reported per phase: requests per second, p50/p99 per endpoint, the 5xx count; and the
question the issue asks, whether hashing starves reads: reads' p99 in the mixed phase over
their p99 in the reads phase (target ≤ 5). The load generator (httpx, one asyncio process)
shares the machine's CPUs with the server: absolute figures are the machine's, not the
service's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1"
SECRET = "bench-secret-" + "x" * 40
ADMIN, ADMIN_PASSWORD = "admin@example.com", "bench admin password 1"
PASSWORD = "bench user password 1"
READS = ("GET /users/me", "GET /users/{id}", "GET /users", "GET /health/ready")
HASHING = ("POST /auth/token", "POST /users")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fresh_postgres(admin_url: str, name: str) -> str:
    async def recreate() -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(recreate())
    return (
        admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name
    )


@contextmanager
def service(args: argparse.Namespace) -> Iterator[str]:
    """The service under `serve`, migrated and running; yields its base URL."""
    database_url = _fresh_postgres(args.pg_admin_url, args.pg_database)
    redis.Redis.from_url(args.redis_url).flushdb()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "USERS_JWT_SECRET": SECRET,
        "USERS_ADMIN_EMAIL": ADMIN,
        "USERS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "USERS_RATE_LIMIT_PER_ADDRESS": "1000000000",
        "USERS_RATE_LIMIT_PER_ACCOUNT": "1000000000",
        "USERS_LOG_LEVEL": "WARNING",
        "USERS_DATABASE_POOL_SIZE": str(max(5, args.clients // args.workers)),
    }
    subprocess.run([sys.executable, "-m", "examples.users", "migrate"], env=env, check=True)
    port = _free_port()
    command = [sys.executable, "-m", "examples.users", "serve", "--port", str(port)]
    process = subprocess.Popen([*command, "--workers", str(args.workers)], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}{API}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the service did not become ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


class Client:
    """One simulated user: its account, tokens and what it measured."""

    def __init__(self, http: httpx.AsyncClient, index: int, run: str) -> None:
        self.http = http
        self.email = f"load-{run}-{index}@example.com"
        self.id = ""
        self.access = self.refresh = ""
        self.writes = 0

    async def sign_in(self) -> httpx.Response:
        form = {"grant_type": "password", "username": self.email, "password": PASSWORD}
        response = await self.http.post(f"{API}/auth/token", data=form)
        if response.status_code == 200:
            self.access = response.json()["access_token"]
            self.refresh = response.json()["refresh_token"]
        return response

    async def setup(self) -> None:
        body = {"email": self.email, "password": PASSWORD, "display_name": "Load"}
        registered = await self.http.post(f"{API}/users", json=body)
        registered.raise_for_status()
        self.id = registered.json()["id"]
        (await self.sign_in()).raise_for_status()

    def _auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.access}"}

    async def request(self, name: str, admin: str) -> httpx.Response:
        h = self.http
        if name == "GET /users/me":
            return await h.get(f"{API}/users/me", headers=self._auth())
        if name == "GET /users/{id}":
            return await h.get(f"{API}/users/{self.id}", headers=self._auth())
        if name == "GET /users":
            return await h.get(f"{API}/users", params={"per_page": 20}, headers=self._auth(admin))
        if name == "GET /health/ready":
            return await h.get(f"{API}/health/ready")
        if name == "PATCH /users/me":
            body = {"display_name": f"Load {self.writes}"}
            return await h.patch(f"{API}/users/me", json=body, headers=self._auth())
        if name == "POST /auth/refresh":
            response = await h.post(f"{API}/auth/refresh", json={"refresh_token": self.refresh})
            if response.status_code == 200:
                self.access = response.json()["access_token"]
                self.refresh = response.json()["refresh_token"]
            return response
        if name == "POST /auth/token":
            return await self.sign_in()
        self.writes += 1
        body = {
            "email": f"new-{self.writes}-{self.email}",
            "password": PASSWORD,
            "display_name": "N",
        }
        return await h.post(f"{API}/users", json=body)


async def phase(
    clients: list[Client], admin: str, seconds: float, write_share: float, seed: int
) -> dict[str, list[tuple[float, int]]]:
    """Every client loops until the time is up; returns (latency, status) per endpoint."""
    samples: dict[str, list[tuple[float, int]]] = defaultdict(list)
    writes = ("PATCH /users/me", "POST /auth/refresh", *HASHING)
    deadline = time.perf_counter() + seconds

    async def loop(client: Client, rng: random.Random) -> None:
        while time.perf_counter() < deadline:
            is_write = rng.random() < write_share
            name = rng.choice(writes if is_write else READS)
            started = time.perf_counter()
            try:
                status = (await client.request(name, admin)).status_code
            except httpx.HTTPError:
                status = 599  # no answer at all counts as a server error
            samples[name].append((time.perf_counter() - started, status))

    await asyncio.gather(*(loop(c, random.Random(seed + i)) for i, c in enumerate(clients)))
    return samples


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(samples: dict[str, list[tuple[float, int]]], seconds: float) -> dict[str, Any]:
    """Throughput, p50/p99 (ms) per endpoint and for all reads, and the 5xx count."""
    endpoints = {
        name: {
            "count": len(rows),
            "p50_ms": round(_quantile([t for t, _ in rows], 0.5) * 1000, 1),
            "p99_ms": round(_quantile([t for t, _ in rows], 0.99) * 1000, 1),
            "5xx": sum(1 for _, s in rows if s >= 500),
            "statuses": sorted({s for _, s in rows}),
        }
        for name, rows in sorted(samples.items())
    }
    reads = [t for name in READS for t, _ in samples.get(name, [])]
    total = sum(len(rows) for rows in samples.values())
    return {
        "requests_per_second": round(total / seconds, 1),
        "reads_p50_ms": round(_quantile(reads, 0.5) * 1000, 1) if reads else None,
        "reads_p99_ms": round(_quantile(reads, 0.99) * 1000, 1) if reads else None,
        "5xx": sum(e["5xx"] for e in endpoints.values()),
        "endpoints": endpoints,
    }


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        form = {"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD}
        admin = (await http.post(f"{API}/auth/token", data=form)).json()["access_token"]
        run = f"{int(time.time())}"
        clients = [Client(http, i, run) for i in range(args.clients)]
        for start in range(0, len(clients), 8):  # hashing-bound: a few at a time
            await asyncio.gather(*(c.setup() for c in clients[start : start + 8]))
        result: dict[str, Any] = {}
        for name, share in (("reads", 0.0), ("mixed", args.write_share)):
            samples = await phase(clients, admin, args.duration, share, args.seed)
            result[name] = summarize(samples, args.duration)
        reads, mixed = result["reads"]["reads_p99_ms"], result["mixed"]["reads_p99_ms"]
        result["reads_p99_ratio"] = round(mixed / reads, 2) if reads and mixed else None
        return result


def render(result: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"users load: {args.workers} workers, {args.clients} clients, {args.duration:g} s per "
        f"phase, write share {args.write_share:g} (os.cpu_count()={os.cpu_count()})",
    ]
    for name in ("reads", "mixed"):
        phase_result = result[name]
        lines.append(
            f"\n{name}: {phase_result['requests_per_second']} req/s, reads p50 "
            f"{phase_result['reads_p50_ms']} ms p99 {phase_result['reads_p99_ms']} ms, "
            f"5xx {phase_result['5xx']}"
        )
        lines.append("| endpoint | requests | p50 ms | p99 ms | 5xx | statuses |")
        lines.append("|---|---|---|---|---|---|")
        for endpoint, row in phase_result["endpoints"].items():
            statuses = " ".join(map(str, row["statuses"]))
            lines.append(
                f"| {endpoint} | {row['count']} | {row['p50_ms']} | {row['p99_ms']} "
                f"| {row['5xx']} | {statuses} |"
            )
    ratio = result["reads_p99_ratio"]
    verdict = "met" if ratio is not None and ratio <= 5 else "NOT met"
    lines.append(f"\nreads p99 mixed / reads-only: {ratio} (target <= 5: {verdict})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-database", default="specfirst_users_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with service(args) as url:
        result = asyncio.run(measure(url, args))
    print(render(result, args))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["mixed"]["5xx"] or result["reads"]["5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
