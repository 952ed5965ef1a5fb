"""`specfirst scaffold`: write hand-written implementation stubs once, then only add to them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.contracts import default_package
from generator.cli.exits import ExitCode, fail, refuse, show
from generator.diagnostics import Level
from generator.pipeline import contract_label
from generator.scaffold import ScaffoldReport, scaffold_contract


def register(app: typer.Typer) -> None:
    """Attach `scaffold` to the CLI."""
    app.command("scaffold")(scaffold)


def scaffold(
    contract: Annotated[Path, typer.Argument(help="The contract the stubs implement.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder of the hand-written package.")
    ],
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="Import path of the generated package (default: \\[tool.specfirst] output "
            "folder / contract stem, e.g. generated.users).",
        ),
    ] = None,
    rename: Annotated[
        bool,
        typer.Option(
            "--rename",
            help="Rename the method of an operation whose operationId changed (same method "
            "and path) to its new name, with the result classes it names.",
        ),
    ] = False,
) -> None:
    """Write your implementation's stubs, then keep them in step with the contract.

    One class per tag in [bold]DIR/<tag>.py[/bold], and [bold]DIR/__init__.py[/bold]. Each
    class subclasses the tag's generated Protocol; every method raises NotImplementedError
    (the service answers 501) until you write it. Existing files are never overwritten: when
    the contract gains operations, only the missing methods are appended to the class, and mypy
    points at any method whose signature no longer matches the contract. A method whose
    operation is gone is reported at its file:line and kept; when the operation was only
    renamed (a new operationId), it says which method to rename, and [bold]--rename[/bold]
    does it. `specfirst check` fails until every such method is resolved.
    """
    package = package or default_package(contract)
    if package is None or not all(p.isidentifier() for p in package.split(".")):
        fail("cannot tell the generated package's import path; pass --package")
    result = scaffold_contract(
        contract, output, package=package, label=contract_label(contract), rename=rename
    )
    if result.report is None:
        refuse(contract, result.checked.diagnostics, "scaffolded")
    show([d for d in result.checked.diagnostics if d.level is Level.WARNING])
    for line in report_lines(output, result.report):
        typer.echo(line)
    raise typer.Exit(ExitCode.OK)


def report_lines(output: Path, report: ScaffoldReport) -> list[str]:
    """What scaffold did, one line per file, then a summary."""
    lines = [f"created {output / name}" for name in report.created]
    for added in report.added:
        methods = ", ".join(f"{added.impl}.{m}" for m in added.methods)
        imports = f" (imported {', '.join(added.imports)})" if added.imports else ""
        lines.append(f"added to {output / added.file}: {methods}{imports}")
    for renamed in report.renamed:
        where = f"{output / renamed.file}:{renamed.line}"
        lines.append(f"renamed in {where}: {renamed.impl}.{renamed.method} -> {renamed.rename_to}")
    lines += [f"note: {note}" for note in report.notes]
    lines += [
        f"{output / o.file}:{o.line}:{o.column}: warning: {o.advice()}" for o in report.orphans
    ]
    count = sum(len(a.methods) for a in report.added)
    more = [f"{len(report.renamed)} renamed"] if report.renamed else []
    more += [f"{len(report.orphans)} orphaned"] if report.orphans else []
    lines.append(
        f"{output}: {len(report.created)} created, {count} method{'s' * (count != 1)} added, "
        + ", ".join([*more, f"{len(report.unchanged)} unchanged"])
    )
    return lines
