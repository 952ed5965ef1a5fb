"""Any webhook or callback name works: keywords, quotes, the generated classes' own names.

A 3.0 contract with `x-webhooks` (the Redoc convention) whose keys and operationIds collide
with Python keywords, with each other and with the names webhooks.py uses itself generates a
package that imports, passes `mypy --strict`, and routes each event to its own method.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.pipeline import generate_contract

BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    },
}


def _event(op_id: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"requestBody": BODY, "responses": {"200": {"description": "ok"}}}
    if op_id is not None:
        op["operationId"] = op_id
    return {"post": op}


# Parameter names that collide with the sender's and receiver's own keywords and with the
# modules and names webhooks.py's annotations use.
HOSTILE_PARAMETERS = ["models", "event", "url", "message_id", "delivery", "params", "self"]
HOSTILE_PARAMETERS += ["class", "Any", "UUID", "body", "datetime", "Mapping"]


def _with_parameters(event: dict[str, Any]) -> dict[str, Any]:
    event["post"]["parameters"] = [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
        for name in HOSTILE_PARAMETERS
    ] + [{"name": "class", "in": "query", "schema": {"type": "integer"}}]
    return event


CONTRACT = {
    "openapi": "3.0.3",
    "info": {"title": "Names 'quoted' \"and\" \\ odd", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "operationId": "aclose",
                "responses": {"204": {"description": "ok"}},
                "callbacks": {
                    "with_response": {"{$request.header.X-Back}": _event()},
                    "class": {"{$url}": _event("sender")},
                },
            }
        }
    },
    "x-webhooks": {
        "class": _event(),
        "a b'c\"d": _event(),
        "datetime": _event("webhook_receive"),
        "time": _with_parameters(_event()),
        "EVENTS": _event("source"),
        "settings": _event("models"),
    },
}


def test_hostile_event_names_generate_typed_code(tmp_path: Path) -> None:
    contract = tmp_path / "names.yaml"
    contract.write_text(yaml.safe_dump(CONTRACT, sort_keys=False), encoding="utf-8")
    result = generate_contract(contract, tmp_path / "hook_names_pkg", label="names.yaml")
    assert result.report is not None, result.checked.diagnostics
    assert not [d for d in result.checked.diagnostics if d.rule == "not-generated"]
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            "hook_names_pkg",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
    sys.path.insert(0, str(tmp_path))
    try:
        webhooks = importlib.import_module("hook_names_pkg.webhooks")
    finally:
        sys.path.remove(str(tmp_path))
    names = list(webhooks.EVENTS)
    assert len(names) == 8 == len(set(names)), names
    assert [webhooks.EVENTS[n].name for n in names] == [
        "class",
        "a b'c\"d",
        "datetime",
        "time",
        "EVENTS",
        "settings",
        "with_response",
        "class",
    ]
    assert not {"aclose", "sender", "source", "with_response", "webhook_receive"} & set(names)
    assert not {"datetime", "time"} & set(names)
    routes = {path for path, _, _ in webhooks.RECEIVED}
    assert len(routes) == 8
    [timed] = [spec for spec in webhooks.EVENTS.values() if spec.name == "time"]
    keywords = [p.name for p in timed.params]
    assert len(keywords) == len(HOSTILE_PARAMETERS) + 1 == len(set(keywords))
    reserved = {"self", "url", "event", "message_id", "delivery", "params", "models", "body"}
    assert not reserved & set(keywords) and all(k.isidentifier() for k in keywords)
