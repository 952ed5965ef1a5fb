"""One `specfirst test` run, start to finish: contract → credentials → service → schemathesis → summary.

`run_contract_test` is a generator of `events`: the CLI renders them as they come. The
contract file is the source of truth (loaded and bundled by our own loader, so multi-file
contracts work), never the service's own `/openapi.json`. With `app`, the service is started
with fresh test credentials in its environment; with `url`, it is already running and the
credentials come from the caller (the JWT secret from an environment variable).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import secrets
import time
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator.contract.credentials import (
    PEER,
    PRIMARY,
    CredentialPlan,
    Identity,
    generated_identity,
    plan_credentials,
    read_schemes,
    service_env,
)
from generator.contract.events import (
    EngineFinished,
    Event,
    Problem,
    RunAborted,
    RunFinished,
    Selected,
    ServiceReady,
    ServiceStarting,
)
from generator.contract.guard import UNGUARDED, Guard, guards
from generator.contract.identities import merge_identities, resolve_table
from generator.contract.login import PasswordGrant, token_urls
from generator.contract.options import OptionsError, TestOptions
from generator.contract.readings import prepare
from generator.contract.report import Tally
from generator.contract.runner import RunnerError, RunPlan, run_schemathesis, selected_operations
from generator.contract.selection import SelectionError, changed_since
from generator.contract.service import (
    ServiceError,
    ServiceSpec,
    log_tail,
    reachable,
    starting_service,
)
from generator.naming import env_prefix
from generator.pipeline import Checked, validate_loaded

if TYPE_CHECKING:
    from generator.spec.load import LoadResult

# Module names that say nothing about the package: `myservice.main:create_app` → `myservice`.
GENERIC_MODULES = frozenset({"app", "application", "main", "asgi", "server", "service", "api"})
# A started service is told these (services often default `iss`/`aud` to their own names).
TEST_ISSUER, TEST_AUDIENCE = "specfirst-contract-test", "specfirst-contract-test-api"


@dataclass(frozen=True)
class Target:
    """What to test: `app` (`module:factory`, started here) or `url` (already running)."""

    app: str | None = None
    url: str | None = None
    env_prefix: str | None = None
    jwt_secret_env: str | None = None
    credentials: Mapping[str, str] = field(default_factory=dict)  # scheme → key | user:password
    peer_credentials: Mapping[str, str] = field(default_factory=dict)
    # more principals by name (`--credential carol:apiKey=...`): name → scheme → secret
    identities: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    cwd: Path | None = None

    def given(self, options: TestOptions) -> dict[str, dict[str, str]]:
        """Every identity's secrets: configuration, then flags; alice and bob first."""
        flags = {PRIMARY: dict(self.credentials), PEER: dict(self.peer_credentials)}
        return merge_identities(resolve_table(options.identities), flags, self.identities)


def env_prefixes(target: Target, contract: Path) -> tuple[str, ...]:
    """Settings prefixes of the generated package: `--env-prefix`, else guessed.

    The guesses are the package named by the module path (`generated.users:create_app` →
    `USERS_`) and the contract's file name (`specs/users.yaml` → `USERS_`); both get the
    test credentials, so either naming works.

    >>> env_prefixes(Target(app="generated.users:create_app"), Path("specs/notes.yaml"))
    ('USERS_', 'NOTES_')
    """
    if target.env_prefix:
        given = target.env_prefix
        return (given if given.endswith("_") else f"{given}_",)
    module = (target.app or "").partition(":")[0]
    parts = [p for p in module.split(".") if p and p.lower() not in GENERIC_MODULES]
    names = [*parts[-1:], contract.stem]
    return tuple(dict.fromkeys(env_prefix(name) for name in names))


def server_path(document: Mapping[str, Any]) -> str:
    """The path of the contract's first server URL, variables at their defaults (`/api/v1`).

    >>> server_path({"servers": [{"url": "https://x.test/{v}/", "variables": {"v": {"default": "v2"}}}]})
    '/v2'
    """
    servers = document.get("servers") or [{}]
    first = servers[0] if isinstance(servers[0], Mapping) else {}
    url = str(first.get("url", ""))
    for name, variable in (first.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    return urlsplit(url).path.rstrip("/")


def _from_environment(prefixes: tuple[str, ...], name: str) -> str | None:
    return next((os.environ[p + name] for p in prefixes if os.environ.get(p + name)), None)


def _started_plan(
    document: Mapping[str, Any],
    given: Mapping[str, Mapping[str, str]],
    prefixes: tuple[str, ...],
    login: PasswordGrant,
) -> CredentialPlan:
    """Fresh secrets; `iss`/`aud` from the environment, else test values the service is given too."""
    identities = tuple(
        Identity(name, {**generated_identity(document, name).secrets, **secrets})
        for name, secrets in given.items()
    )
    return plan_credentials(
        document,
        identities=identities,
        jwt_secret=secrets.token_urlsafe(48),
        issuer=_from_environment(prefixes, "JWT_ISSUER") or TEST_ISSUER,
        audience=_from_environment(prefixes, "JWT_AUDIENCE") or TEST_AUDIENCE,
        login=login,
    )


def _given_plan(
    document: Mapping[str, Any],
    target: Target,
    given: Mapping[str, Mapping[str, str]],
    prefixes: tuple[str, ...],
    login: PasswordGrant,
) -> CredentialPlan:
    secret_env = target.jwt_secret_env
    secret = os.environ.get(secret_env) if secret_env else _from_environment(prefixes, "JWT_SECRET")
    identities = tuple(Identity(name, dict(secrets)) for name, secrets in given.items())
    return plan_credentials(
        document,
        identities=identities,
        jwt_secret=secret or None,
        issuer=_from_environment(prefixes, "JWT_ISSUER"),
        audience=_from_environment(prefixes, "JWT_AUDIENCE"),
        login=login,
    )


def _unknown_schemes(
    document: Mapping[str, Any], given: Mapping[str, Mapping[str, str]]
) -> RunAborted | None:
    known = read_schemes(document)
    unknown = sorted({scheme for secrets in given.values() for scheme in secrets} - set(known))
    if not unknown:
        return None
    names = ", ".join(known) or "none"
    return RunAborted(f"no security scheme named {', '.join(unknown)} (the contract has: {names})")


def run_contract_test(
    contract: Path, target: Target, options: TestOptions
) -> Generator[Event, None, None]:
    """Every event of one run; the last is `RunFinished` or `RunAborted`.

    With `app`, the service starts as soon as the contract is read: the contract is validated
    while the service imports and builds its app (each in its own process).
    """
    from generator.spec.load import load_spec

    loaded = load_spec(contract)
    if loaded.spec is None:
        yield _invalid(validate_loaded(contract, loaded))
        return
    try:
        given = target.given(options)
    except OptionsError as exc:
        yield RunAborted(str(exc))
        return
    refused = _unknown_schemes(loaded.spec.root, given)
    if refused is not None:
        yield refused
        return
    prefixes = env_prefixes(target, contract)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    if target.url is not None:
        checked = validate_loaded(contract, loaded)
        if not checked.ok() or checked.served is None:
            yield _invalid(checked)
            return
        narrowed = yield from _narrowed(contract, checked, options)
        if narrowed is not None:
            yield from _against_url(checked, target, given, prefixes, narrowed, seed)
        return
    yield from _against_app(contract, loaded, target, given, prefixes, options, seed)


def _invalid(checked: Checked) -> RunAborted:
    errors = tuple(d for d in checked.diagnostics if d.is_error)
    return RunAborted("the contract is invalid", diagnostics=errors)


def _narrowed(
    contract: Path, checked: Checked, options: TestOptions
) -> Generator[Event, None, TestOptions | None]:
    """`options` narrowed to what changed since `--changed-since` (None: the run is aborted)."""
    if options.changed_since is None:
        return options
    assert checked.served is not None
    try:
        changed = changed_since(
            contract,
            checked.served.files,
            options.changed_since,
            contract_only=options.contract_changes_only,
        )
    except SelectionError as exc:
        yield RunAborted(str(exc))
        return None
    if changed.operations is not None:
        options = options.merged(only_operations=tuple(sorted(changed.operations)))
    yield Selected(changed.reason)
    return options


def _against_app(
    contract: Path,
    loaded: LoadResult,
    target: Target,
    given: Mapping[str, Mapping[str, str]],
    prefixes: tuple[str, ...],
    options: TestOptions,
    seed: int,
) -> Iterator[Event]:
    assert target.app is not None and loaded.spec is not None
    login = PasswordGrant({}, options.request_timeout)
    # Validation's lenient readings never touch security: the loaded document plans the same.
    plan = _started_plan(loaded.spec.root, given, prefixes, login)
    env: dict[str, str] = {}
    unset: list[str] = []
    for prefix in prefixes:
        values, removed = service_env(plan, prefix)
        env.update(values)
        unset.extend(removed)
    spec = ServiceSpec(target.app, env, tuple(unset), options.startup_timeout, target.cwd)
    yield ServiceStarting(target.app)
    try:
        with starting_service(spec) as starting:
            checked = validate_loaded(contract, loaded)  # while the service starts
            if not checked.ok() or checked.served is None:
                yield _invalid(checked)
                return
            narrowed = yield from _narrowed(contract, checked, options)
            if narrowed is None:
                return
            service = starting.ready()
            yield ServiceReady(service.url, service.startup_seconds)
            base_url = service.url + server_path(checked.served.root)
            login.urls = token_urls(plan.schemes, base_url)
            run_plan = RunPlan(checked.served.root, base_url, narrowed, plan)
            told = False
            for event in _run(checked, run_plan, seed, login):
                stopped = (
                    isinstance(event, EngineFinished) and event.stop_reason == "server_unavailable"
                ) or (isinstance(event, Problem) and "is not answering" in event.message)
                if stopped and not told:  # once: the service's own last words
                    told = True
                    yield Problem(
                        f"the service stopped answering; its last output:\n{log_tail(service.log)}"
                    )
                yield event
    except ServiceError as exc:
        hints = (
            "is the module importable from the current directory (or PYTHONPATH)?",
            "does the factory build the app without arguments (settings come from the environment)?",
        )
        yield RunAborted(f"the service did not come up: {exc}", log=exc.log, hints=hints)


def _against_url(
    checked: Checked,
    target: Target,
    given: Mapping[str, Mapping[str, str]],
    prefixes: tuple[str, ...],
    options: TestOptions,
    seed: int,
) -> Iterator[Event]:
    assert target.url is not None and checked.served is not None
    document = checked.served.root
    parts = urlsplit(target.url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        yield RunAborted(f"--url must be an http(s) URL, not {target.url!r}")
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    deadline = time.monotonic() + options.startup_timeout
    while not reachable(parts.hostname, port):
        if time.monotonic() > deadline:
            yield RunAborted(
                f"nothing answers at {target.url} (waited {options.startup_timeout:g} s)"
            )
            return
        time.sleep(0.2)
    base_url = target.url.rstrip("/") + server_path(document)
    login = PasswordGrant({}, options.request_timeout)
    plan = _given_plan(document, target, given, prefixes, login)
    login.urls = token_urls(plan.schemes, base_url)
    yield from _run(checked, RunPlan(document, base_url, options, plan), seed, login)


def _left_out(plan: RunPlan, operations: tuple[str, ...]) -> Iterator[str]:
    """What the shard and the change filter leave to other runs."""
    options = plan.options
    if options.only_operations is not None:
        yield (
            f"changed since {options.changed_since}: {len(options.only_operations)} "
            "operation(s); the others are not tested"
        )
    if options.shard is not None:
        unsharded = selected_operations(plan.document, dataclasses.replace(options, shard=None))
        index, count = options.shard
        yield f"shard {index}/{count}: {len(operations)} of {len(unsharded)} operations"


def _run(checked: Checked, plan: RunPlan, seed: int, login: PasswordGrant) -> Iterator[Event]:
    assert checked.served is not None
    secured = frozenset(label for label, req in plan.credentials.requirements.items() if req)
    operations = selected_operations(plan.document, plan.options)
    prepared = prepare(
        checked.served, checked.diagnostics, plan.credentials, plan.options, operations
    )
    plan = dataclasses.replace(plan, judge=prepared.judge, reading=prepared.reading)
    tally = Tally(str(checked.path), secured, fail_unimplemented=plan.options.fail_unimplemented)
    tally.scope = selected_operations(plan.document, dataclasses.replace(plan.options, shard=None))
    tally.skipped.extend(_left_out(plan, operations))
    tally.skipped.extend(prepared.skipped)
    if not operations:
        tally.notes.append("no operation selected: nothing to test")
        yield RunFinished(tally.summary())
        return
    for label in plan.credentials.unsatisfied:
        tally.notes.append(f"{label}: sent without credentials; none satisfy its security")
    guarded = guards(plan.base_url)  # a TLS tunnel cannot be read (guard.UNGUARDED)
    if not guarded:
        tally.notes.append(UNGUARDED)
    with contextlib.ExitStack() as stack:
        if guarded:
            proxy = stack.enter_context(Guard(plan.base_url, plan.options.request_timeout))
            plan = dataclasses.replace(plan, proxy=proxy)
        try:
            events = run_schemathesis(plan, seed)
            for event in events:
                tally.add(event)
                yield event
        except RunnerError as exc:
            yield RunAborted(f"schemathesis refused the run: {exc}")
            return
    tally.notes.extend(dict.fromkeys(login.refusals))
    tally.skipped.extend(prepared.judge.excusals())
    yield RunFinished(tally.summary())
