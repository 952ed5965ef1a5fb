"""`specfirst validate`: check contracts like a compiler, one finding per line with its source."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.contracts import contracts_or_default
from generator.cli.exits import ExitCode
from generator.pipeline import Checked, check_contract
from generator.report import SourceCache, render_github, render_json, render_text, summary_line


class OutputFormat(enum.StrEnum):
    """How `validate` prints its findings."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def register(app: typer.Typer) -> None:
    """Attach `validate` to the CLI."""
    app.command()(validate)


def validate(
    contracts: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Contract files (default: every contract in \\[tool.specfirst] specs)."
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check contracts like a compiler: every finding as [bold]file:line:col[/bold], rule id and pointer.

    Exit codes: 0 clean, 1 errors (or warnings under --strict), 2 usage or I/O error.
    """
    paths = contracts_or_default(contracts)
    results = [check_contract(path) for path in paths]
    every = [d for r in results for d in r.diagnostics]
    summary = summary_line(every, len(results), sum(r.silenced for r in results))
    if output_format is OutputFormat.JSON:
        pairs = ((str(r.path), r.diagnostics) for r in results)
        typer.echo(render_json(pairs, [r.silenced for r in results]))
    elif output_format is OutputFormat.GITHUB:
        text = render_github(every)
        # The summary as a notice, so a run's silenced count shows in the job's log.
        typer.echo(f"{text}\n::notice title=specfirst validate::{summary}" if text else summary)
    else:
        if every:
            typer.echo(render_text(every, SourceCache()))
        typer.echo(summary)
    raise typer.Exit(_exit_code(results, strict))


def _exit_code(results: list[Checked], strict: bool) -> ExitCode:
    if any(d.rule == "io-error" for r in results for d in r.diagnostics):
        return ExitCode.USAGE
    return ExitCode.OK if all(r.ok(strict=strict) for r in results) else ExitCode.FOUND
