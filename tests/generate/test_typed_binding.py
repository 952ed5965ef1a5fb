"""Routes call handlers through types (issue 19.1): mypy checks the generated side of each call,
and a binding that cannot work stops start-up instead of failing per request."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient


def _mypy(root: Path, package: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", package],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_wrong_call_in_a_generated_route_fails_mypy(tasks: ModuleType, tmp_path: Path) -> None:
    package = Path(tasks.__file__).parent
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _mypy(tmp_path, package.name).returncode == 0
    router = copy / "routers" / "tasks.py"
    source = router.read_text(encoding="utf-8")
    typed = 'task_id: int = _call.values["task_id"]'
    assert typed in source
    router.write_text(source.replace(typed, 'task_id: str = _call.values["task_id"]'))
    result = _mypy(tmp_path, package.name)
    assert result.returncode == 1
    assert 'incompatible type "str"; expected "int"' in result.stdout, result.stdout


def test_a_method_inherited_from_the_protocol_answers_501(tasks: ModuleType) -> None:
    class Partial(tasks.interfaces.TasksApi):  # type: ignore[misc,name-defined]
        """Subclasses the Protocol (as scaffolded classes do) and implements nothing yet."""

    client = TestClient(tasks.create_app(tasks=Partial()))
    response = client.get("/v1/tasks/3")
    assert response.status_code == 501
    assert response.headers["content-type"] == "application/problem+json"


def test_a_method_that_cannot_take_the_contracts_arguments_stops_start_up(
    tasks: ModuleType,
) -> None:
    class Renamed:
        async def get_task(self, *, id: int) -> Any:  # the contract passes task_id
            raise AssertionError("never called")

    with pytest.raises(TypeError, match=r"Renamed\.get_task does not accept task_id"):
        tasks.create_app(tasks=Renamed())

    class Blocking:
        def get_task(self, *, task_id: int) -> Any:
            raise AssertionError("never called")

    with pytest.raises(TypeError, match="must be an `async def` method"):
        tasks.create_app(tasks=Blocking())
