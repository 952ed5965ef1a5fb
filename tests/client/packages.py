"""Generating a client package for a test and importing it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from generator.pipeline import generate_contract


def generate_client(contract: Path, root: Path, name: str) -> ModuleType:
    """Generate `contract` with its client into `root` and import `<name>_client`."""
    result = generate_contract(contract, root / name, label=contract.name, client=True)
    assert result.client_report is not None, result.checked.diagnostics
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(f"{name}_client")
