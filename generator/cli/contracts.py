"""Which contracts and packages a command works on when the command line does not say."""

from __future__ import annotations

from pathlib import Path

from generator.cli.exits import fail
from generator.config import ProjectConfig


def shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it (for messages)."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def contracts_or_default(contracts: list[Path] | None) -> list[Path]:
    """The contracts given, else every contract in the configured specs folder (or exit 2)."""
    if contracts:
        return contracts
    found = [c.spec for c in ProjectConfig.from_pyproject().contracts()]
    if not found:
        fail("no contract given and none found in the configured specs folder")
    return [shown(p) for p in found]


def default_package(contract: Path) -> str | None:
    """The import path of `contract`'s generated package: [tool.specfirst] output / stem.

    With the default settings, `specs/users.yaml` -> `generated.users`.
    """
    from generator.scaffold import default_package as dotted

    config = ProjectConfig.from_pyproject()
    return dotted(config.output / contract.stem, config.root)
