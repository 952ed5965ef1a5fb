"""What the scaffold, serve, watch and drift commands share: exit codes, contract findings.

Not a command module itself (it has no `register`), so it is not listed in `MODULES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import typer

from generator.config import ProjectConfig
from generator.diagnostics import Diagnostic
from generator.report import render_text, summary_line

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `error: message` to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def show(diagnostics: Sequence[Diagnostic]) -> None:
    """Print findings compiler-style (with the source line), if there are any."""
    if diagnostics:
        typer.echo(render_text(diagnostics))


def refuse(contract: Path, diagnostics: Sequence[Diagnostic], verb: str) -> NoReturn:
    """The contract is unusable: show why and exit 2 for I/O errors, 1 for contract errors."""
    show(diagnostics)
    typer.echo(f"{contract}: not {verb} ({summary_line(diagnostics, 1)})", err=True)
    io_error = any(d.rule == "io-error" for d in diagnostics)
    raise typer.Exit(EXIT_USAGE if io_error else EXIT_FOUND)


def default_package(contract: Path) -> str | None:
    """The import path of `contract`'s generated package: [tool.specfirst] output / stem.

    With the default settings, `specs/users.yaml` -> `generated.users`.
    """
    from generator.scaffold import default_package as dotted

    config = ProjectConfig.from_pyproject()
    return dotted(config.output / contract.stem, config.root)
