"""The `specfirst` typer app: options every command shares, the commands, the entry point.

Each command lives in its own module of this package and attaches itself with `register(app)`;
`COMMANDS` is their order in `specfirst --help`. Commands parse arguments, run pipeline stages,
render the results and set the exit code (`exits.ExitCode`); nothing else in `generator/`
prints or exits.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import Annotated

import typer

from generator import __version__
from generator.cli.exits import ExitCode

COMMANDS = (  # in the order a project meets them
    "validate",
    "generate",
    "scaffold",
    "serve",
    "token",
    "test",
    "check",
    "diff",
    "drift",
    "watch",
    "convert",
)

app = typer.Typer(
    name="specfirst",
    help="Spec-first FastAPI: validate an OpenAPI 3.x (or Swagger 2.0) contract, generate a typed service, test it."
    "\n\nA first day: [bold]specfirst validate specs/api.yaml[/bold], [bold]specfirst generate[/bold]"
    " (every contract in the \\[tool.specfirst] specs folder), [bold]specfirst scaffold "
    "specs/api.yaml -o impl[/bold], then [bold]specfirst serve specs/api.yaml --mock[/bold]. "
    "Each command's --help says more.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class State:
    """Options shared by every command."""

    debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"specfirst {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a Python traceback when specfirst itself fails.")
    ] = False,
) -> None:
    """Spec-first FastAPI code generation."""
    State.debug = debug


for _command in COMMANDS:
    importlib.import_module(f"generator.cli.{_command}").register(app)


def main() -> None:
    """Console-script entry point: never lets a traceback reach the user unless --debug."""
    try:
        app(prog_name="specfirst")  # also under `python -m generator`
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug in specfirst, not in the contract
        if State.debug or "--debug" in sys.argv:
            traceback.print_exc()
        else:
            typer.echo(
                f"specfirst: internal error ({type(exc).__name__}); rerun with --debug for details",
                err=True,
            )
        sys.exit(ExitCode.BUG)
