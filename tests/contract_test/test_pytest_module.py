"""The rendered in-process pytest module runs green against a correct implementation, red against a broken one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.contract.pytest_module import render_pytest_module
from tests.contract_test.conftest import CONTRACT, DATA

ROOT = Path(__file__).parents[2]


def _run_rendered(
    factory: str, packages: Path, tmp_path: Path, *args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "test_notes_contract.py"
    module.write_text(render_pytest_module("specs/notes.yaml", "notes", factory))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(packages), str(DATA), str(tmp_path)]),
        "CONTRACT_MAX_EXAMPLES": "10",
        **variables,
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::DeprecationWarning",
        str(module),
        *args,
    ]
    return subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )


def test_rendered_module_is_clean_python() -> None:
    source = render_pytest_module("specs/users.yaml", "generated.users", "service.app:create_app")
    compile(source, "test_contract.py", "exec")
    command = [
        sys.executable,
        "-m",
        "ruff",
        "check",
        "--isolated",
        "--line-length",
        "100",
        "--select",
        "E,F,W,I,B,UP,SIM,RUF",
        "--stdin-filename",
        "test_contract.py",
        "-",
    ]
    checked = subprocess.run(command, input=source, capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout
    command = [
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--isolated",
        "--line-length",
        "100",
        "--check",
        "--stdin-filename",
        "test_contract.py",
        "-",
    ]
    formatted = subprocess.run(command, input=source, capture_output=True, text=True, cwd=ROOT)
    assert formatted.returncode == 0, formatted.stdout


@pytest.mark.parametrize(
    ("package", "factory"),
    [
        ("notes; import os", "app:create"),
        ("notes", "app"),
        ("notes", "app:create()"),
        ("notes", "a:b.c"),
    ],
)
def test_rendering_refuses_what_is_not_an_import_path(package: str, factory: str) -> None:
    with pytest.raises(ValueError):
        render_pytest_module("specs/notes.yaml", package, factory)


def test_contract_path_is_an_inert_literal() -> None:
    source = render_pytest_module('x"; import os #\n', "notes", "app:create")
    assert 'CONTRACT_FILE = "x\\"; import os #\\n"' in source


def test_rendered_module_passes_against_a_correct_implementation(
    packages: Path, tmp_path: Path
) -> None:
    # The factory, counting its calls: the stateful test builds a fresh app for every scenario
    # (in-memory state from one scenario would make hypothesis' replays diverge).
    calls = tmp_path / "factory-calls"
    (tmp_path / "counted_notes.py").write_text(
        "import notes_service\n\n\n"
        "def create_app():\n"
        f"    with open({str(calls)!r}, 'a') as log:\n"
        "        log.write('call\\n')\n"
        "    return notes_service.create_app()\n"
    )
    result = _run_rendered("counted_notes:create_app", packages, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout and "failed" not in result.stdout
    assert len(calls.read_text().splitlines()) > 5  # the module's APP, then one per scenario


def test_rendered_module_fails_against_a_broken_implementation(
    packages: Path, tmp_path: Path
) -> None:
    result = _run_rendered("notes_broken:create_app", packages, tmp_path)
    assert result.returncode == 1
    assert "test_contract" in result.stdout
    assert "test_auth_matrix[GET /stats]" in result.stdout  # any API key accepted: 401 expected


# Logs every request the app receives (method, path, query, body), in order.
RECORDED = """\
import os

import notes_service


def create_app():
    inner = notes_service.create_app()

    async def app(scope, receive, send):
        body = []

        async def recorded():
            message = await receive()
            body.append(message.get("body", b""))
            return message

        async def logged(message):
            if message["type"] == "http.response.start":
                with open(os.environ["RECORD_LOG"], "a") as log:
                    line = (scope["method"], scope["path"], scope["query_string"], b"".join(body))
                    log.write(repr(line) + "\\n")
            await send(message)

        await inner(scope, recorded if scope["type"] == "http" else receive, logged)

    return app
"""


def test_the_stateful_phase_replays_the_same_scenarios(packages: Path, tmp_path: Path) -> None:
    """Issue 22: schemathesis' state machine takes no seed from the config, so without
    `@hypothesis.seed` each run explored different scenarios and the verdict could change."""
    (tmp_path / "recorded_notes.py").write_text(RECORDED)

    def requests(run: str, seed: str) -> str:
        log = tmp_path / f"{run}.log"
        result = _run_rendered(
            "recorded_notes:create_app",
            packages,
            tmp_path,
            "-k",
            "Stateful",
            CONTRACT_MAX_EXAMPLES="5",
            CONTRACT_SEED=seed,
            RECORD_LOG=str(log),
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert "1 passed" in result.stdout
        return log.read_text()

    first = requests("first", "20240601")
    assert first.count("\n") > 5
    assert requests("second", "20240601") == first
    assert requests("other", "7") != first  # the seed is what decides


def test_the_module_calls_the_service_through_its_typed_client(tmp_path: Path) -> None:
    """Generated with `--client`, the package has `notes_client` beside it: each operation it can
    call without arguments is called through the client, credentials included."""
    from generator.pipeline import generate_contract

    packages = tmp_path / "with_client"
    result = generate_contract(CONTRACT, packages / "notes", label=CONTRACT.name, client=True)
    assert result.client_report is not None, result.checked.diagnostics
    outcome = _run_rendered(
        "notes_service:create_app", packages, tmp_path, "-rA", "-k", "test_through_the_client"
    )
    assert outcome.returncode == 0, outcome.stdout[-4000:] + outcome.stderr[-2000:]
    passed = {line.rsplit("[", 1)[-1] for line in outcome.stdout.splitlines() if "PASSED" in line}
    assert passed == {"getStats]", "checkHealth]"}  # getStats with its API key; createNote
    # and the others need a body or a path parameter
