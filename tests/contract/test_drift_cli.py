"""`specfirst drift`: one line per difference, exit 1 when there is any, 0 when there is none."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate_contract

SPECS = Path(__file__).parents[2] / "specs"
PLANTED = '''\
"""An app with one route more than the contract documents."""

from fastapi import FastAPI

from drift_cli_users import create_app as create_service


def create_app() -> FastAPI:
    app = create_service()

    @app.get("/api/v1/users/export")
    async def export() -> dict[str, str]:
        return {}

    return app
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("drift-cli")
    generated = generate_contract(SPECS / "users.yaml", folder / "drift_cli_users", label="users")
    assert generated.report is not None
    (folder / "drift_cli_planted.py").write_text(PLANTED, encoding="utf-8")
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


def test_no_drift_exits_zero(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["drift", str(SPECS / "users.yaml"), "--package", "drift_cli_users"]
    )
    assert result.exit_code == 0, result.output
    assert "no drift" in result.output


def test_a_planted_route_is_one_line_and_exit_one(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["drift", str(SPECS / "users.yaml"), "--app", "drift_cli_planted:create_app"]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    where = re.escape(str(SPECS / "users.yaml"))
    assert re.fullmatch(
        rf"{where}:\d+:\d+: error\[drift-route-extra\] GET /api/v1/users/export: "
        "registered by the app, not in the contract",
        lines[0],
    ), lines[0]
    assert lines[1].endswith("1 difference from drift_cli_planted:create_app")


def test_an_app_that_does_not_import_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["drift", str(SPECS / "users.yaml"), "--app", "no_such_module:create_app"]
    )
    assert result.exit_code == 2
    assert "cannot import 'no_such_module'" in result.output
