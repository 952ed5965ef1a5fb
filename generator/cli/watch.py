"""`specfirst watch` (and `generate --watch`): regenerate on every save, findings as they appear."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from generator.cli.exits import ExitCode, fail
from generator.config import ProjectConfig
from generator.pipeline import contract_label
from generator.report import render_text, summary_line
from generator.watch import Run, watch_contract, watched_files


def register(app: typer.Typer) -> None:
    """Attach `watch` to the CLI."""
    app.command("watch")(watch)


def watch(
    contract: Annotated[Path, typer.Argument(help="The contract to watch.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Package folder (default: \\[tool.specfirst] output)."),
    ] = None,
) -> None:
    """Validate and regenerate now, then on every save of the contract or a file it references.

    Diagnostics print as they appear; Ctrl-C stops. The same as [bold]generate --watch[/bold].
    """
    watch_loop(contract, output or ProjectConfig.from_pyproject().output / contract.stem)


def watch_loop(contract: Path, output: Path) -> NoReturn:
    """Render every run of `watch_contract` until Ctrl-C, then exit 0."""
    if not contract.parent.is_dir():
        fail(f"{contract.parent} is not a folder; nothing to watch")
    try:
        for run in watch_contract(contract, output, label=contract_label(contract)):
            for line in run_lines(contract, output, run):
                typer.echo(line)
    except KeyboardInterrupt:
        typer.echo("stopped watching")
    raise typer.Exit(ExitCode.OK)


def run_lines(contract: Path, output: Path, run: Run) -> list[str]:
    """What one run printed: the saves that caused it, its findings, what was written."""
    lines = [f"changed: {', '.join(str(p) for p in run.changed)}"] if run.changed else []
    generated = run.generated
    diagnostics = generated.checked.diagnostics
    if diagnostics:
        lines.append(render_text(diagnostics))
    report = generated.report
    if report is None:
        lines.append(f"{contract}: not generated ({summary_line(diagnostics, 1)})")
    else:
        lines.append(
            f"{output}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed"
        )
    count = len(watched_files(contract, generated)) - 1
    others = f" and {count} referenced file{'s' * (count != 1)}" if count else ""
    lines.append(f"watching {contract}{others} (Ctrl-C to stop)")
    return lines
