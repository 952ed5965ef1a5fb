"""Every OpenAPI 3.x contract of the shared corpus gives a models.py that imports.

Skipped when the corpus is absent. The `large/` specs (GitHub, Stripe, OpenAI, ...) take a
minute together; they run only with SPECFIRST_LARGE_CORPUS=1.
"""

from __future__ import annotations

import ast
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.emit.models import emit_models
from generator.emit.models import leaves as model_leaves
from generator.ir.schemas import plan_models
from tests.emit.models_support import HEADER, import_source

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FOLDERS = ["oai-examples", "real-world"] + (
    ["large"] if os.environ.get("SPECFIRST_LARGE_CORPUS") else []
)
FILES = sorted(
    p
    for folder in FOLDERS
    for p in (CORPUS / folder).rglob("*")
    if p.suffix in {".yaml", ".yml", ".json"}
)


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        return (
            json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)
        )
    except (ValueError, yaml.YAMLError) as exc:
        pytest.skip(f"not a loadable contract: {exc}")


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_contract_gives_importable_models(path: Path, tmp_path: Path) -> None:
    doc = load(path)
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        pytest.skip("not OpenAPI 3.x (Swagger 2.0)")
    plan = plan_models(doc)
    source = emit_models(plan, header=HEADER)
    module = import_source(source, tmp_path)
    defined = {
        n.id
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    defined |= {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)}
    for pointer, expr in plan.types.items():
        missing = [m for m in expr.models if m not in defined]
        assert not missing, (pointer, missing)
    assert all(hasattr(module, name) for name in plan.classes)


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shared_schemas_change_only_where_definitions_stand(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`leaves.py` generates identical schemas once: the same statements must come out as
    when every schema goes through datamodel-code-generator."""
    doc = load(path)
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        pytest.skip("not OpenAPI 3.x (Swagger 2.0)")
    plan = plan_models(doc)
    schemas = plan.document["components"]["schemas"]
    if not model_leaves.share(schemas, {}).groups:
        pytest.skip("no identical schemas")
    shared = emit_models(plan, header=HEADER)
    monkeypatch.setattr(model_leaves, "_shared_key", lambda body: None)  # nothing shared
    separate = emit_models(plan, header=HEADER)
    assert Counter(map(ast.unparse, ast.parse(shared).body)) == Counter(
        map(ast.unparse, ast.parse(separate).body)
    )
