"""`specfirst check`: fail CI when generated code is stale, operations are unimplemented or routes drift."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.exits import ExitCode, fail
from generator.config import ProjectConfig


def register(app: typer.Typer) -> None:
    """Add `check` to the CLI."""
    app.command()(check)


def check(
    contracts: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Contracts to check (default: every contract in the \\[tool.specfirst] specs folder)."
        ),
    ] = None,
) -> None:
    """Is generated code current? Is every operation implemented? Do the app's routes match?

    Applications are named per contract in `\\[tool.specfirst.apps]` (`users = "pkg.app:create_app"`).
    Exit codes: 0 all good, 1 something stale, unimplemented or drifting, 2 usage error.
    """
    from generator.check import check_contract_package
    from generator.report import render_text

    config = ProjectConfig.from_pyproject()
    chosen = {p.resolve() for p in contracts or []}
    targets = [c for c in config.contracts() if not chosen or c.spec.resolve() in chosen]
    if not targets:
        fail("no contracts to check")
    failed = False
    for target in targets:
        cwd = Path.cwd()
        spec = target.spec.relative_to(cwd) if target.spec.is_relative_to(cwd) else target.spec
        result = check_contract_package(
            spec,
            target.output,
            root=config.root,
            app_reference=config.apps.get(target.spec.stem),
        )
        shown = (
            target.output.relative_to(config.root)
            if target.output.is_relative_to(config.root)
            else target.output
        )
        report = result.generated.report
        if report is None:
            typer.echo(render_text(result.generated.checked.diagnostics))
            typer.echo(f"{shown}: the contract does not generate")
        elif report.changed:
            for diff in report.diffs:
                typer.echo(diff, nl=False)
            typer.echo(
                f"{shown}: stale ({len(report.written)} changed, {len(report.removed)} to remove); run `specfirst generate`"
            )
        if result.findings:
            typer.echo(render_text(result.findings))
        if result.ok:
            typer.echo(
                f"{shown}: current"
                + (", implemented, no drift" if target.spec.stem in config.apps else "")
            )
        failed = failed or not result.ok
    raise typer.Exit(ExitCode.FOUND if failed else ExitCode.OK)
