"""Start-up does only what the first request needs (issue 23): models.py, results.py and PyJWT
are imported by the first request that needs them, models build their validators on first use,
and result classes are records sharing one base class instead of dataclasses
whose methods are written and compiled per class at import."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

GENERATED = Path(__file__).parents[2] / "generated"

FRESH_PROCESS = """
import asyncio
from users import create_app, models

app = create_app()
scope = {"type": "http", "method": "GET", "path": "/nowhere", "raw_path": b"/nowhere",
         "root_path": "", "query_string": b"", "headers": [], "scheme": "http",
         "server": ("test", 80), "client": ("127.0.0.1", 1), "http_version": "1.1",
         "asgi": {"version": "3.0"}}
sent = []

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def send(message):
    sent.append(message)

asyncio.run(app(scope, receive, send))
print(sent[0]["status"], models.TokenResponse.__pydantic_complete__)
token = models.TokenResponse(access_token="a", token_type="bearer", expires_in=60,
                             refresh_token="r", scope="s")
print(models.TokenResponse.__pydantic_complete__, token.expires_in)
"""


def test_models_are_built_on_first_use_not_at_start_up() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["404", "False", "True", "60"]


LAZY_PROCESS = """
from __future__ import annotations  # as scaffolded handler modules have it

import asyncio, sys
import users
from users import HealthApi, create_app, models, results

LOADED = ("users.models", "users.results", "jwt")


class Health(HealthApi):
    async def check_liveness(self) -> results.CheckLivenessOk:
        return results.CheckLivenessOk(body=models.HealthStatus(status="ok"))


app = create_app(health=Health())


def get(path):
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": [], "scheme": "http",
             "server": ("test", 80), "client": ("127.0.0.1", 1), "http_version": "1.1",
             "asgi": {"version": "3.0"}}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], sent[1]["body"].decode()


print(get("/nowhere")[0], [m for m in LOADED if m in sys.modules])
print(*get("/api/v1/health/live"), [m for m in LOADED if m in sys.modules])
print(users.models is sys.modules["users.models"], models.HealthStatus.__module__)
"""


def test_models_results_and_pyjwt_load_with_the_first_request_that_needs_them() -> None:
    """A 404 needs none of them; a handler's answer imports models.py and results.py, and the
    names bound before then (`from users import models`) reach the real modules."""
    done = subprocess.run(
        [sys.executable, "-c", LAZY_PROCESS],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "404 []",
        """200 {"status":"ok"} ['users.models', 'users.results']""",
        "True users.models",
    ]


def test_results_are_frozen_keyword_only_records() -> None:
    from generated.users import results

    ok = results.ListUsersOk(body=[], link="<x>; rel=next")
    assert ok.link == "<x>; rel=next"
    assert results.ListUsersOk(body=[]).link is None  # the default
    assert results.ListUsersOk(body=[]) == results.ListUsersOk(body=[], link=None)
    assert results.ListUsersOk(body=[]) != results.ListUsersOk(body=[], link="l")
    assert hash(results.ListUsersOk(body=(), link="l")) == hash(
        results.ListUsersOk(body=(), link="l")
    )
    assert repr(ok) == "ListUsersOk(body=[], link='<x>; rel=next')"
    assert not dataclasses.is_dataclass(results.ListUsersOk)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ok.link = "other"  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing required keyword argument: 'body'"):
        results.ListUsersOk()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        results.ListUsersOk(body=[], bogus=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        results.ListUsersOk([])  # type: ignore[misc]


def test_route_endpoints_carry_real_annotations() -> None:
    """FastAPI evaluates an endpoint's string annotations (compiling each) once per route."""
    from fastapi import Request
    from fastapi.responses import Response

    from generated.users import create_app
    from generated.users.runtime.routes import ContractRoute

    routes = [r for r in create_app().router.routes if isinstance(r, ContractRoute)]
    assert routes
    for route in routes:
        assert route.endpoint.__annotations__ == {"request": Request, "return": Response}


RECURSIVE = """
from showcase import models

print(models.Category.__pydantic_complete__)
tree = {"slug": "a", "name": "A", "parent_slug": None, "book_count": 1,
        "children": [{"slug": "b", "name": "B", "parent_slug": "a", "book_count": 0,
                      "children": []}]}
print(models.Category.model_validate(tree).children[0].slug)
"""


def test_recursive_models_are_not_built_at_import_and_still_validate() -> None:
    """No `Model.model_rebuild()` at import: it built every model the call reached."""
    assert ".model_rebuild()" not in (GENERATED / "showcase" / "models.py").read_text()
    done = subprocess.run(
        [sys.executable, "-c", RECURSIVE],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "b"]
