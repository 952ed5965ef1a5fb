"""The example services pass their own contract tests: `specfirst test` at 100 examples, fixed seed."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_users_service_passes_its_contract_tests(tmp_path: Path) -> None:
    password = secrets.token_urlsafe(18)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'users.db'}",
        "USERS_JWT_SECRET": secrets.token_hex(32),
        "USERS_ADMIN_EMAIL": "admin@example.com",
        "USERS_ADMIN_PASSWORD": password,
        "PYTHONPATH": str(ROOT),
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "examples.users", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    summary = tmp_path / "summary.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "test",
            "specs/users.yaml",
            "--app",
            "examples.users.app:create_app",
            "--credential",
            f"oauth2=admin@example.com:{password}",
            "--max-examples",
            "100",
            "--seed",
            "20240601",
            "--json",
            str(summary),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    result = json.loads(summary.read_text())
    assert result["passed"] is True and result["failures"] == []
    assert result["operations"]["tested"] == result["operations"]["total"] == 12
    assert result["cases"] > 1000
