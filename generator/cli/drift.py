"""`specfirst drift`: the routes an app really registers against its contract, one line each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.contracts import default_package
from generator.cli.exits import ExitCode, fail, refuse
from generator.diagnostics import Diagnostic
from generator.pipeline import check_contract
from generator.report import printable


def register(app: typer.Typer) -> None:
    """Attach `drift` to the CLI."""
    app.command("drift")(drift)


def drift(
    contract: Annotated[Path, typer.Argument(help="The contract the app should serve.")],
    app_reference: Annotated[
        str | None, typer.Option("--app", help="The app or its factory, as module:factory.")
    ] = None,
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="A generated package (means PACKAGE:create_app); default: the contract's "
            "package under \\[tool.specfirst] output, e.g. generated.users.",
        ),
    ] = None,
) -> None:
    """Compare FastAPI's derived schema of the app with the contract, route by route.

    Reports missing and extra routes, parameters (name, location, required), request bodies
    (media types, required), documented statuses and security requirements, one line each.
    Exit codes: 0 no drift, 1 differences, 2 the contract or the app could not be loaded.
    """
    from generator.apps import AppLoadError, load_app, package_reference  # FastAPI: only here
    from generator.contract.drift import find_drift

    if app_reference and package:
        fail("give --app or --package, not both")
    if not app_reference:
        package = package or default_package(contract)
        if package is None:
            fail("cannot tell which app to check; pass --app module:factory or --package")
        app_reference = package_reference(package)
    checked = check_contract(contract)
    if not checked.ok() or checked.spec is None:
        refuse(contract, checked.diagnostics, "checked")
    try:
        app = load_app(app_reference)
    except AppLoadError as exc:
        fail(str(exc))
    found = find_drift(checked.spec, app)
    for diagnostic in found:
        typer.echo(drift_line(diagnostic))
    errors = sum(d.is_error for d in found)
    if errors:
        typer.echo(f"{contract}: {errors} difference{'s' * (errors != 1)} from {app_reference}")
        raise typer.Exit(ExitCode.FOUND)
    typer.echo(f"{contract}: no drift ({app_reference} registers what the contract documents)")
    raise typer.Exit(ExitCode.OK)


def drift_line(diagnostic: Diagnostic) -> str:
    """`file:line:col: error[drift-rule] METHOD /path: message` on one line."""
    where = f"{diagnostic.location}: " if diagnostic.location else ""
    level = diagnostic.level.value
    return f"{where}{level}[{diagnostic.rule}] {printable(diagnostic.message)}"
