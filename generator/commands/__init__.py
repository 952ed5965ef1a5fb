"""Commands that live in their own modules; each module exposes `register(app)`."""

from __future__ import annotations

import importlib

import typer

# One entry per module under generator/commands/ (keep one name per line: helpers add theirs).
MODULES: tuple[str, ...] = (
    "check",
    "test",
    "scaffold",
    "serve",
    "watch",
    "drift",
    "diff",
)


def register_all(app: typer.Typer) -> None:
    """Attach every command module's commands to the CLI."""
    for name in MODULES:
        importlib.import_module(f"generator.commands.{name}").register(app)
