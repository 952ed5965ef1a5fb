"""The `specfirst` command line: parses arguments, runs pipeline stages, renders results, sets exit codes."""

from __future__ import annotations

import enum
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from generator import __version__
from generator.commands import register_all
from generator.config import ProjectConfig
from generator.pipeline import Checked, check_contract, contract_label, generate_contract
from generator.report import SourceCache, render_github, render_json, render_text, summary_line

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

app = typer.Typer(
    name="specfirst",
    help="Spec-first FastAPI: validate an OpenAPI 3.x contract, generate a typed service, test it.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(enum.StrEnum):
    """How `validate` prints its findings."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


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


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it (for messages)."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def _contracts_or_default(contracts: list[Path] | None) -> list[Path]:
    if contracts:
        return contracts
    found = [c.spec for c in ProjectConfig.from_pyproject().contracts()]
    if not found:
        typer.echo(
            "error: no contract given and none found in the configured specs folder", err=True
        )
        raise typer.Exit(EXIT_USAGE)
    return [_shown(p) for p in found]


def _exit_code(results: list[Checked], strict: bool) -> int:
    if any(d.rule == "io-error" for r in results for d in r.diagnostics):
        return EXIT_USAGE
    return EXIT_OK if all(r.ok(strict=strict) for r in results) else EXIT_INVALID


@app.command()
def validate(
    contracts: Annotated[
        list[Path] | None,
        typer.Argument(help="Contract files (default: every contract in [tool.specfirst] specs)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check contracts like a compiler: every finding as [bold]file:line:col[/bold], rule id and pointer.

    Exit codes: 0 clean, 1 errors (or warnings under --strict), 2 usage or I/O error.
    """
    paths = _contracts_or_default(contracts)
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


@app.command()
def generate(
    contract: Annotated[
        Path | None, typer.Argument(help="Contract file (default: every contract in specs/).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Package folder to generate into.")
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
) -> None:
    """Generate a FastAPI package per contract: models, interfaces, routers, security, app.

    Only changed files are rewritten and files the contract no longer needs are removed.
    """
    config = ProjectConfig.from_pyproject()
    if watch:
        if contract is None or check:
            typer.echo("error: --watch needs a CONTRACT and does not go with --check", err=True)
            raise typer.Exit(EXIT_USAGE)
        from generator.commands.watch import watch_loop

        watch_loop(contract, output or config.output / contract.stem)
    if contract is None:
        if output is not None:
            typer.echo("error: --output needs a CONTRACT", err=True)
            raise typer.Exit(EXIT_USAGE)
        pairs: list[tuple[Path, Path, Path | None]] = [
            (_shown(c.spec), _shown(c.output), config.root) for c in config.contracts()
        ]
        if not pairs:
            typer.echo("error: no contracts found in the configured specs folder", err=True)
            raise typer.Exit(EXIT_USAGE)
    else:
        pairs = [(contract, output or config.output / contract.stem, None)]
    codes = [_generate_one(spec, out, root, check) for spec, out, root in pairs]
    raise typer.Exit(max(codes))


def _generate_one(spec: Path, output: Path, root: Path | None, check: bool) -> int:
    result = generate_contract(spec, output, label=contract_label(spec, root), check=check)
    if result.skipped:
        typer.echo(f"{output}: up to date")
        return EXIT_OK
    diagnostics = result.checked.diagnostics
    if diagnostics:
        typer.echo(render_text(diagnostics))
    if result.report is None:
        typer.echo(f"{spec}: not generated ({summary_line(diagnostics, 1)})", err=True)
        return EXIT_USAGE if any(d.rule == "io-error" for d in diagnostics) else EXIT_INVALID
    report = result.report
    for diff in report.diffs:
        typer.echo(diff, nl=False)
    verb = "stale" if check else "written"
    typer.echo(
        f"{output}: {len(report.written)} {verb}, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed"
    )
    return EXIT_INVALID if check and report.changed else EXIT_OK


@app.command()
def token(
    subject: Annotated[str, typer.Option("--sub", help="The token's subject (user id).")],
    scopes: Annotated[
        list[str] | None, typer.Option("--scope", "-s", help="A scope to grant (repeatable).")
    ] = None,
    secret_env: Annotated[
        str, typer.Option("--secret-env", help="Environment variable holding the HS256 secret.")
    ] = "SPECFIRST_JWT_SECRET",
    issuer: Annotated[str | None, typer.Option("--issuer", help="`iss` claim.")] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="`aud` claim.")] = None,
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 900,
) -> None:
    """Mint a development JWT (HS256) with the service's test secret; print it to stdout."""
    import os

    from generator.devtoken import mint

    secret = os.environ.get(secret_env, "")
    try:
        value = mint(
            subject, scopes or [], secret=secret, issuer=issuer, audience=audience, ttl_seconds=ttl
        )
    except ValueError as exc:
        typer.echo(f"error: {exc} (set {secret_env})", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(value)


register_all(app)


def main() -> None:
    """Console-script entry point: never lets a traceback reach the user unless --debug."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in specfirst, not in the contract
        if State.debug or "--debug" in sys.argv:
            traceback.print_exc()
        else:
            typer.echo(
                f"specfirst: internal error ({type(exc).__name__}); rerun with --debug for details",
                err=True,
            )
        sys.exit(EXIT_BUG)
