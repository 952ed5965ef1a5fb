"""Parameters are read exactly as the contract serializes them (issue 18.9).

Every style/explode of OpenAPI 3.x §4.8.12.4 in its location, formats and number ranges in
parameters as in bodies, and a single-valued parameter given twice is a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
COLOR = {"type": "object", "properties": {"R": {"type": "integer"}, "G": {"type": "integer"}}}
NUMBERS = {"type": "array", "items": {"type": "integer"}}


def _param(name: str, where: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema, **extra}


OPERATIONS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    # operationId: (path, parameters)
    "byUuid": ("/uuid/{id}", [_param("id", "path", {"type": "string", "format": "uuid"})]),
    "byInt64": ("/int64/{n}", [_param("n", "path", {"type": "integer", "format": "int64"})]),
    "label": ("/label/{v}", [_param("v", "path", NUMBERS, style="label", explode=True)]),
    "matrix": ("/matrix/{c}", [_param("c", "path", COLOR, style="matrix", explode=False)]),
    "simpleObject": ("/simple/{c}", [_param("c", "path", COLOR, explode=True)]),
    "query": (
        "/query",
        [
            _param("limit", "query", {"type": "integer", "format": "int32"}),
            _param(
                "species", "query", {"type": "array", "items": {"type": "string"}}, explode=False
            ),
            _param("tags", "query", {"type": "array", "items": {"type": "string"}}),
            _param("pipes", "query", NUMBERS, style="pipeDelimited", explode=False),
            _param("spaces", "query", NUMBERS, style="spaceDelimited", explode=False),
            _param("range", "query", COLOR, style="deepObject", explode=True),
            _param("when", "query", {"type": "string", "format": "date"}),
            {
                "name": "filter",
                "in": "query",
                "content": {"application/json": {"schema": COLOR}},
            },
        ],
    ),
    "exploded": ("/exploded", [_param("color", "query", COLOR, explode=True)]),
    "headers": (
        "/headers",
        [
            _param("X-Count", "header", {"type": "integer", "minimum": 0}),
            _param("X-List", "header", NUMBERS),
            _param("session", "cookie", {"type": "string", "maxLength": 8}),
        ],
    ),
}


def _contract() -> dict[str, Any]:
    paths = {}
    for op_id, (path, parameters) in OPERATIONS.items():
        for p in parameters:
            if p["in"] == "path":
                p["required"] = True
        paths[path] = {
            "get": {
                "operationId": op_id,
                "parameters": parameters,
                "responses": {"204": {"description": "ok"}, "400": {"description": "bad"}},
            }
        }
    return {"openapi": "3.1.0", "info": {"title": "params", "version": "1"}, "paths": paths}


class Seen:
    """Records the keyword arguments each operation was called with; answers 204."""

    def __init__(self, package: ModuleType) -> None:
        self.calls: dict[str, dict[str, Any]] = {}
        for op in package.routers.default.OPERATIONS:

            async def answer(self: Seen, _op: Any = op, **kwargs: Any) -> Any:
                self.calls[_op.operation_id] = kwargs
                return next(iter(_op.results))()

            setattr(Seen, op.name, answer)


@pytest.fixture(scope="module")
def service(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> tuple[TestClient, Seen]:
    contract = tmp_path_factory.mktemp("params") / "params.yaml"
    contract.write_text(yaml.safe_dump(_contract()), encoding="utf-8")
    package = generate_package(contract, "params_pkg")
    seen = Seen(package)
    return TestClient(package.create_app(default=seen)), seen


def _ok(service: tuple[TestClient, Seen], url: str, **kwargs: Any) -> dict[str, Any]:
    client, seen = service
    response = client.get(url, **kwargs)
    assert response.status_code == 204, (url, response.text)
    op_id = next(k for k, (p, _) in OPERATIONS.items() if url.startswith(p.split("{")[0]))
    return seen.calls[op_id]


def _bad(service: tuple[TestClient, Seen], url: str, **kwargs: Any) -> list[dict[str, Any]]:
    response = service[0].get(url, **kwargs)
    assert response.status_code == 400, (url, response.text)
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def test_path_formats_and_ranges(service: tuple[TestClient, Seen]) -> None:
    assert str(_ok(service, f"/uuid/{UUID}")["id_"]) == UUID  # `id` is a builtin: renamed
    for bad in (UUID.replace("-", ""), f"urn:uuid:{UUID}", "{" + UUID + "}"):
        assert _bad(service, f"/uuid/{bad}")[0]["parameter"] == "id"
    assert _ok(service, "/int64/9223372036854775807")["n"] == 2**63 - 1
    _bad(service, "/int64/99999999999999999999999")
    _bad(service, "/int64/1.5")


def test_path_styles(service: tuple[TestClient, Seen]) -> None:
    assert _ok(service, "/label/.1.2.3")["v"] == [1, 2, 3]
    _bad(service, "/label/1.2")  # the leading '.' is the label style
    assert _ok(service, "/matrix/;c=R,100,G,200")["c"].model_dump() == {"R": 100, "G": 200}
    _bad(service, "/matrix/;d=R,100")
    assert _ok(service, "/simple/R=1,G=2")["c"].model_dump() == {"R": 1, "G": 2}


def test_query_styles(service: tuple[TestClient, Seen]) -> None:
    got = _ok(
        service,
        "/query?limit=5&species=cat,dog&tags=a&tags=b&pipes=1|2&spaces=3%204"
        "&range[R]=1&range[G]=2&when=2024-02-29&filter=%7B%22R%22%3A%201%7D",
    )
    assert (got["limit"], got["species"], got["tags"]) == (5, ["cat", "dog"], ["a", "b"])
    assert (got["pipes"], got["spaces"]) == ([1, 2], [3, 4])
    assert got["range_"].model_dump() == {"R": 1, "G": 2}
    assert got["filter_"].model_dump() == {"R": 1}  # a `content` parameter: JSON, typed
    assert str(got["when"]) == "2024-02-29"
    assert _ok(service, "/query?species=")["species"] == []  # an empty explode:false array
    assert _ok(service, "/exploded?R=1&G=2")["color"].model_dump() == {"R": 1, "G": 2}


def test_query_refusals(service: tuple[TestClient, Seen]) -> None:
    _bad(service, "/query?limit=-2147483649")  # outside int32
    _bad(service, "/query?limit=2147483648")
    _bad(service, "/query?limit=5&limit=6")  # single-valued, given twice
    _bad(service, "/query?species=cat&species=bird")  # explode: false, given twice
    _bad(service, "/query?when=2024-02-29T10:00:00Z")  # a date-time is no date
    _bad(service, "/query?when=1765357200")
    _bad(service, "/query?filter=%7Bnot%20json")
    _bad(service, "/query?range[R]=x")
    _bad(service, "/query?pipes=1,2")  # comma is not the pipe delimiter


def test_headers_and_cookies(service: tuple[TestClient, Seen]) -> None:
    client, seen = service
    response = client.get("/headers", headers={"X-Count": "3", "X-List": "1,2"})
    assert response.status_code == 204
    assert (seen.calls["headers"]["x_count"], seen.calls["headers"]["x_list"]) == (3, [1, 2])
    assert client.get("/headers", headers={"X-Count": "-1"}).status_code == 400
    repeated = client.get("/headers", headers=[("X-Count", "1"), ("X-Count", "2")])
    assert repeated.status_code == 400
    assert client.get("/headers", headers={"Cookie": "session=abc"}).status_code == 204
    assert seen.calls["headers"]["session"] == "abc"
    assert client.get("/headers", headers={"Cookie": "session=123456789"}).status_code == 400
    twice = client.get("/headers", headers={"Cookie": "session=a; session=b"})
    assert twice.status_code == 400


def test_an_integer_in_text_is_any_whole_number(service: tuple[TestClient, Seen]) -> None:
    assert _ok(service, "/int64/2.0")["n"] == 2  # JSON Schema: 2.0 is an integer
    assert _ok(service, "/int64/1e3")["n"] == 1000
    _bad(service, "/int64/2.5")
