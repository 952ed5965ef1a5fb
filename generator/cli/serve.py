"""`specfirst serve`: run a contract's service (or a generated package) locally with uvicorn."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from generator.cli.exits import ExitCode, fail, refuse

if TYPE_CHECKING:
    from generator.serve import Service


def register(app: typer.Typer) -> None:
    """Attach `serve` to the CLI."""
    app.command("serve")(serve)


def serve(
    target: Annotated[
        str, typer.Argument(help="A contract file, or a generated package's import path.")
    ],
    mock: Annotated[
        bool,
        typer.Option(
            "--mock",
            help="Answer unimplemented operations with the contract's examples (else data "
            "built from the schema).",
        ),
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8000,
    impl: Annotated[
        str | None,
        typer.Option("--impl", help="App factory with your implementations, as module:factory."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Generate the contract's package here (default: a temporary folder).",
        ),
    ] = None,
    skip_auth: Annotated[
        bool,
        typer.Option(
            "--skip-auth",
            help="With --mock: let every request in as 'mock-user' holding every scope the "
            "contract names (front-end work without tokens). Off by default.",
        ),
    ] = False,
) -> None:
    """Run the service locally: the API, its contract at /openapi.json, docs at /docs.

    It listens on [bold]http://127.0.0.1:8000[/bold] unless --host/--port say otherwise. A
    contract is generated first. With [bold]--mock[/bold] every operation without an
    implementation (missing, or raising NotImplementedError) answers its success status with a
    schema-valid body: the contract's own examples first, else data built from the schema.
    Credentials are checked as the service checks them (set <PREFIX>JWT_SECRET and mint with
    [bold]specfirst token[/bold]); [bold]--mock --skip-auth[/bold] lets every request in.
    """
    from generator.apps import AppLoadError  # FastAPI and uvicorn: only for this command
    from generator.serve import NotGenerated, prepare_service, run

    if skip_auth and not mock:
        fail("--skip-auth is for --mock only: an implementation is always served with its auth")
    try:
        prepared = prepare_service(target, mock=mock, impl=impl, output=output, skip_auth=skip_auth)
    except AppLoadError as exc:
        fail(str(exc))
    if isinstance(prepared, NotGenerated):
        checked = prepared.generated.checked
        refuse(Path(target), checked.diagnostics, "served")
    for warning in prepared.warnings:
        typer.echo(f"warning: {warning}", err=True)
    try:
        typer.echo(banner(prepared, host, port))
        run(prepared.app, host=host, port=port)
    finally:
        if prepared.temporary is not None:
            shutil.rmtree(prepared.temporary, ignore_errors=True)
    raise typer.Exit(ExitCode.OK)


def banner(service: Service, host: str, port: int) -> str:
    """One line saying what is served where."""
    base = f"http://{host}:{port}"
    mode = "mock answers for unimplemented operations" if service.mock else "501 when unimplemented"
    if service.skip_auth:
        mode += "; auth skipped: every request is 'mock-user' with every scope"
    return (
        f"serving {service.title} ({service.package}; {mode}) at {base}{service.prefix}; "
        f"contract at {base}/openapi.json, docs at {base}/docs"
    )
