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
    if output_format is OutputFormat.JSON:
        typer.echo(render_json((str(r.path), r.diagnostics) for r in results))
    elif output_format is OutputFormat.GITHUB:
        text = render_github([d for r in results for d in r.diagnostics])
        if text:
            typer.echo(text)
    else:
        sources = SourceCache()
        every = [d for r in results for d in r.diagnostics]
        if every:
            typer.echo(render_text(every, sources))
        typer.echo(summary_line(every, len(results)))
    raise typer.Exit(_exit_code(results, strict))


def _exit_code(results: list[Checked], strict: bool) -> ExitCode:
    if any(d.rule == "io-error" for r in results for d in r.diagnostics):
        return ExitCode.USAGE
    return ExitCode.OK if all(r.ok(strict=strict) for r in results) else ExitCode.FOUND
