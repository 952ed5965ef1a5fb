"""`specfirst diff OLD NEW`: classify every change between two contract versions."""

from __future__ import annotations

import enum
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.exits import ExitCode, fail
from generator.compat.changes import fails
from generator.compat.diff import diff_specs
from generator.compat.render import render_annotations, render_json, render_markdown, render_text
from generator.compat.rules import Severity
from generator.compat.sides import Side, SideError, open_side, relabel
from generator.diagnostics import Diagnostic, Location
from generator.report import SourceCache
from generator.report import render_text as render_diagnostics
from generator.spec.document import Spec


class DiffFormat(enum.StrEnum):
    """How `diff` prints the changes."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"


class FailOn(enum.StrEnum):
    """The least serious level that makes `diff` exit 1."""

    BREAKING = "breaking"
    WARNING = "warning"


def register(app: typer.Typer) -> None:
    """Attach `diff` to the CLI."""
    app.command("diff")(diff)


def diff(
    old: Annotated[str, typer.Argument(help="The old contract: a file or git:REF:path.")],
    new: Annotated[str, typer.Argument(help="The new contract: a file or git:REF:path.")],
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.TEXT,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 on changes at least this serious.")
    ] = FailOn.BREAKING,
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Validate both contracts first (loading errors stop the diff either way).",
        ),
    ] = True,
) -> None:
    """Compare two versions of a contract: every change, [bold]breaking[/bold], warning or info.

    Example: [bold]specfirst diff git:origin/main:specs/users.yaml specs/users.yaml[/bold].
    Each change has a rule id, a one-line explanation and its file:line in both contracts.
    Exit codes: 0 nothing at --fail-on level, 1 such changes, 2 a contract could not be read.
    """
    with ExitStack() as stack:
        try:
            old_side = stack.enter_context(open_side(old))
            new_side = stack.enter_context(open_side(new))
        except SideError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot prepare the contracts: {exc}")
        old_spec, new_spec = _checked(old_side, validate), _checked(new_side, validate)
        changes = relabel(diff_specs(old_spec, new_spec), old_side, new_side)
    if output_format is DiffFormat.JSON:
        typer.echo(render_json(changes, old, new))
    elif output_format is DiffFormat.MARKDOWN:
        typer.echo(render_markdown(changes, old, new))
    elif output_format is DiffFormat.GITHUB:
        annotations = render_annotations(changes)
        if annotations:
            typer.echo(annotations)
    else:
        typer.echo(render_text(changes, old, new))
    raise typer.Exit(ExitCode.FOUND if fails(changes, Severity(fail_on.value)) else ExitCode.OK)


def _checked(side: Side, validate: bool) -> Spec:
    """Load (and validate) one side; exit 2 with its findings when it has errors."""
    from generator.pipeline import check_contract
    from generator.spec.load import load_spec

    if validate:
        checked = check_contract(side.path)
        spec, diagnostics = checked.spec, checked.diagnostics
    else:
        loaded = load_spec(side.path)
        spec, diagnostics = loaded.spec, loaded.diagnostics
    errors = [_shown(d, side) for d in diagnostics if d.is_error]
    if spec is not None and not errors:
        return spec
    sources = SourceCache()
    if side.prefix:  # a git side's files are shown under their git:REF:path names
        for path in [side.path, *(spec.files if spec else [])]:
            _remember(sources, side, Path(path))
    typer.echo(render_diagnostics(errors, sources), err=True)
    typer.echo(f"{side.argument}: cannot be compared ({len(errors)} errors)", err=True)
    raise typer.Exit(ExitCode.USAGE)


def _shown(diagnostic: Diagnostic, side: Side) -> Diagnostic:
    related = tuple(filter(None, (side.shown(r) for r in diagnostic.related)))
    return replace(diagnostic, location=side.shown(diagnostic.location), related=related)


def _remember(sources: SourceCache, side: Side, path: Path) -> None:
    """Preload a temporary file's lines under its shown name, for the source excerpts."""
    shown = side.shown(Location(str(path)))
    if shown is None:
        return
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    sources.lines[shown.file] = text.splitlines()
