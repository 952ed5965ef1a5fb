"""`specfirst test`: contract-test a service with schemathesis; renders the run's events with rich.

Exit codes (`exits.ExitCode`): 0 passed, 1 contract violations (or errors while testing), 2
the run could not start (bad contract or settings, service did not come up), 130 interrupted.
The run itself lives in `test_run` (imported only by this command).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.exits import ExitCode
from generator.contract.options import OptionsError

Opt = typer.Option


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        name, sep, secret = value.partition("=")
        if not sep or not name:
            raise OptionsError(f"{flag} takes SCHEME=VALUE, not {value!r}")
        pairs[name] = secret
    return pairs


def _number_or(value: str | None, word: str) -> int | str | None:
    if value is None or value == word:
        return value
    try:
        return int(value)
    except ValueError:
        raise OptionsError(f"expected a number or {word!r}, not {value!r}") from None


def test(
    contract: Annotated[Path, typer.Argument(help="The contract (source of truth), YAML or JSON.")],
    app: Annotated[
        str | None, Opt("--app", help="The service to start (uvicorn), as module:factory.")
    ] = None,
    url: Annotated[str | None, Opt("--url", help="Test a service that is already running.")] = None,
    env_prefix: Annotated[
        str | None, Opt("--env-prefix", help="Settings prefix of the package, e.g. USERS_.")
    ] = None,
    jwt_secret_env: Annotated[
        str | None, Opt("--jwt-secret-env", help="With --url: variable holding the JWT secret.")
    ] = None,
    credential: Annotated[
        list[str] | None,
        Opt(
            "--credential",
            help="SCHEME=key (API key), SCHEME=user:pass (basic, or log in at an OAuth2 "
            "password flow's tokenUrl instead of minting).",
        ),
    ] = None,
    peer_credential: Annotated[
        list[str] | None, Opt("--peer-credential", help="The same for the peer identity.")
    ] = None,
    max_examples: Annotated[int | None, Opt("--max-examples", "-n", help="Per operation.")] = None,
    seed: Annotated[str | None, Opt("--seed", help="A number, or 'random'.")] = None,
    workers: Annotated[str | None, Opt("--workers", "-w", help="A number, or 'auto'.")] = None,
    phases: Annotated[
        str | None,
        Opt("--phases", help="Comma-separated, of examples,coverage,fuzzing,stateful."),
    ] = None,
    mode: Annotated[
        str | None, Opt("--mode", help="Which generated data: all, positive or negative.")
    ] = None,
    checks: Annotated[str | None, Opt("--checks", "-c", help="Checks to run, or 'all'.")] = None,
    exclude_checks: Annotated[str | None, Opt("--exclude-checks", help="Checks to skip.")] = None,
    include_operation_id: Annotated[
        list[str] | None,
        Opt("--include-operation-id", help="Test only this operation (repeatable)."),
    ] = None,
    include_tag: Annotated[
        list[str] | None, Opt("--include-tag", help="Test only this tag's operations (repeatable).")
    ] = None,
    exclude_operation_id: Annotated[
        list[str] | None, Opt("--exclude-operation-id", help="Skip this operation (repeatable).")
    ] = None,
    exclude_tag: Annotated[
        list[str] | None, Opt("--exclude-tag", help="Skip this tag's operations (repeatable).")
    ] = None,
    max_response_time: Annotated[
        float | None, Opt("--max-response-time", help="Seconds; a slower response fails.")
    ] = None,
    request_timeout: Annotated[
        float | None, Opt("--request-timeout", help="Seconds to wait for each response.")
    ] = None,
    continue_on_failure: Annotated[
        bool | None,
        Opt(
            "--continue-on-failure/--stop-on-failure",
            help="Keep testing an operation after its first failure, or move on to the next.",
        ),
    ] = None,
    startup_timeout: Annotated[
        float | None, Opt("--startup-timeout", help="Seconds to wait for the service.")
    ] = None,
    junit: Annotated[Path | None, Opt("--junit", help="Write a JUnit XML report here.")] = None,
    json_path: Annotated[Path | None, Opt("--json", help="Write the JSON summary here.")] = None,
) -> None:
    """Contract-test a service against CONTRACT with schemathesis: every check, every phase.

    [bold]--app module:factory[/bold] starts the service (uvicorn on 127.0.0.1, a free port) with fresh
    test credentials; [bold]--url[/bold] tests one that is already running. Project defaults come
    from \\[tool.specfirst.test] in pyproject.toml; flags override them.
    """
    from rich.console import Console
    from rich.text import Text

    from generator.cli.test_run import options as load_options
    from generator.cli.test_run import run

    console = Console(highlight=False, soft_wrap=True)
    if (app is None) == (url is None):
        console.print("error: give exactly one of --app or --url", style="red")
        raise typer.Exit(ExitCode.USAGE)
    try:
        options = load_options(
            max_examples=max_examples,
            seed=_number_or(seed, "random"),
            workers=_number_or(workers, "auto"),
            phases=phases,
            mode=mode,
            checks=checks,
            exclude_checks=exclude_checks,
            include_operation_ids=include_operation_id,
            include_tags=include_tag,
            exclude_operation_ids=exclude_operation_id,
            exclude_tags=exclude_tag,
            max_response_time=max_response_time,
            request_timeout=request_timeout,
            continue_on_failure=continue_on_failure,
            startup_timeout=startup_timeout,
        )
        from generator.contract.session import Target  # schemathesis: only for this command

        target = Target(
            app=app,
            url=url,
            env_prefix=env_prefix,
            jwt_secret_env=jwt_secret_env,
            credentials=_pairs(credential, "--credential"),
            peer_credentials=_pairs(peer_credential, "--peer-credential"),
        )
    except OptionsError as exc:
        console.print(Text(f"error: {exc}", style="red"))
        raise typer.Exit(ExitCode.USAGE) from None
    raise typer.Exit(run(console, contract, target, options, junit, json_path))


def register(app: typer.Typer) -> None:
    """Add `specfirst test` to the CLI."""
    app.command(name="test")(test)
