"""`specfirst check` catches stale, missing and extra generated files and unimplemented operations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TASKS = ROOT / "tests" / "data" / "contracts" / "tasks.yaml"
IMPL = """
from tasks.app import create_app as _create_app


class TasksImpl:
    async def list_tasks(self, **kwargs):
        raise NotImplementedError

    async def get_task(self, *, task_id):
        return None


def create_app():
    return _create_app(tasks=TasksImpl())
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template")
    (root / "specs").mkdir()
    shutil.copy(TASKS, root / "specs" / "tasks.yaml")
    (root / "pyproject.toml").write_text(
        '[tool.specfirst]\nspecs = "specs"\noutput = "gen"\n\n[tool.specfirst.apps]\ntasks = "impl:create_app"\n'
    )
    (root / "impl.py").write_text(IMPL)
    assert run(root, "generate").returncode == 0
    return root


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(template, target)
    return target


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{cwd}{os.pathsep}{cwd / 'gen'}{os.pathsep}{ROOT}"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_current_code_with_unimplemented_operations(project: Path) -> None:
    result = run(project, "check")
    assert result.returncode == 1
    out = result.stdout
    assert "stale" not in out
    assert "TasksApi.list_tasks" in out and "still" not in out  # a stub raising NotImplementedError
    assert "TasksApi.create_task" in out  # missing entirely
    assert "TasksApi.get_task" not in out  # implemented
    assert "DefaultApi.health" in out  # no implementation for the tag at all


@pytest.mark.parametrize("damage", ["changed", "missing", "extra"])
def test_stale_generated_code_is_caught(project: Path, damage: str) -> None:
    package = project / "gen" / "tasks"
    if damage == "changed":
        path = package / "results.py"
        path.write_text(path.read_text() + "\n# edited by hand\n")
    elif damage == "missing":
        (package / "routers" / "tasks.py").unlink()
    else:
        stamp = (
            (package / ".specfirst")
            .read_text()
            .replace('"files": {', '"files": {\n  "old.py": "x",')
        )
        (package / ".specfirst").write_text(stamp)
        (package / "old.py").write_text("stale\n")
    result = run(project, "check")
    assert result.returncode == 1
    assert "gen/tasks: stale" in result.stdout
    expected = {
        "changed": "+++ b/results.py",
        "missing": "+++ b/routers/tasks.py",
        "extra": "--- a/old.py",
    }
    assert expected[damage] in result.stdout
