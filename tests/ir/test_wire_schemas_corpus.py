"""Every OpenAPI 3.x contract of the shared corpus gives wire schemas jsonschema-rs compiles.

Skipped when the corpus is absent. The `large/` specs (GitHub, Stripe, OpenAI, ...) run only
with SPECFIRST_LARGE_CORPUS=1. Each view is registered the way the runtime will register it and
every schema position (bodies, parameters, headers, responses, components) is compiled; they
are compiled together, in one `anyOf`, since compiling Stripe's 3,365 positions one by one
takes a minute (each compile redoes the shared components). Only when that fails are they
compiled one by one, to name the positions that break.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from generator.ir.wire_schemas import VIEW_URIS, convert_wire_schemas, schema_positions, schema_ref
from generator.spec.load import load_spec
from generator.spec.pointers import resolve_pointer

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


def compile_errors(view: str, document: dict[str, Any], pointers: list[str]) -> list[str]:
    """Positions of `document` that jsonschema-rs cannot compile, as the runtime compiles them."""
    registry = jsonschema_rs.Registry(
        [(VIEW_URIS[view], document)], draft=jsonschema_rs.Draft202012
    )

    def compile_(schema: dict[str, Any]) -> None:
        jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)

    try:
        compile_({"anyOf": [{"$ref": schema_ref(view, pointer)} for pointer in pointers]})
        return []
    except (ValueError, jsonschema_rs.ReferencingError):
        pass
    failed = []
    for pointer in pointers:
        try:
            compile_({"$ref": schema_ref(view, pointer)})
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            failed.append(f"{pointer}: {str(exc).splitlines()[0]}")
    return failed


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_wire_schemas_compile(path: Path) -> None:
    spec = load_spec(path).spec
    if spec is None:
        pytest.skip("the loader refuses it")
    if not str(spec.root.get("openapi", "")).startswith("3."):
        pytest.skip("not OpenAPI 3.x (Swagger 2.0)")
    converted = convert_wire_schemas(spec.root)
    pointers = schema_positions(spec.root)
    for view, document in (("request", converted.request), ("response", converted.response)):
        missing = [p for p in pointers if resolve_pointer(document, p) is None]
        assert not missing, (view, missing[:5])
        if pointers:
            assert compile_errors(view, document, pointers) == [], view
