"""Project settings from `[tool.specfirst]` in pyproject.toml: which contracts, which output."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONTRACT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Contract:
    """One contract and the folder its generated package goes to."""

    spec: Path
    output: Path


@dataclass(frozen=True)
class ProjectConfig:
    """`[tool.specfirst]`: `specs` (folder of contracts), `output` (folder of packages), `tests`
    (where `specfirst scaffold` writes contract-test modules) and `apps`."""

    root: Path
    specs: Path
    output: Path
    apps: dict[str, str] = field(default_factory=dict)  # contract stem -> "module:factory"
    client: bool = False  # `client = true`: generate the typed client beside each package
    tests: Path | None = None  # None: root / "tests"

    @property
    def tests_folder(self) -> Path:
        """The folder for contract-test modules (`tests` in `[tool.specfirst]`, default tests/)."""
        return self.tests if self.tests is not None else self.root / "tests"

    @classmethod
    def from_pyproject(cls, start: Path | None = None) -> ProjectConfig:
        """Find the nearest pyproject.toml upwards from `start` (default: cwd) and read it."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            candidate = folder / "pyproject.toml"
            if candidate.is_file():
                return cls.from_file(candidate)
        return cls(root=here, specs=here / "specs", output=here / "generated")

    @classmethod
    def from_file(cls, pyproject: Path) -> ProjectConfig:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        section = data.get("tool", {}).get("specfirst", {})
        root = pyproject.parent
        apps = section.get("apps", {})
        return cls(
            root=root,
            specs=root / str(section.get("specs", "specs")),
            output=root / str(section.get("output", "generated")),
            apps={str(k): str(v) for k, v in apps.items()} if isinstance(apps, dict) else {},
            client=section.get("client") is True,
            tests=root / str(section.get("tests", "tests")),
        )

    def contracts(self) -> list[Contract]:
        """Every contract in the specs folder, sorted, each mapped to `output/<stem>`."""
        if not self.specs.is_dir():
            return []
        found = sorted(
            p for p in self.specs.iterdir() if p.is_file() and p.suffix in CONTRACT_SUFFIXES
        )
        return [Contract(spec=p, output=self.output / p.stem) for p in found]
