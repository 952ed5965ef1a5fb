"""The OpenAPI 3.x contracts of ../shared/corpus/oai-examples, and generating one to import it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from generator.pipeline import generate_contract

CORPUS = Path(__file__).parents[3] / "shared" / "corpus" / "oai-examples"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


def openapi_contracts() -> list[Path]:
    """Every OpenAPI 3.x file of the corpus folder (Swagger 2.0 files left out), sorted."""
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in {".yaml", ".yml", ".json"}:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
            if re.search(r"""^\s*["']?openapi["']?\s*:\s*["']?3\.""", head, re.M):
                found.append(path)
    return found


def package_name(contract: Path, prefix: str) -> str:
    """A unique importable name for the package generated from `contract`."""
    return prefix + re.sub(r"\W", "_", f"{contract.parent.name}_{contract.stem}").lower()


def generate_and_import(contract: Path, root: Path, name: str) -> ModuleType:
    """Generate `contract` as package `name` under `root` (on sys.path) and import it."""
    result = generate_contract(contract, root / name, label=contract.name)
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert result.report is not None, errors
    return importlib.import_module(name)
