"""The contract suite of bench/run.py: `specfirst test` against the example services.

The figures are schemathesis's own pace through our runner (every check and phase, 100
examples, the project's seed) against each service under uvicorn on 127.0.0.1: the users
service on a fresh SQLite database with an admin login, and the in-memory showcase.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPECFIRST = str(Path(sys.executable).with_name("specfirst"))


def _users_env(work: Path) -> tuple[dict[str, str], list[str]]:
    """A migrated SQLite database for examples.users; returns its env and login option."""
    email, password = "admin@example.com", secrets.token_urlsafe(18)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'users-bench.db'}",
        "USERS_JWT_SECRET": secrets.token_hex(32),
        "USERS_ADMIN_EMAIL": email,
        "USERS_ADMIN_PASSWORD": password,
    }
    subprocess.run(
        [sys.executable, "-m", "examples.users", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env, ["--credential", f"oauth2={email}:{password}"]


def bench_contract(contracts: list[Path], work: Path) -> list[dict[str, object]]:
    """Cases, seconds and cases per second per example service (contracts are not used)."""
    services = [
        ("examples.users (SQLite)", "specs/users.yaml", "examples.users.app:create_app"),
        ("examples.showcase (memory)", "specs/showcase.yaml", "examples.showcase.app:create_app"),
    ]
    rows: list[dict[str, object]] = []
    for label, contract, app in services:
        env, extra = _users_env(work) if "users" in app else (dict(os.environ), [])
        summary = work / f"{label.split()[0]}.json"
        start = time.perf_counter()
        done = subprocess.run(
            [SPECFIRST, "test", contract, "--app", app, *extra, "--json", str(summary)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        if not summary.is_file():
            rows.append({"service": label, "cases": f"failed: {done.stdout[-200:]}"})
            continue
        data = json.loads(summary.read_text(encoding="utf-8"))
        rows.append(
            {
                "service": label,
                "cases": data["cases"],
                "testing_s": data["seconds"],
                "cases_per_s": data["cases_per_second"],
                "whole_command_s": round(wall, 1),
                "failures": len(data["failures"]),
                "exit": done.returncode,
            }
        )
    return rows
