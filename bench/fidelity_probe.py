"""One fidelity probe: serve one generated package (mock or stub) and run schemathesis against it.

    python bench/fidelity_probe.py JOB.json

bench/fidelity.py writes the job (contract, package, target, settings) and starts this in a
process session of its own, so that killing the session also ends the service. The probe:
loads the contract, plans test credentials the way `specfirst test --app` does (a fresh JWT
secret, random API keys and passwords) and gives them to `specfirst serve` through the
package's settings; runs every check and phase through specfirst's contract runner; stops
at the time budget (as Ctrl-C would: schemathesis finishes the run and reports); always stops
the service; writes one JSON result. Unique failures are keyed like schemathesis keys them
(check, failure kind, operation, its own signature) plus the response status.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.contract.credentials import (  # noqa: E402
    CredentialPlan,
    generated_identities,
    plan_credentials,
    service_env,
)
from generator.contract.events import (  # noqa: E402
    EngineFinished,
    Finding,
    PhaseFinished,
    Problem,
    RunStarted,
    ScenarioFinished,
)
from generator.contract.guard import Guard  # noqa: E402
from generator.contract.options import TestOptions  # noqa: E402
from generator.contract.readings import prepare  # noqa: E402
from generator.contract.runner import (  # noqa: E402
    RunnerError,
    RunPlan,
    run_schemathesis,
    selected_operations,
)
from generator.contract.service import HOST, answers, free_port, log_tail, stop  # noqa: E402
from generator.contract.session import TEST_AUDIENCE, TEST_ISSUER, server_path  # noqa: E402
from generator.pipeline import Checked, check_contract, env_prefix  # noqa: E402
from generator.spec.pointers import join_pointer, resolve_pointer  # noqa: E402

STARTUP_SECONDS = 60.0
# schemathesis counts any 5xx as invalid data rejected. On the stub, a request that passes
# validation reaches the operation and gets 501: with the default every validation gap would
# pass there unseen. The stub run expects schemathesis's other rejection statuses only.
STUB_REJECTION = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429"]
Result = dict[str, Any]


def plan_for(document: Mapping[str, Any]) -> CredentialPlan:
    """Fresh credentials for every scheme specfirst can satisfy (JWT, API key, basic)."""
    return plan_credentials(
        document,
        identities=generated_identities(document),
        jwt_secret=secrets.token_urlsafe(48),
        issuer=TEST_ISSUER,
        audience=TEST_AUDIENCE,
    )


def cheap_basic_users(plan: CredentialPlan) -> str:
    """The identities' basic passwords hashed with argon2 at its lowest cost, as JSON.

    The service verifies with the cost written in each hash. At the recommended cost one
    verification takes ~0.2 s on two busy cores: a basic-auth contract would spend its whole
    budget hashing (the service still verifies every request; only the cost is lower).
    """
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    basic = {s.name for s in plan.schemes.values() if s.kind == "basic"}
    users = dict(
        value.partition(":")[::2]
        for identity in plan.identities
        for name, value in identity.secrets.items()
        if name in basic
    )
    return json.dumps({user: hasher.hash(password) for user, password in users.items()})


def start_service(
    job: Mapping[str, Any], plan: CredentialPlan, port: int
) -> subprocess.Popen[bytes]:
    """`specfirst serve PACKAGE [--mock]` with the plan's credentials in the package's settings."""
    prefix = env_prefix(job["package"])
    values, unset = service_env(plan, prefix)
    if f"{prefix}BASIC_USERS" in values:
        values[f"{prefix}BASIC_USERS"] = cheap_basic_users(plan)
    env = {k: v for k, v in os.environ.items() if k not in set(unset)}
    env.update(values)
    env["PYTHONPATH"] = os.pathsep.join([job["package_dir"], str(ROOT)])
    command = [sys.executable, "-m", "generator", "serve", job["package"], "--port", str(port)]
    if job["target"] == "mock":
        command.append("--mock")
    with Path(job["log"]).open("wb") as log:  # the service keeps its own copy of the file
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
        )


def wait_until_up(process: subprocess.Popen[bytes], port: int) -> str | None:
    """None once the service answers HTTP; otherwise why it did not."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            return f"the service exited with code {code} during start-up"
        if answers(HOST, port):
            return None
        time.sleep(0.2)
    return f"the service did not answer within {STARTUP_SECONDS:g} s"


def operation_scopes(document: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Pointers a finding may lie under to concern operation `label` (`GET /a/{id}`), by part.

    `operation`: the operation, its path's shared parameters, the security it inherits;
    `request`: its parameters and request body; `responses`: per response key (`200`, `4XX`,
    `default`) that response. Each part includes whatever it reaches through `$ref`
    (schemas, parameters, examples), transitively.
    """
    method, _, path = label.partition(" ")
    operation = join_pointer("/paths", path, method.lower())
    shared = join_pointer("/paths", path, "parameters")
    node = resolve_pointer(document, operation)
    node = node if isinstance(node, Mapping) else {}
    security = [] if "security" in node else ["/security"]
    alternatives = node.get("security", document.get("security")) or []
    names = {name for alt in alternatives if isinstance(alt, Mapping) for name in alt}
    security += [join_pointer("/components/securitySchemes", name) for name in sorted(names)]
    request = [join_pointer(operation, key) for key in ("parameters", "requestBody")]
    raw = node.get("responses")
    responses: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return {
        "operation": _reach(document, [operation, shared]) + security,
        "request": _reach(document, [*request, shared]),
        "responses": {
            str(key): _reach(document, [join_pointer(operation, "responses", str(key))])
            for key in responses
        },
    }


def _reach(document: Mapping[str, Any], roots: list[str]) -> list[str]:
    """`roots` and every local `$ref` target below them, transitively, in discovery order."""
    found, pending, seen = list(roots), list(roots), set(roots)
    while pending:
        for ref in _refs(resolve_pointer(document, pending.pop())):
            if ref not in seen:
                seen.add(ref)
                found.append(ref)
                pending.append(ref)
    return found


def _refs(node: Any) -> Iterator[str]:
    """Local `$ref` targets (as pointers) anywhere below `node`."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                yield unquote(ref[1:])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class Collected:
    """What the probe keeps of the run's events: cases, statuses, unique failures, problems."""

    def __init__(self) -> None:
        self.operations: tuple[str, ...] = ()
        self.cases = 0
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.failures: dict[tuple[str, str, str, int | None, str], Finding] = {}
        self.counts: Counter[tuple[str, str, str, int | None, str]] = Counter()
        self.seen_in: dict[tuple[str, str, str, int | None, str], set[str]] = defaultdict(set)
        self.phases: dict[str, str] = {}
        self.problems: list[str] = []
        self.stop_reason = "completed"

    def add(self, event: object) -> None:
        """Take one runner event into account."""
        if isinstance(event, RunStarted):
            self.operations = event.operations
        elif isinstance(event, ScenarioFinished):
            self.cases += len(event.cases)
            for case in event.cases:
                if case.status is not None:
                    self.statuses[case.operation][case.status] += 1
            for finding in event.findings:
                key = (
                    finding.check,
                    finding.kind,
                    finding.operation,
                    finding.status,
                    finding.signature,
                )
                self.failures.setdefault(key, finding)
                self.counts[key] += 1
                self.seen_in[key].add(event.phase)
        elif isinstance(event, PhaseFinished):
            if self.phases.get(event.phase) in (None, "skip", "success"):
                self.phases[event.phase] = event.status
        elif isinstance(event, Problem):
            where = f"{event.operation}: " if event.operation else ""
            self.problems.append(f"{where}{event.message}"[:2000])
        elif isinstance(event, EngineFinished):
            self.stop_reason = event.stop_reason

    def as_dict(self, document: Mapping[str, Any]) -> Result:
        """The probe's findings as JSON-ready values, with each failing operation's scope."""
        failures = [
            {
                "check": f.check,
                "code": f.code,
                "kind": f.kind,
                "title": f.title,
                "operation": f.operation,
                "status": f.status,
                "signature": f.signature,
                "message": f.message[:4000],
                "curl": f.curl,
                "occurrences": self.counts[key],
                "phases": sorted(self.seen_in[key]),
            }
            for key, f in self.failures.items()
        ]
        failing = sorted({f.operation for f in self.failures.values() if " " in f.operation})
        return {
            "operations": list(self.operations),
            "cases": self.cases,
            "statuses": {op: dict(sorted(c.items())) for op, c in self.statuses.items()},
            "failures": failures,
            "scopes": {label: operation_scopes(document, label) for label in failing},
            "phases": self.phases,
            "problems": self.problems,
            "stop_reason": self.stop_reason,
        }


def _budget_timer(seconds: float, expired: threading.Event) -> threading.Timer:
    """Interrupts the main thread at the budget: schemathesis stops as on Ctrl-C and reports."""

    def fire() -> None:
        expired.set()
        import _thread

        _thread.interrupt_main()

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    return timer


def test_service(
    job: Mapping[str, Any], checked: Checked, plan: CredentialPlan, url: str
) -> Result:
    """Run schemathesis against the service at `url` within the job's budget.

    The verdicts are `specfirst test`'s: the same judge (`readings.prepare`: documented
    answers, the runtime's own reading of what was sent, ownership, answers from a mock),
    and requests go through the same guard proxy (well-formed framing, bounded answers).
    """
    assert checked.spec is not None
    document = checked.spec.root
    options = TestOptions(
        max_examples=job["max_examples"],
        seed=job["seed"],
        workers=job["workers"],
        phases=tuple(job["phases"]),
        continue_on_failure=True,
        schemathesis=(
            {"checks": {"negative_data_rejection": {"expected-statuses": STUB_REJECTION}}}
            if job["target"] == "stub"
            else {}
        ),
    )
    served = checked.served or checked.spec
    prepared = prepare(
        served, checked.diagnostics, plan, options, selected_operations(document, options)
    )
    collected, expired = Collected(), threading.Event()
    timer = _budget_timer(job["budget"], expired)
    timer.start()
    error = None
    try:
        with Guard(url, options.request_timeout) as proxy:
            run = RunPlan(document, url, options, plan, proxy, prepared.judge, prepared.reading)
            for event in run_schemathesis(run, job["seed"]):
                collected.add(event)
    except KeyboardInterrupt:
        if not expired.is_set():
            raise
    except RunnerError as exc:
        error = f"schemathesis refused the run: {exc}"
    except Exception:  # a crash in schemathesis or the runner: report it, keep the rest
        error = "schemathesis crashed: " + traceback.format_exc()[-3000:]
    finally:
        timer.cancel()
    result = collected.as_dict(document)
    result["skipped"] = [*prepared.skipped, *prepared.judge.excusals()]
    if expired.is_set():
        result["stop_reason"] = "time_budget"
    result["error"] = error
    return result


def probe(job: Mapping[str, Any]) -> Result:
    """The whole probe: contract, credentials, service, schemathesis; the service always stopped."""
    checked = check_contract(Path(job["contract"]))
    if checked.spec is None:
        return {"error": "the contract could not be loaded"}
    document = checked.spec.root
    plan = plan_for(document)
    credentials = {
        "schemes": {name: scheme.kind for name, scheme in plan.schemes.items()},
        "secured": sum(1 for r in plan.requirements.values() if r),
        "unsatisfied": list(plan.unsatisfied),
    }
    port = free_port()
    process = start_service(job, plan, port)
    try:
        failed = wait_until_up(process, port)
        if failed is not None:
            return {"error": failed, "log": log_tail(Path(job["log"])), "credentials": credentials}
        url = f"http://{HOST}:{port}{server_path(document)}"
        started = time.monotonic()
        result = test_service(job, checked, plan, url)
        result["testing_seconds"] = round(time.monotonic() - started, 1)
    finally:
        stop(process)
    if result.get("stop_reason") == "server_unavailable":
        result["log"] = log_tail(Path(job["log"]))
    result["credentials"] = credentials
    return result


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    try:
        result = probe(job)
    except Exception:
        result = {"error": "the probe crashed: " + traceback.format_exc()[-3000:]}
    Path(job["out"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
