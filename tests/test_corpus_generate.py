"""Every OpenAPI 3.x contract of the shared corpus generates a package that imports and serves 501s.

Skipped when ../shared/corpus is absent. The rate per folder is printed (`pytest -s`) and a
contract may fail only with a located diagnostic, never a crash or code that does not import.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.pipeline import generate_contract

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
FOLDERS = ("oai-examples", "real-world")


def _contracts() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    found = []
    for folder in FOLDERS:
        for path in sorted((CORPUS / folder).rglob("*")):
            if path.suffix in {".yaml", ".yml", ".json"}:
                head = path.read_text(encoding="utf-8", errors="replace")[:4000]
                if re.search(r"""^\s*["']?swagger["']?\s*:""", head, re.M) is None:
                    found.append(path)
    return found


@pytest.fixture(scope="module")
def package_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("corpus")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


def _probe(package: Any) -> tuple[str, str] | None:
    """A public operation with no required inputs (from the served contract), to see it answer 501."""
    document = package.contract.contract()
    for path, item in document.get("paths", {}).items():
        if "{" in path:
            continue
        for method in ("get", "delete", "post", "put", "patch"):
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict) or op.get("requestBody"):
                continue
            if op.get("security", document.get("security")):
                continue
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            if any(isinstance(p, dict) and (p.get("required") or "$ref" in p) for p in params):
                continue
            return method.upper(), package.contract.MOUNT_PREFIX + path
    return None


RESULTS: dict[str, list[str]] = {}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
@pytest.mark.parametrize("contract", _contracts(), ids=lambda p: p.name)
def test_corpus_contract_generates_and_imports(contract: Path, package_root: Path) -> None:
    folder = contract.relative_to(CORPUS).parts[0]
    name = "corpus_" + re.sub(r"\W", "_", contract.stem).lower()
    result = generate_contract(contract, package_root / name, label=contract.name)
    if result.report is None:
        errors = [d for d in result.checked.diagnostics if d.is_error]
        assert errors, "generation stopped without saying why"
        assert all(d.location is not None for d in errors)
        RESULTS.setdefault(folder, []).append(f"refused {contract.name}: {errors[0].rule}")
        return
    package = importlib.import_module(name)
    app = package.create_app()
    probe = _probe(package)
    if probe is not None:
        method, path = probe
        response = TestClient(app, raise_server_exceptions=False).request(method, path)
        assert response.status_code == 501, (method, path, response.text[:300])
    RESULTS.setdefault(folder, []).append(
        f"ok {contract.name}" + (" (501 probed)" if probe else "")
    )


def teardown_module() -> None:
    for folder, lines in sorted(RESULTS.items()):
        ok = sum(line.startswith("ok") for line in lines)
        probed = sum(line.endswith("(501 probed)") for line in lines)
        print(f"\ncorpus {folder}: {ok}/{len(lines)} generated and imported, {probed} answered 501")
        for line in lines:
            if not line.startswith("ok"):
                print("  " + line)
