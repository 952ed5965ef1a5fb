"""A generated service answers as its contract says: 501, typed results, errors, limits, headers."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

SECRET = "s" * 40
PREFIX = "/v1"


def token(tasks: ModuleType, scopes: list[str], **extra: Any) -> str:
    from tasks_pkg.runtime.tokens import mint_token  # type: ignore[import-not-found]

    return str(mint_token("alice", scopes, secret=SECRET.encode(), **extra))


class TasksImpl:
    """A hand-written implementation of the generated TasksApi."""

    def __init__(self, results: ModuleType, models: ModuleType) -> None:
        self.r = results
        self.m = models
        self.store: dict[int, Any] = {}

    async def list_tasks(
        self,
        *,
        limit: int,
        status: str | None,
        tag: list[str] | None,
        where: Any,
        x_trace: str | None,
    ) -> Any:
        self.where = where
        items = list(self.store.values())[:limit]
        return self.r.ListTasksOk(body=items, x_total_count=len(self.store))

    async def create_task(self, *, body: Any, principal: Any) -> Any:
        task_id = len(self.store) + 1
        task = self.m.Task(id=task_id, title=body.title, done=False)
        self.store[task_id] = task
        return self.r.CreateTaskCreated(body=task, location=f"{PREFIX}/tasks/{task_id}")

    async def get_task(self, *, task_id: int) -> Any:
        if task_id not in self.store:
            return self.r.GetTaskNotFound(body=self.m.Problem(title="Not Found", status=404))
        return self.r.GetTaskOk(body=self.store[task_id])


@pytest.fixture
def client(tasks: ModuleType) -> TestClient:
    settings = tasks.Settings(jwt_secret=SECRET, max_body_bytes=2048)
    app = tasks.create_app(tasks=TasksImpl(tasks.results, tasks.models), settings=settings)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def bare(tasks: ModuleType) -> TestClient:
    return TestClient(tasks.create_app(), raise_server_exceptions=False)


def test_unimplemented_operation_answers_501_problem(bare: TestClient) -> None:
    response = bare.get(f"{PREFIX}/tasks/3")
    assert response.status_code == 501
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 501


def test_implemented_operation_renders_typed_result_with_headers(
    client: TestClient, tasks: ModuleType
) -> None:
    auth = {"Authorization": f"Bearer {token(tasks, ['tasks:write'])}"}
    created = client.post(f"{PREFIX}/tasks", json={"title": "write tests"}, headers=auth)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{PREFIX}/tasks/1"
    assert created.json() == {"id": 1, "title": "write tests", "done": False}
    listed = client.get(f"{PREFIX}/tasks")
    assert listed.status_code == 200
    assert listed.headers["x-total-count"] == "1"
    assert client.get(f"{PREFIX}/tasks/9").status_code == 404


def test_validation_errors_are_documented_400_without_echo(
    client: TestClient, tasks: ModuleType
) -> None:
    auth = {"Authorization": f"Bearer {token(tasks, ['tasks:write'])}"}
    response = client.post(
        f"{PREFIX}/tasks", json={"title": "x", "secret-ish": "hunter2"}, headers=auth
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert client.get(f"{PREFIX}/tasks?limit=0").status_code == 400
    assert client.get(f"{PREFIX}/tasks?limit=abc").status_code == 400
    assert client.get(f"{PREFIX}/tasks/0").status_code == 400


def test_request_bodies_are_strict(client: TestClient, tasks: ModuleType) -> None:
    auth = {"Authorization": f"Bearer {token(tasks, ['tasks:write'])}"}
    for bad in ({"title": "a", "priority": False}, {"title": "a", "priority": "2"}, {"title": 5}):
        assert client.post(f"{PREFIX}/tasks", json=bad, headers=auth).status_code == 400, bad
    assert (
        client.post(
            f"{PREFIX}/tasks", json={"title": "a", "priority": None}, headers=auth
        ).status_code
        == 400
    )
    assert (
        client.post(f"{PREFIX}/tasks", json={"title": "a", "note": None}, headers=auth).status_code
        == 201
    )


def test_delimited_array_and_python_only_pattern(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/tasks", params={"tag": "a,b"}).status_code == 200
    assert client.get(f"{PREFIX}/tasks", params={"tag": "a,bbbbbbbbbbbbbbbbb"}).status_code == 400
    assert client.get(f"{PREFIX}/tasks", headers={"X-Trace": "abc1"}).status_code == 200
    assert client.get(f"{PREFIX}/tasks", headers={"X-Trace": "abcd"}).status_code == 400


def test_unknown_route_and_wrong_method_are_problems(client: TestClient) -> None:
    missing = client.get(f"{PREFIX}/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.put(f"{PREFIX}/tasks")
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["allow"]
    assert wrong.headers["content-type"] == "application/problem+json"


def test_security_headers_and_request_id_on_every_response(client: TestClient) -> None:
    for response in (client.get(f"{PREFIX}/tasks"), client.get("/nowhere")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-request-id"]


def test_request_ids_are_random_unique_and_kept_when_well_formed(client: TestClient) -> None:
    # More requests than one batch of ids (256 per system call): no id comes back twice.
    ids = [client.get("/nowhere").headers["x-request-id"] for _ in range(600)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    kept = client.get(f"{PREFIX}/tasks", headers={"x-request-id": "trace-7"})
    assert kept.headers["x-request-id"] == "trace-7"
    replaced = client.get(f"{PREFIX}/tasks", headers={"x-request-id": "bad id!"})
    assert len(replaced.headers["x-request-id"]) == 32


def test_operations_bypass_fastapis_handler_and_keep_its_answers(
    tasks: ModuleType, client: TestClient
) -> None:
    apps = {
        (route.path, method): route.app
        for route in client.app.routes  # type: ignore[attr-defined]
        for method in getattr(route, "methods", ())
    }
    # POST /tasks reads its body and credentials itself, GET /tasks/{task_id} has a path
    # parameter that FastAPI's own function validates: both are called directly.
    assert apps[(f"{PREFIX}/tasks", "POST")].__qualname__ == "_direct.<locals>.app"
    assert apps[(f"{PREFIX}/tasks/{{task_id}}", "GET")].__qualname__ == "_direct.<locals>.app"
    auth = {"Authorization": f"Bearer {token(tasks, ['tasks:write'])}"}
    assert client.post(f"{PREFIX}/tasks", json={"title": "x"}).status_code == 401
    bad = client.post(f"{PREFIX}/tasks", json={"title": 5}, headers=auth)
    assert bad.status_code in {400, 422}
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.headers["x-content-type-options"] == "nosniff"
    created = client.post(f"{PREFIX}/tasks", json={"title": "x"}, headers=auth)
    assert created.status_code == 201 and created.json()["title"] == "x"
    unimplemented = TestClient(tasks.create_app(settings=tasks.Settings(jwt_secret=SECRET)))
    missing = unimplemented.post(f"{PREFIX}/tasks", json={"title": "x"}, headers=auth)
    assert missing.status_code == 501
    assert missing.headers["content-type"] == "application/problem+json"


PARAMETER_REQUESTS = [  # (path and query, headers): good and bad parameters of every kind
    (f"{PREFIX}/tasks/7", {}),
    (f"{PREFIX}/tasks/not-a-number", {}),
    (f"{PREFIX}/tasks/-1", {}),
    (f"{PREFIX}/tasks?limit=5&status=open&tag=a,b", {"x-trace": "abc1"}),
    (f"{PREFIX}/tasks?limit=5", {"x-trace": "abc"}),
    (f"{PREFIX}/tasks?limit=0", {}),
    (f"{PREFIX}/tasks?limit=many&status=sideways", {}),
    (f"{PREFIX}/tasks?tag=", {}),
    (f"{PREFIX}/tasks?where=" + '[{"field": "a"}]', {}),
    (f"{PREFIX}/tasks?where=" + '[{"other": 1}]', {}),
    (f"{PREFIX}/tasks", {"x-trace": "x" * 500}),
]


def _answer(response: Any) -> tuple[int, str, Any]:
    body = response.json()
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in {"request_id", "instance"}}
    return response.status_code, response.headers["content-type"], body


class _RecordingPattern:
    """A route's path regex that notes each path it is asked to match."""

    def __init__(self, real: Any, tried: list[tuple[str, str]]) -> None:
        self.real, self.tried = real, tried

    def match(self, path: str) -> Any:
        self.tried.append((self.real.pattern, path))
        return self.real.match(path)


def test_routes_refuse_paths_outside_their_literal_prefix_without_the_regex(
    tasks: ModuleType,
) -> None:
    from tasks_pkg.runtime.routes import ContractRoute  # type: ignore[import-not-found]

    app = tasks.create_app(tasks=TasksImpl(tasks.results, tasks.models))
    tried: list[tuple[str, str]] = []
    for route in app.router.routes:
        if isinstance(route, ContractRoute):
            route.path_regex = _RecordingPattern(route.path_regex, tried)
    client = TestClient(app)
    assert client.get(f"{PREFIX}/health").status_code in {200, 501}
    assert [path for _, path in tried] == [f"{PREFIX}/health"]  # the task routes: prefix only
    tried.clear()
    assert client.get(f"{PREFIX}/tasks/1").status_code == 404  # the handler's own 404
    assert {pattern for pattern, _ in tried} == {"^/v1/tasks$", "^/v1/tasks/(?P<task_id>[^/]+)$"}
    # Behind a proxy's root path the route path is what follows it: FastAPI decides there.
    behind = TestClient(app, root_path="/api")
    assert behind.get(f"/api{PREFIX}/health").status_code in {200, 501}
    assert behind.post(f"/api{PREFIX}/tasks", json={"title": "x"}).status_code == 401


def test_body_over_limit_is_413_problem(client: TestClient, tasks: ModuleType) -> None:
    auth = {"Authorization": f"Bearer {token(tasks, ['tasks:write'])}"}
    response = client.post(
        f"{PREFIX}/tasks",
        content=b'{"title": "' + b"x" * 5000 + b'"}',
        headers={**auth, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_unhandled_error_is_500_problem_without_details(tasks: ModuleType) -> None:
    class Broken:
        async def get_task(self, *, task_id: int) -> Any:
            raise RuntimeError("secret dsn=postgres://u:p@h")

    client = TestClient(tasks.create_app(tasks=Broken()), raise_server_exceptions=False)
    response = client.get(f"{PREFIX}/tasks/1")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "postgres" not in response.text and "Traceback" not in response.text
    assert response.json()["status"] == 500


def test_serves_the_contract_itself(bare: TestClient, tasks: ModuleType) -> None:
    served = bare.get("/openapi.json").json()
    on_disk = json.loads((Path(tasks.__file__).parent / "openapi.json").read_text())
    assert {**served, "servers": on_disk["servers"]} == on_disk  # only `servers` differs
    assert served["paths"]["/tasks"]["get"]["operationId"] == "listTasks"
    docs = bare.get("/docs")
    assert docs.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    asset = bare.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000  # served locally, offline


def test_the_served_contract_names_this_server_first(tasks: ModuleType) -> None:
    # The contract says https://api.example.com/v1; Swagger UI's "Try it out" must call the
    # host and port the docs were reached on (a relative URL), under a proxy's root path too.
    on_disk = json.loads((Path(tasks.__file__).parent / "openapi.json").read_text())
    direct = TestClient(tasks.create_app()).get("/openapi.json").json()
    assert direct["servers"][0]["url"] == PREFIX
    assert direct["servers"][1:] == on_disk["servers"]
    proxied = TestClient(tasks.create_app(), root_path="/tasks-api").get("/openapi.json")
    assert proxied.json()["servers"][0]["url"] == "/tasks-api" + PREFIX
    docs = importlib.import_module(f"{tasks.__name__}.runtime.docs")
    assert doctest.testmod(docs).failed == 0


def test_auth_missing_invalid_and_scope(client: TestClient, tasks: ModuleType) -> None:
    url = f"{PREFIX}/tasks"
    none = client.post(url, json={"title": "a"})
    assert none.status_code == 401
    assert none.headers["www-authenticate"].startswith("Bearer realm=")
    assert "error=" not in none.headers["www-authenticate"]
    bad = client.post(url, json={"title": "a"}, headers={"Authorization": "Bearer abc.def.ghi"})
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    weak = client.post(
        url, json={"title": "a"}, headers={"Authorization": f"Bearer {token(tasks, [])}"}
    )
    assert weak.status_code == 403
    assert 'error="insufficient_scope"' in weak.headers["www-authenticate"]
    expired = token(tasks, ["tasks:write"], ttl_seconds=-120)
    assert (
        client.post(
            url, json={"title": "a"}, headers={"Authorization": f"Bearer {expired}"}
        ).status_code
        == 401
    )


def test_problem_bodies_carry_the_request_id_when_the_contract_has_no_error_schema(
    generate_package: Any, tmp_path: Path
) -> None:
    contract = tmp_path / "bare.yaml"
    contract.write_text(
        "openapi: 3.0.3\ninfo: {title: Bare, version: '1'}\n"
        "paths:\n  /boom:\n    get:\n      operationId: boom\n      responses:\n        '200': {description: ok}\n"
    )
    bare = generate_package(contract, "bare_pkg")

    class Broken:
        async def boom(self) -> Any:
            raise RuntimeError("internal detail")

    client = TestClient(bare.create_app(default=Broken()), raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-Id": "req-42"})
    assert response.status_code == 500
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "Internal Server Error",
        "request_id": "req-42",
    }


def test_object_valued_query_parameters_are_json(tasks: ModuleType) -> None:
    impl = TasksImpl(tasks.results, tasks.models)
    client = TestClient(tasks.create_app(tasks=impl), raise_server_exceptions=False)
    ok = client.get(f"{PREFIX}/tasks", params=[("where", '{"field": "title"}'), ("where", "{}")])
    assert ok.status_code == 200, ok.text
    assert [w.model_dump(exclude_unset=True) for w in impl.where] == [{"field": "title"}, {}]
    assert client.get(f"{PREFIX}/tasks", params={"where": "{not json"}).status_code == 400
    assert client.get(f"{PREFIX}/tasks", params={"where": '{"other": 1}'}).status_code == 400


def test_operations_named_like_router_helpers_keep_their_names_and_are_served(
    generate_package: Any, tmp_path: Path
) -> None:
    contract = tmp_path / "helpers.yaml"
    ops = {"/a": "render", "/b": "addRoutes", "/c": "time"}
    paths = "".join(
        f"  {p}:\n    get:\n      operationId: {op}\n      responses:\n"
        f"        '200': {{description: ok, content: {{text/plain: {{schema: {{type: string}}}}}}}}\n"
        for p, op in ops.items()
    )
    contract.write_text(
        f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}", encoding="utf-8"
    )
    package = generate_package(contract, "helpers_pkg")
    methods = sorted(n for n in dir(package.interfaces.DefaultApi) if not n.startswith("_"))
    assert methods == ["add_routes", "render", "time_2"]  # `time` annotates Protocol methods

    class Impl:
        async def render(self) -> Any:
            return package.results.RenderOk(body="rendered")

    client = TestClient(package.create_app(default=Impl()))
    assert client.get("/a").text == "rendered"
    assert client.get("/b").status_code == 501  # not implemented: answered, not crashed
