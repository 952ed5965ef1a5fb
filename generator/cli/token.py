"""`specfirst token`: mint a development JWT with the service's test secret."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from generator.cli.exits import fail


def register(app: typer.Typer) -> None:
    """Attach `token` to the CLI."""
    app.command()(token)


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
    from generator.devtoken import mint

    secret = os.environ.get(secret_env, "")
    try:
        value = mint(
            subject, scopes or [], secret=secret, issuer=issuer, audience=audience, ttl_seconds=ttl
        )
    except ValueError as exc:
        fail(f"{exc} (set {secret_env})")
    typer.echo(value)
