"""`specfirst generate`: one package per contract, or a check that generated code is current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.contracts import shown
from generator.cli.exits import ExitCode, exit_code_for, fail
from generator.config import ProjectConfig
from generator.pipeline import client_folder, contract_label, generate_contract
from generator.report import render_text, summary_line


def register(app: typer.Typer) -> None:
    """Attach `generate` to the CLI."""
    app.command()(generate)


def generate(
    contract: Annotated[
        Path | None,
        typer.Argument(
            help="Contract file (default: every contract in the \\[tool.specfirst] specs folder)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Package folder to generate into (default: \\[tool.specfirst] output / the "
            "contract's name, e.g. generated/users).",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if generated code is stale.")
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            "-w",
            help="Regenerate on every save of the contract or a file it references (Ctrl-C stops).",
        ),
    ] = False,
    client: Annotated[
        bool,
        typer.Option(
            "--client",
            help="Also generate the typed httpx client, beside the package as <name>_client "
            "(or set `client = true` in [tool.specfirst]).",
        ),
    ] = False,
) -> None:
    """Generate a FastAPI package per contract: models, interfaces, routers, security, app.

    Only changed files are rewritten and files the contract no longer needs are removed.
    """
    config = ProjectConfig.from_pyproject()
    if watch:
        if contract is None or check:
            fail("--watch needs a CONTRACT and does not go with --check")
        from generator.cli.watch import watch_loop

        watch_loop(
            contract, output or config.output / contract.stem, client=client or config.client
        )
    if contract is None:
        if output is not None:
            fail("--output needs a CONTRACT")
        pairs: list[tuple[Path, Path, Path | None]] = [
            (shown(c.spec), shown(c.output), config.root) for c in config.contracts()
        ]
        if not pairs:
            fail("no contracts found in the configured specs folder")
    else:
        pairs = [(contract, output or config.output / contract.stem, None)]
    with_client = client or config.client
    codes = [_generate_one(spec, out, root, check, with_client) for spec, out, root in pairs]
    raise typer.Exit(max(codes))


def _generate_one(
    spec: Path, output: Path, root: Path | None, check: bool, client: bool
) -> ExitCode:
    label = contract_label(spec, root)
    result = generate_contract(spec, output, label=label, check=check, client=client)
    if result.skipped:
        typer.echo(f"{output}: up to date")
        return ExitCode.OK
    diagnostics = result.checked.diagnostics
    if diagnostics:
        typer.echo(render_text(diagnostics))
    if result.report is None:
        typer.echo(
            f"{spec}: not generated ({summary_line(diagnostics, 1, result.checked.silenced)})",
            err=True,
        )
        return exit_code_for(diagnostics)
    reports = [(output, result.report)]
    if result.client_report is not None:
        reports.append((client_folder(output), result.client_report))
    for folder, report in reports:
        for diff in report.diffs:
            typer.echo(diff, nl=False)
        verb = "stale" if check else "written"
        typer.echo(
            f"{folder}: {len(report.written)} {verb}, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed"
        )
    changed = any(report.changed for _, report in reports)
    return ExitCode.FOUND if check and changed else ExitCode.OK
