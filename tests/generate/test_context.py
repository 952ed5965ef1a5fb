"""A typed request context, on demand (issue 19.3): handlers that declare it get it, with the
application's per-request resources resolved by FastAPI's dependency injection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar

from fastapi.testclient import TestClient

PREFIX = "/v1"


class Session:
    """Stands for a database session: records how its unit of work ended."""

    log: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.log.append("begin")


async def session() -> AsyncIterator[Session]:
    """A `yield` dependency: commit when the handler returned, roll back when it raised."""
    opened = Session()
    try:
        yield opened
    except Exception:
        opened.log.append("rollback")
        raise
    else:
        opened.log.append("commit")


def test_handlers_that_declare_the_context_get_it_others_keep_their_signatures(
    tasks: ModuleType,
) -> None:
    seen: dict[str, Any] = {}
    results, models = tasks.results, tasks.models

    class Impl:
        async def get_task(
            self, *, task_id: int, context: tasks.RequestContext = tasks.CONTEXT
        ) -> Any:
            seen["context"] = context
            context.background.add_task(seen.setdefault("after", []).append, task_id)
            if task_id == 13:
                raise RuntimeError("unlucky")
            return results.GetTaskOk(body=models.Task(id=task_id, title="seven", done=False))

        async def list_tasks(self, **kwargs: Any) -> Any:
            seen["plain"] = kwargs
            return results.ListTasksOk(body=[], x_total_count=0)

    app = tasks.create_app(tasks=Impl(), resources={"db": session})
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get(f"{PREFIX}/tasks/7", headers={"X-Request-Id": "req-7", "Cookie": "a=b"})
    assert response.status_code == 200, response.text
    context = seen["context"]
    assert isinstance(context, tasks.RequestContext)
    assert context.request_id == "req-7" and context.cookies == {"a": "b"}
    assert context.headers["x-request-id"] == "req-7" and context.client == "testclient"
    assert context.base_url == "http://testserver"
    assert isinstance(context.resources["db"], Session)
    assert seen["after"] == [7]  # background tasks run after the response
    assert Session.log[-2:] == ["begin", "commit"]
    assert client.get(f"{PREFIX}/tasks/13").status_code == 500
    assert Session.log[-2:] == ["begin", "rollback"]
    assert client.get(f"{PREFIX}/tasks").status_code == 200
    assert "context" not in seen["plain"]
