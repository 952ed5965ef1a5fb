"""A contract with a code-injection payload in every sink still generates safe, typed code.

Each payload, if it ever ran, would create a canary file; after generating, type checking,
importing, building the app and calling it, no canary may exist, every file must parse and
pass `mypy --strict`, and nothing may be written outside the output folder.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import generate_contract


def payload(tag: str, canary: Path) -> str:
    """Strings that break out of every quoting style and docstring, then run code."""
    run = f"__import__('os').system('touch {canary}_{tag}')"
    return f'x"""\n{run}\n""" \' + {run} + \' " + {run} + " \\ {{{{7*7}}}} \u202e\u2028\x00 #'


def hostile_contract(canary: Path) -> dict[str, object]:
    def p(tag: str) -> str:
        return payload(tag, canary)

    def param(where: str, tag: str) -> dict[str, object]:
        return {
            "name": f"{where}-{p(tag)[:40]}",
            "in": where,
            "description": p(tag + "_desc"),
            "schema": {"type": "string", "enum": [p(tag + "_enum"), "plain"], "default": "plain"},
            "example": p(tag + "_ex"),
        }

    return {
        "openapi": "3.0.3",
        "info": {"title": p("title"), "version": p("version"), "description": p("info")},
        "servers": [
            {"url": "/api/" + p("server")[:20].replace("\n", "") + "/v1", "description": p("srv")}
        ],
        "tags": [{"name": "../../" + p("tag"), "description": p("tagdesc")}, {"name": "CON"}],
        "security": [{"oauth": ["read " + p("scope")]}],
        "paths": {
            "/items/{item-id}": {
                "parameters": [
                    {
                        "name": "item-id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "get": {
                    "operationId": "get():\n    pass\n" + p("opid"),
                    "tags": ["../../" + p("tag")],
                    "summary": p("summary"),
                    "description": p("description"),
                    "parameters": [param("query", "q"), param("header", "h"), param("cookie", "c")],
                    "responses": {
                        "200": {
                            "description": p("resp"),
                            "headers": {
                                "X-" + p("hdr")[:30]: {
                                    "schema": {"type": "string"},
                                    "description": p("hdrdesc"),
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Evil"},
                                    "example": {p("exkey"): p("exval")},
                                }
                            },
                        },
                        "400": {"description": p("400")},
                    },
                },
                "post": {
                    "tags": ["CON"],
                    "requestBody": {
                        "content": {
                            "application/vnd." + p("media")[:10].replace("\n", "") + "+json": {
                                "schema": {"$ref": "#/components/schemas/Evil"}
                            }
                        }
                    },
                    "responses": {"204": {"description": p("204")}},
                },
            }
        },
        "components": {
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "description": p("scheme"),
                    "flows": {
                        "password": {
                            "tokenUrl": "https://t.example/" + p("tokenurl")[:20].replace("\n", ""),
                            "scopes": {"read " + p("scope"): p("scopedesc")},
                        }
                    },
                },
                "key'); " + p("schemename")[:20]: {
                    "type": "apiKey",
                    "in": "header",
                    "name": p("keyname")[:30],
                },
            },
            "schemas": {
                "Evil": {
                    "type": "object",
                    "description": p("schemadesc"),
                    "x-python-type": "str; " + p("xpt"),
                    "x-python-import": "os\n" + p("xpi"),
                    "properties": {
                        p("prop")[:50]: {
                            "type": "string",
                            "default": p("default"),
                            "pattern": "^[\\s\\S]*'[\\s\\S]*$",
                        },
                        "class": {"type": "string", "enum": [p("enumval"), "ok"]},
                        "__init__": {"type": "integer", "default": 1},
                    },
                },
                "typing": {"type": "string"},
                "BaseModel": {"type": "object", "properties": {"model_config": {"type": "string"}}},
            },
        },
    }


def test_hostile_contract_generates_safe_typed_code(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    contract = tmp_path / "contracts" / "hostile.json"
    contract.parent.mkdir()
    contract.write_text(json.dumps(hostile_contract(canary)), encoding="utf-8")
    out = tmp_path / "build" / "hostile_pkg"
    result = generate_contract(contract, out, label="contracts/hostile.json")
    assert result.report is not None, [d.message for d in result.checked.diagnostics if d.is_error]
    stripped = {
        d.message.split("'")[1]
        for d in result.checked.diagnostics
        if d.rule == "stripped-extension"
    }
    assert {"x-python-type", "x-python-import"} <= stripped
    renamed = [d.message for d in result.checked.diagnostics if d.rule == "renamed"]
    assert (
        len(renamed) == 1
        and "'BaseModel' ->" in renamed[0]
        and "'Evil.class' -> class_" in renamed[0]
    )
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.is_relative_to(out) or p == contract for p in written), written
    for path in out.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        ast.parse(text)
        assert "\x00" not in text and "\u202e" not in text and "\u2028" not in text, path
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "hostile_pkg"],
        cwd=out.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    script = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from fastapi.testclient import TestClient\n"
        "import hostile_pkg\n"
        "app = hostile_pkg.create_app()\n"
        "c = TestClient(app, raise_server_exceptions=False)\n"
        "print(c.get('/openapi.json').status_code, len(app.routes))\n"
        "for r in app.routes:\n"
        "    if getattr(r, 'methods', None) and '{' in r.path:\n"
        "        print(r.path, c.get(r.path.replace('{item_id}', '1')).status_code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=out.parent,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(out.parent)},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("200")
    assert not list(tmp_path.glob("CANARY*")), "a payload ran"


@pytest.mark.parametrize("name", ["../../evil", "/abs/path", "nul\x00byte", "CON", "a" * 300])
def test_tag_names_never_become_unsafe_file_names(tmp_path: Path, name: str) -> None:
    contract = tmp_path / "c.json"
    contract.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/a": {
                        "get": {
                            "operationId": "a",
                            "tags": [name],
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        )
    )
    out = tmp_path / "pkg"
    result = generate_contract(contract, out, label="c.json")
    assert result.report is not None
    routers = sorted(p.name for p in (out / "routers").iterdir())
    assert all(r.isascii() and len(r) <= 80 and r.endswith(".py") for r in routers), routers
    reserved = {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(10)),
        *(f"lpt{i}" for i in range(10)),
    }
    assert not any(r.removesuffix(".py").lower() in reserved for r in routers), routers
    assert {p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(out)} == {
        contract
    }
