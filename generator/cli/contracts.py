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


def app_reference(given: str | None) -> str:
    """The `module:factory` a command builds: `given`, else the project's one app (or exit 2).

    `given` is a `module:factory`, a name from `[tool.specfirst.apps]` (`users`), a contract's
    name (its generated package's `create_app`) or a generated package (`generated.users`).
    Without it: the one app in `[tool.specfirst.apps]`, else the one contract's package.
    """
    if given is not None and ":" in given:
        return given
    config = ProjectConfig.from_pyproject()
    packages = {c.spec.stem: default_package(shown(c.spec)) for c in config.contracts()}
    if given is not None:
        if given in config.apps:
            return config.apps[given]
        return f"{packages.get(given) or given}:create_app"
    if len(config.apps) == 1:
        return next(iter(config.apps.values()))
    if not config.apps and len(packages) == 1:
        only = next(iter(packages.values()))
        if only is not None:
            return f"{only}:create_app"
    names = ", ".join(sorted(config.apps or packages)) or "none configured"
    fail(f"which app? pass --app NAME or module:factory ([tool.specfirst.apps]: {names})")
