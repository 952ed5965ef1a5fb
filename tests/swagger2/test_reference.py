"""Optional: our conversion of the corpus's Swagger 2.0 contracts against swagger2openapi's.

Skipped unless the npm tool `swagger2openapi` is on PATH (it is no dependency of specfirst;
`npm install -g swagger2openapi` to run this). Both documents are reduced to what a service
is built from: per operation the parameters (required, type, array style), the request body's
media types (and form fields), each response's media types, security; the component schema
names, security schemes and servers. Two differences are ours on purpose: without any
`produces`/`consumes` we use `application/json` where swagger2openapi writes `*/*`, and a body
parameter on a path item becomes each operation's request body (swagger2openapi drops it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.spec.load import load_spec
from generator.spec.pointers import ref_target
from tests.swagger2.test_corpus import CORPUS, SWAGGER

TOOL = shutil.which("swagger2openapi")
pytestmark = [
    pytest.mark.skipif(TOOL is None, reason="swagger2openapi (npm) is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent"),
]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = ref_target(doc, node["$ref"]) or {}
    return node


def _media(content: Any) -> list[str]:
    return sorted("application/json" if m == "*/*" else m for m in content or {})


def _operation(doc: dict[str, Any], shared: list[Any], op: dict[str, Any]) -> dict[str, Any]:
    params = {}
    for raw in [*shared, *(op.get("parameters") or [])]:
        p = _deref(doc, raw)
        schema = p.get("schema") or {}
        style = (p.get("style"), p.get("explode")) if schema.get("type") == "array" else None
        params[f"{p['in']} {p['name']}"] = (bool(p.get("required")), schema.get("type"), style)
    body = _deref(doc, op.get("requestBody"))
    forms = {
        m: sorted((_deref(doc, c.get("schema")) or {}).get("properties") or {})
        for m, c in ((body or {}).get("content") or {}).items()
        if "form" in m
    }
    return {
        "parameters": params,
        "body": (_media((body or {}).get("content")), forms) if body else None,
        "responses": {
            str(code): _media(_deref(doc, r).get("content"))
            for code, r in (op.get("responses") or {}).items()
        },
        "security": op.get("security"),
    }


def _shape(doc: dict[str, Any]) -> dict[str, Any]:
    components = doc.get("components") or {}
    found: dict[str, Any] = {
        "schemas": sorted(components.get("schemas") or {}),
        "securitySchemes": components.get("securitySchemes") or {},
        "servers": [s["url"] for s in doc.get("servers") or []],
    }
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[f"{method} {path}"] = _operation(
                    doc, item.get("parameters") or [], item[method]
                )
    return found


@pytest.mark.parametrize("name", SWAGGER)
def test_conversion_matches_swagger2openapi(name: str, tmp_path: Path) -> None:
    assert TOOL is not None
    source = CORPUS / "real-world" / name
    out = tmp_path / "reference.yaml"
    done = subprocess.run(
        [TOOL, "--patch", "--yaml", str(source), "--outfile", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    loaded = load_spec(source)
    assert loaded.spec is not None
    ours, theirs = _shape(loaded.spec.root), _shape(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert set(ours) == set(theirs)
    different = {
        key: (ours[key], theirs[key])
        for key in ours
        if ours[key] != theirs[key]
        # a path item's body parameter: ours in each operation, swagger2openapi drops it
        and not (
            isinstance(ours[key], dict)
            and theirs[key]["body"] is None
            and ours[key] == {**theirs[key], "body": ours[key]["body"]}
        )
    }
    assert different == {}
