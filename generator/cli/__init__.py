"""The `specfirst` command line: `app` (typer) and `main` (the console script), one module per command."""

from __future__ import annotations

from generator.cli.app import app, main

__all__ = ["app", "main"]
