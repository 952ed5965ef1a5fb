"""The routing index (`runtime/route_index.py`) picks exactly the route FastAPI's scan would.

On every corpus contract that generates (`large/` with SPECFIRST_LARGE_CORPUS=1; skipped when
../shared/corpus is absent), many request paths derived from each route's template (every
parameter filled with plain, empty, dotted, non-ASCII, space, slash and newline values, with
and without a trailing slash, longer and shorter, in other case) and every method (two,
turning with the path, on a router of 150+ routes) are decided twice: by the router's
routes with the index in front, and by the same routes without it, as Starlette's router decides (the first full match, else the first partial one
for a 405, else a redirect to the path with or without its trailing slash, else none). On a
small contract, the whole answers (404, 405 with `Allow`, redirects, docs, percent-encoded
paths) are compared byte for byte, and a request to the last route asks only the routes its
path could match.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Match, Route

from tests.mock.corpus import every_contract, generate_and_import, needs_corpus, package_name

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
VALUES = ("1", "abc", "", "a.b", "ä", "a b", "a/b", "x\n", "%2F")
Decision = tuple[str, object, object]
LARGE_ROUTER = 150  # routes


def _scope(method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode("utf-8", "replace"),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("test", 80),
    }


def decide(routes: list[BaseRoute], method: str, path: str) -> Decision:
    """What Starlette's router does with a request, named: (kind, route, path parameters)."""
    scope = _scope(method, path)
    partial = None
    for route in routes:
        match, child = route.matches(dict(scope))
        if match is Match.FULL:
            return "full", child.get("route", route), child.get("path_params")
        if match is Match.PARTIAL and partial is None:
            partial = ("partial", child.get("route", route), child.get("path_params"))
    if partial is not None:
        return partial
    if path != "/":
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        for route in routes:
            if route.matches(_scope(method, other))[0] is not Match.NONE:
                return "redirect", other, None
    return "none", None, None


def request_paths(template: str) -> Iterator[str]:
    """Paths around one route template: filled in every way, then bent out of shape."""
    names = re.findall(r"\{[^{}]*\}", template)
    fills = [template]
    for value in VALUES:
        filled = template
        for name in names:
            filled = filled.replace(name, value, 1)
        fills.append(filled)
    if len(names) > 1:  # one parameter empty, the others not
        fills.append(template.replace(names[0], "1").replace(names[-1], ""))
    for path in dict.fromkeys(fills):
        yield path
        yield path + "/"
        yield path.rstrip("/") or "/"
        yield path + "/extra"
        yield path.rsplit("/", 1)[0] or "/"
        yield path.replace("/", "//", 1)
        yield path.upper()


def assert_equivalent(app: Any, extra_paths: tuple[str, ...] = ()) -> int:
    """Compare the index's decisions with the scan's for paths around every route."""
    from importlib import import_module

    module = import_module(type(app.router.routes[0]).__module__)
    assert isinstance(app.router.routes[0], module.RouteIndex), "the index is not installed"
    indexed = list(app.router.routes)
    linear = indexed[1:]
    templates = [getattr(r, "path", "/") for r in linear]
    paths = dict.fromkeys(
        p
        for t in templates
        for p in request_paths(t if isinstance(t, str) else "/")
        if p.startswith("/")
    )
    checked = 0
    every = [*paths, *extra_paths, "/", "/nowhere", "/docs", "/openapi.json"]
    # The scan costs a call per route, so a large contract (GitHub: 775 routes, 50,000 paths)
    # gets two methods per path, turning with the path, instead of all seven.
    methods = len(METHODS) if len(linear) <= LARGE_ROUTER else 2
    for i, path in enumerate(every):
        for k in range(methods):
            method = METHODS[(i + 3 * k) % len(METHODS)]
            assert decide(indexed, method, path) == decide(linear, method, path), (method, path)
            checked += 1
    # the index answers, in full, every route's own concrete path (not only declines)
    found = 0
    for route in linear:
        if isinstance(route, Route) and "{" not in route.path and route.methods:
            method = sorted(route.methods)[0]
            expected = decide(linear, method, route.path)
            if expected[0] == "full":
                assert indexed[0].matches(_scope(method, route.path))[0] is Match.FULL
                found += 1
    return checked


CORPUS_CONTRACTS = every_contract()


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("route_index")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


@needs_corpus
@pytest.mark.parametrize("contract", CORPUS_CONTRACTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_index_decides_as_the_scan_on_corpus_contracts(
    contract: Path, corpus_root: Path
) -> None:
    try:
        package = generate_and_import(contract, corpus_root, package_name(contract, "ri_"))
    except AssertionError:
        pytest.skip("the contract does not generate")
    assert assert_equivalent(package.create_app()) > 0


CONTRACT = """
openapi: 3.0.3
info: {title: routes, version: '1'}
paths:
  /pets:
    get: {operationId: listPets, responses: {'200': {description: ok}}}
  /pets/mine:
    get: {operationId: listMine, responses: {'200': {description: ok}}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {operationId: getPet, responses: {'200': {description: ok}, '400': {description: bad}}}
    delete: {operationId: deletePet, responses: {'204': {description: ok}}}
  /pets/{id}/toys/:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {operationId: listToys, responses: {'200': {description: ok}, '400': {description: b}}}
  /files/{name}.json:
    parameters: [{name: name, in: path, required: true, schema: {type: string}}]
    get: {operationId: getFile, responses: {'200': {description: ok}, '400': {description: b}}}
  /stores/{store}/pets/{pet}:
    parameters:
      - {name: store, in: path, required: true, schema: {type: string}}
      - {name: pet, in: path, required: true, schema: {type: string}}
    put: {operationId: putStorePet, responses: {'204': {description: ok}}}
"""
REQUESTS = [
    ("GET", "/pets"),
    ("GET", "/pets/"),
    ("GET", "/pets/mine"),
    ("POST", "/pets/mine"),
    ("DELETE", "/pets/mine"),
    ("GET", "/pets/7"),
    ("PUT", "/pets/7"),
    ("GET", "/pets/a%20b"),
    ("GET", "/pets/a%2Fb"),
    ("GET", "/pets/%C3%A4"),
    ("GET", "/pets/7/toys"),
    ("GET", "/pets/7/toys/"),
    ("GET", "/files/report.json"),
    ("GET", "/files/.json"),
    ("PUT", "/stores/1/pets/2"),
    ("GET", "/stores/1/pets/2"),
    ("PUT", "/stores//pets/2"),
    ("GET", "/nowhere"),
    ("GET", "/"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/docs-assets/swagger-ui.css"),
    ("GET", "/docs-assets"),
    ("HEAD", "/pets"),
    ("OPTIONS", "/pets"),
]


@pytest.fixture(scope="module")
def package(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    contract = tmp_path_factory.mktemp("route_index") / "routes.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    return generate_package(contract, "route_index_pkg")


def _answer(client: TestClient, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    response = client.request(method, path, follow_redirects=False)
    headers = {k: v for k, v in response.headers.items() if k != "x-request-id"}
    body = re.sub(rb'"request_id":\s*"[^"]*"', b"", response.content)
    return response.status_code, headers, body


def test_answers_are_the_scans_answers(package: ModuleType) -> None:
    indexed = package.create_app()
    linear = package.create_app()
    del linear.router.routes[0]  # the index
    with TestClient(indexed) as a, TestClient(linear) as b:
        for method, path in REQUESTS:
            assert _answer(a, method, path) == _answer(b, method, path), (method, path)
    assert _answer(TestClient(indexed), "POST", "/pets/mine")[0] == 405
    assert assert_equivalent(indexed) > 0


def test_a_request_asks_only_the_routes_its_path_could_match(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = package.create_app()
    asked: list[str] = []
    for route in app.router.routes[1:]:
        original = route.matches

        def counting(scope: Any, original: Any = original, path: Any = route.path) -> Any:
            asked.append(path)
            return original(scope)

        monkeypatch.setattr(route, "matches", counting)
    client = TestClient(app)
    assert client.put("/stores/1/pets/2").status_code == 501
    assert asked == ["/stores/{store}/pets/{pet}"]
    asked.clear()
    assert client.get("/pets/mine").status_code == 501
    assert asked == ["/pets/mine"]  # `/pets/{id}` comes after it and is not asked


def test_routes_added_after_create_app_are_indexed(package: ModuleType) -> None:
    app = package.create_app()

    @app.get("/late/{x}")
    async def late(x: str) -> dict[str, str]:
        return {"x": x}

    @app.get("/late/fixed")  # after the templated route: FastAPI never reaches it
    async def fixed() -> dict[str, str]:
        return {"fixed": "yes"}

    assert TestClient(app).get("/late/1").json() == {"x": "1"}
    assert TestClient(app).get("/late/fixed").json() == {"x": "fixed"}
    assert app.router.routes[0].matches(_scope("GET", "/late/1"))[0] is Match.FULL
    assert_equivalent(app)
