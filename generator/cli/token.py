"""`specfirst token`: mint a development JWT the service itself accepts."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from generator.cli.exits import ExitCode, fail


def register(app: typer.Typer) -> None:
    """Attach `token` to the CLI."""
    app.command()(token)


def token(
    subject: Annotated[str, typer.Option("--sub", help="The token's subject (user id).")],
    scopes: Annotated[
        list[str] | None,
        typer.Option("--scope", "-s", help="A scope the contract defines (repeatable)."),
    ] = None,
    app: Annotated[
        str | None,
        typer.Option(
            "--app",
            help="The service: module:factory, a name in \\[tool.specfirst.apps], or a "
            "contract's name (default: the project's only app).",
        ),
    ] = None,
    secret_env: Annotated[
        str | None,
        typer.Option(
            "--secret-env",
            help="Read the HS256 secret from this variable instead of the service's own "
            "(<PREFIX>JWT_SECRET, e.g. USERS_JWT_SECRET).",
        ),
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="`iss` claim (default: the service's).")
    ] = None,
    audience: Annotated[
        str | None, typer.Option("--audience", help="`aud` claim (default: the service's).")
    ] = None,
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 900,
) -> None:
    """Mint a development JWT the service accepts and print it to stdout.

    The service is built with its own settings, so the token is signed with the secret it
    verifies with ([bold]<PREFIX>JWT_SECRET[/bold], e.g. USERS_JWT_SECRET) and carries the
    issuer and audience it expects. A scope the contract does not define is refused.
    Example: [bold]specfirst token --sub alice -s users:read[/bold].
    """
    from generator.apps import AppLoadError, load_app
    from generator.cli.contracts import app_reference
    from generator.devtoken import mint
    from generator.token_app import token_app

    reference = app_reference(app)
    # The app is built only to read its settings: its start-up notes are noise here.
    logging.disable(logging.WARNING)
    try:
        target = token_app(load_app(reference))
    except AppLoadError as exc:
        fail(str(exc))
    finally:
        logging.disable(logging.NOTSET)
    unknown = target.unknown(scopes or [])
    if unknown:
        valid = ", ".join(target.scopes) or "none"
        fail(f"the contract defines no scope {', '.join(unknown)} (valid scopes: {valid})")
    variable = secret_env or target.secret_variable
    secret = os.environ.get(secret_env) if secret_env else target.secret
    if target.asymmetric and not secret_env:
        fail(
            f"{reference} verifies tokens with a public key or a JWKS: mint them with the "
            f"identity provider (or set {target.secret_variable} for HS256 during development)"
        )
    algorithm = target.hmac_algorithm or "HS256"
    try:
        value = mint(
            subject,
            scopes or [],
            secret=secret or "",
            algorithm=algorithm,
            issuer=issuer if issuer is not None else target.issuer,
            audience=audience if audience is not None else target.audience,
            ttl_seconds=ttl,
        )
    except ValueError as exc:
        fail(f"{exc}: set {variable} (the service reads the same variable)")
    typer.echo(value)
    raise typer.Exit(ExitCode.OK)
