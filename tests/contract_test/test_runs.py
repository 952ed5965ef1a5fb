"""`specfirst test` end to end: a correct and a broken implementation of notes.yaml, --url, start-up failures."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.contract.service import answers, free_port, stop
from tests.contract_test.conftest import CONTRACT, DATA, FAST, Outcome

RunCli = Callable[..., Outcome]
EVERY_OPERATION = [
    "POST /notes",
    "GET /notes/{note_id}",
    "DELETE /notes/{note_id}",
    "GET /stats",
    "GET /health",
]


def _junit_failures(path: Path) -> dict[str, set[str]]:
    """Failure types per test case name in a JUnit file (it must parse)."""
    suite = ET.parse(path).getroot()
    assert suite.tag == "testsuite"
    return {
        case.get("name", ""): {f.get("type", "") for f in case.findall("failure")}
        for case in suite.findall("testcase")
    }


def test_a_correct_implementation_passes(run_cli: RunCli) -> None:
    outcome = run_cli(str(CONTRACT), "--app", "notes_service:create_app", *FAST)
    assert outcome.exit_code == 0, outcome.output
    summary = outcome.summary
    assert summary["passed"] is True
    assert summary["failures"] == [] and summary["errors"] == []
    assert summary["operations"] == {
        "total": 5,
        "tested": 5,
        "untested": [],
        "selected": EVERY_OPERATION,
        "scope": EVERY_OPERATION,
    }
    assert summary["cases"] > 100
    assert summary["links"]["covered"] >= 2  # createNote → getNote / deleteNote
    assert set(summary["phases"]) == {"examples", "coverage", "fuzzing", "stateful"}
    assert summary["identities"] == ["alice", "bob"]
    assert summary["warnings"] == []
    assert "PASSED" in outcome.output
    assert not any(_junit_failures(outcome.junit).values())


def test_a_broken_implementation_is_caught_and_each_failure_named(run_cli: RunCli) -> None:
    outcome = run_cli(str(CONTRACT), "--app", "notes_broken:create_app", *FAST)
    assert outcome.exit_code == 1, outcome.output
    found = {(f["check"], f["operation"]) for f in outcome.summary["failures"]}
    assert {
        ("status_code_conformance", "POST /notes"),  # 200 instead of 201
        ("response_schema_conformance", "GET /notes/{note_id}"),  # required `body` missing
        ("not_a_server_error", "GET /health"),  # undocumented 500
        ("ignored_auth", "GET /stats"),  # any API key accepted
        ("object_level_authorization", "GET /notes/{note_id}"),  # bob reads alice's note
    } <= found
    for failure in outcome.summary["failures"]:
        assert failure["curl"].splitlines()[-1].startswith("curl -X ")
        assert failure["code"].startswith("ST") and failure["title"]
        # every verdict explained: where the contract says so, and that the service is wrong
        assert failure["source"].startswith(str(CONTRACT) + ":"), failure
        assert failure["fault"] == "service" and failure["rule"] == ""
        assert "expected by " in failure["why"]
    sources = {(f["check"], f["operation"]): f["source"] for f in outcome.summary["failures"]}
    # the undocumented 200 is judged against createNote's `responses:` (notes.yaml line 26)
    assert sources[("status_code_conformance", "POST /notes")] == f"{CONTRACT}:26"
    # the object-level check ran because the notes tag declares its objects owned
    assert sources[("object_level_authorization", "GET /notes/{note_id}")] == f"{CONTRACT}:10"
    statuses = {(f["check"], f["operation"]): f["status"] for f in outcome.summary["failures"]}
    assert statuses[("status_code_conformance", "POST /notes")] == 200
    assert statuses[("not_a_server_error", "GET /health")] == 500
    junit = _junit_failures(outcome.junit)
    assert "status_code_conformance" in junit["POST /notes"]
    assert {"not_a_server_error", "status_code_conformance"} <= junit["GET /health"]
    assert "ignored_auth" in junit["GET /stats"]
    assert "FAILED" in outcome.output and "ignored_auth" in outcome.output


@pytest.fixture
def running_notes(pythonpath: str) -> Iterator[tuple[str, dict[str, str]]]:
    """notes_service started by hand (as a deployment would), with its own secret and API keys."""
    port = free_port()
    keys = {name: f"{name}-key-" + name[0] * 20 for name in ("alice", "bob", "carol")}
    env = {
        **os.environ,
        "NOTES_JWT_SECRET": "a-deployment-secret-that-is-long-enough",
        "NOTES_API_KEY_HASHES": json.dumps(
            {name: hashlib.sha256(key.encode()).hexdigest() for name, key in keys.items()}
        ),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "notes_service:create_app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield f"http://127.0.0.1:{port}", keys
    finally:
        stop(process)


def test_url_mode_tests_a_running_service(
    run_cli: RunCli, running_notes: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, keys = running_notes
    monkeypatch.setenv("DEPLOYED_SECRET", "a-deployment-secret-that-is-long-enough")
    outcome = run_cli(
        str(CONTRACT),
        "--url",
        url,
        "--jwt-secret-env",
        "DEPLOYED_SECRET",
        "--credential",
        f"apiKey={keys['alice']}",
        "--peer-credential",
        f"apiKey={keys['bob']}",
        *FAST,
    )
    assert outcome.exit_code == 0, outcome.output
    assert outcome.summary["operations"]["tested"] == 5
    assert outcome.summary["base_url"] == url + "/api"
    assert outcome.summary["identities"] == ["alice", "bob"]
    assert answers("127.0.0.1", int(url.rsplit(":", 1)[1]))  # left running: not ours to stop


def test_url_mode_takes_any_number_of_identities(
    run_cli: RunCli,
    running_notes: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url, keys = running_notes
    monkeypatch.setenv("DEPLOYED_SECRET", "a-deployment-secret-that-is-long-enough")
    monkeypatch.setenv("CAROL_KEY", keys["carol"])
    common = ("--url", url, "--jwt-secret-env", "DEPLOYED_SECRET", *FAST)
    alone = run_cli(str(CONTRACT), *common, "--credential", f"apiKey={keys['alice']}")
    assert alone.summary["identities"] == ["alice"]  # bob has no API key: he cannot take part
    assert any("not run (one identity only)" in s for s in alone.summary["skipped"])
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.specfirst.test.identities.carol]\napiKey = "env:CAROL_KEY"\n'
    )
    monkeypatch.chdir(project)
    several = run_cli(
        str(CONTRACT),
        *common,
        "--credential",
        f"apiKey={keys['alice']}",
        "--credential",
        f"bob:apiKey={keys['bob']}",
    )
    assert several.exit_code == 0, several.output
    assert several.summary["identities"] == ["alice", "bob", "carol"]
    # the check ran on the notes (owned); only the undeclared /stats read is skipped
    (skipped,) = several.summary["skipped"]
    assert "skipped on GET /stats: no ownership declared" in skipped


def test_url_mode_refuses_credentials_for_unknown_schemes(
    run_cli: RunCli, running_notes: tuple[str, dict[str, str]]
) -> None:
    outcome = run_cli(str(CONTRACT), "--url", running_notes[0], "--peer-credential", "apikey=x")
    assert outcome.exit_code == 2
    assert "no security scheme named apikey" in outcome.output


def test_url_mode_with_the_wrong_secret_warns(
    run_cli: RunCli, running_notes: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = running_notes
    monkeypatch.setenv("WRONG_SECRET", "not-the-secret-the-service-was-started-with")
    outcome = run_cli(
        str(CONTRACT),
        "--url",
        url,
        "--jwt-secret-env",
        "WRONG_SECRET",
        "--max-examples",
        "5",
        "--phases",
        "fuzzing",
        "--include-tag",
        "notes",
    )
    assert any("refused the test credentials" in w for w in outcome.summary["warnings"])


def test_nothing_listening_at_url_is_exit_2(run_cli: RunCli) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    outcome = run_cli(str(CONTRACT), "--url", url, "--startup-timeout", "0.5")
    assert outcome.exit_code == 2
    assert "nothing answers" in outcome.output
    assert outcome.summary == {"passed": False, "aborted": outcome.summary["aborted"]}
    assert ET.parse(outcome.junit).getroot().get("errors") == "1"


def test_a_service_that_does_not_come_up_is_exit_2(run_cli: RunCli) -> None:
    outcome = run_cli(str(CONTRACT), "--app", "notes_unstartable:create_app")
    assert outcome.exit_code == 2
    assert "did not come up" in outcome.output
    assert "cannot connect to the database" in outcome.output  # the service's own output


def test_an_unimportable_factory_is_exit_2(run_cli: RunCli) -> None:
    outcome = run_cli(
        str(CONTRACT), "--app", "no_such_module:create_app", "--startup-timeout", "20"
    )
    assert outcome.exit_code == 2
    assert "exited with code" in outcome.output


def test_an_invalid_contract_is_exit_2(run_cli: RunCli) -> None:
    outcome = run_cli(str(DATA / "invalid.yaml"), "--app", "notes_service:create_app")
    assert outcome.exit_code == 2
    assert "path-param-undeclared" in outcome.output
    assert "the contract is invalid" in outcome.output


@pytest.mark.parametrize(
    "args",
    [
        ("--app", "notes_service:create_app", "--url", "http://127.0.0.1:1"),
        ("--app", "notes_service:create_app", "--checks", "no_such_check"),
        ("--app", "notes_service:create_app", "--workers", "many"),
        ("--url", "http://127.0.0.1:1", "--credential", "no-equals-sign"),
    ],
    ids=["app-and-url", "unknown-check", "workers", "credential-syntax"],
)
def test_bad_options_are_exit_2(run_cli: RunCli, args: tuple[str, ...]) -> None:
    assert run_cli(str(CONTRACT), *args).exit_code == 2


def test_project_defaults_come_from_pyproject(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specfirst.test]\nphases = ["examples", "coverage"]\nmax-examples = 5\n'
        'seed = 11\nexclude-checks = ["allow_header_conformance"]\n'
        'include-tags = ["health"]\n'
    )
    monkeypatch.chdir(tmp_path)
    outcome = run_cli(str(CONTRACT), "--app", "notes_service:create_app", "--seed", "12")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.summary["seed"] == 12  # the flag wins over the file
    assert outcome.summary["operations"]["total"] == 1
    assert outcome.summary["phases"]["fuzzing"] == "skip"
    assert outcome.summary["phases"]["coverage"] == "success"


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(child) for child in found.split()]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_run_stops_the_service(pythonpath: str, sig: signal.Signals) -> None:
    command = [
        sys.executable,
        "-m",
        "generator",
        "test",
        str(CONTRACT),
        "--app",
        "notes_service:create_app",
        "--max-examples",
        "1000",
    ]
    run = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_interruptible,
    )
    assert run.stdout is not None
    for line in run.stdout:  # the service is up and testing has begun
        if line.startswith("Testing "):
            break
    services = _children(run.pid)
    assert services
    time.sleep(0.5)
    run.send_signal(sig)
    output, _ = run.communicate(timeout=60)
    assert run.returncode == 130, output
    assert not any(Path(f"/proc/{pid}").exists() for pid in services)


def _interruptible() -> None:
    """Ctrl-C reaches the child even when this suite runs in a background job of a
    non-interactive shell, which starts every process with SIGINT ignored (Python then
    installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
