"""The OpenAPI 3.x contracts of ../shared/corpus, and generating one to import it.

`large/` (GitHub, Stripe, Plaid...) joins `oai-examples/` and `real-world/` only with
SPECFIRST_LARGE_CORPUS=1: those take minutes to generate.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from types import ModuleType

import pytest

from generator.pipeline import generate_contract

SHARED = Path(__file__).parents[3] / "shared" / "corpus"
CORPUS = SHARED / "oai-examples"
FOLDERS = ("oai-examples", "real-world") + (
    ("large",) if os.environ.get("SPECFIRST_LARGE_CORPUS") else ()
)
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


def openapi_contracts(folder: Path = CORPUS) -> list[Path]:
    """Every OpenAPI 3.x file of a corpus folder (Swagger 2.0 files left out), sorted."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in {".yaml", ".yml", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")  # `openapi` may come late
            if re.search(r"""^\s*["']?openapi["']?\s*:\s*["']?3\.""", text, re.M):
                found.append(path)
    return found


def every_contract() -> list[Path]:
    """The OpenAPI 3.x files of every corpus folder in `FOLDERS`."""
    return [path for folder in FOLDERS for path in openapi_contracts(SHARED / folder)]


def package_name(contract: Path, prefix: str) -> str:
    """A unique importable name for the package generated from `contract`."""
    return prefix + re.sub(r"\W", "_", f"{contract.parent.name}_{contract.stem}").lower()


def generate_and_import(contract: Path, root: Path, name: str) -> ModuleType:
    """Generate `contract` as package `name` under `root` (on sys.path) and import it."""
    result = generate_contract(contract, root / name, label=contract.name)
    errors = [d for d in result.checked.diagnostics if d.is_error]
    assert result.report is not None, errors
    return importlib.import_module(name)
