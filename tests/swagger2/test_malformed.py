"""Malformed Swagger 2.0 never crashes the conversion: wrong kinds pass through to be reported."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.pipeline import check_contract
from generator.swagger2 import convert_swagger2

BASE: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "host": "h",
    "basePath": "/b",
    "schemes": ["https"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "paths": {
        "/a/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "type": "string"},
                {"$ref": "#/parameters/b"},
            ],
            "post": {
                "parameters": [
                    {"name": "f", "in": "formData", "type": "file"},
                    {
                        "name": "q",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "pipes",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "x",
                        "schema": {"$ref": "#/definitions/D"},
                        "headers": {"H": {"type": "string"}},
                        "examples": {"application/json": 1},
                    }
                },
            },
        }
    },
    "definitions": {
        "D": {
            "type": "object",
            "discriminator": "k",
            "properties": {"k": {"type": "string", "x-nullable": True}},
        }
    },
    "parameters": {"b": {"name": "b", "in": "body", "schema": {}}},
    "responses": {"E": {"description": "e"}},
    "securityDefinitions": {
        "o": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "a",
            "tokenUrl": "t",
            "scopes": {},
        }
    },
}
JUNK: list[Any] = [
    None,
    1,
    "s",
    [],
    {},
    [1, "x", None],
    {"$ref": 5},
    True,
    2.5,
    {"$ref": "#/definitions/Nope"},
    {"in": "body"},
    {"type": ["array"]},
]


def _places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _places(child, (*path, key))


def _mutants(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """`BASE` with one to three of its nodes replaced by a value of the wrong kind."""
    rng, places = random.Random(seed), list(_places(BASE))
    for _ in range(count):
        doc = copy.deepcopy(BASE)
        for _ in range(rng.randint(1, 3)):
            *parents, last = rng.choice(places)
            holder: Any = doc
            try:  # an earlier replacement may have removed the way there
                for key in parents:
                    holder = holder[key]
                holder[last] = copy.deepcopy(rng.choice(JUNK))
            except (KeyError, IndexError, TypeError):
                continue
        yield doc


def test_conversion_never_raises_on_wrong_kinds() -> None:
    for doc in _mutants(3000, seed=0):
        conversion = convert_swagger2(doc)
        json.dumps(conversion.document)
        assert all(conversion.trace.source_of(t) is not None for t in conversion.trace.origins)


def test_malformed_contracts_get_located_findings_never_a_traceback(tmp_path: Path) -> None:
    for index, doc in enumerate(_mutants(40, seed=1)):
        path = tmp_path / f"c{index}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        checked = check_contract(path)
        assert checked.spec is not None
        assert all(d.location is not None for d in checked.diagnostics)


def test_wrong_kinds_pass_through_for_the_validator_to_locate(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["paths"]["/a/{id}"]["post"]["parameters"] = True
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    errors = [d for d in check_contract(path).diagnostics if d.is_error]
    assert [d.rule for d in errors] == ["schema-type"]
    assert errors[0].location is not None and errors[0].location.line > 1
