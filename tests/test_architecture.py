"""ARCHITECTURE.md stays true: it names every part of `generator/`, and what it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
GENERATOR = ROOT / "generator"
TEXT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
NAMED = set(re.findall(r"`([\w./<>*-]+(?:\.py|\.jinja|/))(?:::\w+)?`", TEXT))


def test_every_package_and_top_level_module_is_named() -> None:
    parts = {p.name + "/" for p in GENERATOR.iterdir() if (p / "__init__.py").is_file()}
    parts |= {p.name for p in GENERATOR.glob("*.py") if not p.name.startswith("__")}
    assert parts - NAMED == set()


def test_every_named_path_exists() -> None:
    # a path is relative to the repository, to generator/, or to the package the text is about
    files = {p.relative_to(GENERATOR).as_posix() for p in GENERATOR.rglob("*") if p.is_file()}
    folders = {p.relative_to(GENERATOR).as_posix() + "/" for p in GENERATOR.rglob("*/")}

    def exists(name: str) -> bool:
        if (ROOT / name).exists():
            return True
        known = folders if name.endswith("/") else files
        return any(path == name or path.endswith("/" + name) for path in known)

    missing = [name for name in NAMED if not any(c in name for c in "<*") and not exists(name)]
    assert missing == []
