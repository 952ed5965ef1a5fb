"""How a command ends: the exit codes every `specfirst` command shares, and failing with one.

| code | meaning |
| --- | --- |
| 0 `OK` | done; nothing found |
| 1 `FOUND` | something found: contract errors (warnings under `--strict`), stale generated code, unimplemented operations, drift, breaking changes, contract-test failures |
| 2 `USAGE` | could not run: bad arguments, an unreadable file, an app that does not load, a service that does not start |
| 3 `BUG` | specfirst itself failed (`--debug` shows the traceback) |
| 130 `INTERRUPTED` | Ctrl-C (or SIGTERM during `test`) |
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import typer

from generator.diagnostics import Diagnostic
from generator.report import render_text, summary_line


class ExitCode(enum.IntEnum):
    """The process exit status of a command (see the module docstring)."""

    OK = 0
    FOUND = 1
    USAGE = 2
    BUG = 3
    INTERRUPTED = 130


def exit_code_for(diagnostics: Sequence[Diagnostic]) -> ExitCode:
    """An unusable contract: `USAGE` when a file could not be read, else `FOUND`."""
    io_error = any(d.rule == "io-error" for d in diagnostics)
    return ExitCode.USAGE if io_error else ExitCode.FOUND


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """Print `error: message` to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def show(diagnostics: Sequence[Diagnostic]) -> None:
    """Print findings compiler-style (with the source line), if there are any."""
    if diagnostics:
        typer.echo(render_text(diagnostics))


def refuse(contract: Path, diagnostics: Sequence[Diagnostic], verb: str) -> NoReturn:
    """The contract is unusable: show why and exit (`exit_code_for`)."""
    show(diagnostics)
    typer.echo(f"{contract}: not {verb} ({summary_line(diagnostics, 1)})", err=True)
    raise typer.Exit(exit_code_for(diagnostics))
