"""`specfirst convert`: write a Swagger 2.0 contract as the OpenAPI 3.0.3 document specfirst serves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.exits import ExitCode, fail, refuse, show
from generator.report import summary_line


def register(app: typer.Typer) -> None:
    """Attach `convert` to the CLI."""
    app.command("convert")(convert)


def convert(
    contract: Annotated[Path, typer.Argument(help="A Swagger 2.0 contract (YAML or JSON).")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Where to write the OpenAPI 3.0.3 contract (.yaml, .json)."
        ),
    ],
) -> None:
    """Convert a Swagger 2.0 contract to OpenAPI 3.0.3, the way every command reads it.

    Other files it references are bundled in; what has no 3.0 equivalent is reported as a
    located `swagger2-unconverted` warning. Exit codes: 0 written, 1 the contract has errors,
    2 unreadable input, not Swagger 2.0, or an output path that cannot be written.
    """
    from generator.spec.load import load_spec
    from generator.swagger2 import SOURCE_FORMAT
    from generator.swagger2.render import contract_text

    if output.exists() and contract.exists() and output.resolve() == contract.resolve():
        fail(f"{output} is the input contract; write the conversion to another file")
    if output.is_dir():
        fail(f"{output} is a directory; give a file name such as {output / contract.stem}.yaml")
    if not output.parent.is_dir():
        fail(f"cannot write {output}: the folder {output.parent} does not exist")
    loaded = load_spec(contract)
    if loaded.spec is None or any(d.is_error for d in loaded.diagnostics):
        refuse(contract, loaded.diagnostics, "converted")
    if loaded.spec.converted_from != SOURCE_FORMAT:
        version = loaded.spec.root.get("openapi", loaded.spec.root.get("swagger", "no version"))
        fail(
            f"{contract} is not a Swagger 2.0 contract (found {str(version)[:20]}); nothing to convert"
        )
    text = contract_text(loaded.spec.root, as_json=output.suffix.lower() == ".json")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    show(loaded.diagnostics)
    typer.echo(f"wrote {output} ({summary_line(loaded.diagnostics, 1)})")
    raise typer.Exit(ExitCode.OK)
