"""The generated client's calls: parameters by style, credentials, bodies and typed results."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from .stub import Answer, Stub


def _page(items: list[dict[str, object]], cursor: str | None = None) -> bytes:
    return json.dumps({"items": items, "next_cursor": cursor}).encode()


def test_parameters_go_out_as_their_style_says(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, _page([{"id": 1, "name": "a"}]), (("X-Total", "1"),)))
    models = things.models
    with things.Client(stub.base, credentials=things.Credentials(key="K")) as client:
        result = client.list_things(
            tag=["a", "b"],
            ids=[1, 2],
            filter_=models.ListThingsFilterParam(color="red"),
            x_trace=["t1", "t2"],
            session="s1",
        )
    assert isinstance(result, things.results.ListThingsOk)
    assert result.x_total == 1
    assert result.body.items[0].name == "a"
    seen = stub.seen[0]
    path, _, query = seen.target.partition("?")
    assert path == "/v2/things"
    assert unquote(query).split("&") == [
        "tag=a",
        "tag=b",
        "ids=1|2",
        "filter[color]=red",
        "api_key=K",
    ]
    assert seen.headers["x-trace"] == "t1,t2"
    assert seen.headers["cookie"] == "session=s1"


def test_path_parameters_and_untyped_statuses(things: ModuleType, stub: Stub) -> None:
    stub.queue(
        Answer(200, b"two parts", content_type="text/plain"), Answer(418, b"", content_type="")
    )
    with things.Client(stub.base) as client:
        parts = client.get_thing_parts(thing_id=7, parts=["a b", "c"])
        teapot = client.get_thing_parts(thing_id=7, parts=["a"])
    assert stub.seen[0].target == "/v2/things/7/;parts=a%20b;parts=c"
    assert isinstance(parts, things.results.GetThingPartsOk) and parts.body == "two parts"
    assert isinstance(teapot, things.results.GetThingPartsDefault)
    assert teapot.status_code == 418


def test_the_first_alternative_with_credentials_is_sent(things: ModuleType, stub: Stub) -> None:
    created = json.dumps({"id": 5, "name": "n"}).encode()
    refused = json.dumps({"title": "no"}).encode()
    stub.queue(Answer(201, created), Answer(403, refused, content_type="application/problem+json"))
    body = things.models.ThingInput(name="n")
    with things.Client(stub.base, credentials=things.Credentials(basic=("ada", "pw"))) as client:
        first = client.create_thing(body=body)
        client.authorize(things.Credentials(bearer="tok"))
        second = client.create_thing(body=body)
    basic = base64.b64encode(b"ada:pw").decode()
    assert stub.seen[0].headers["authorization"] == f"Basic {basic}"
    assert stub.seen[1].headers["authorization"] == "Bearer tok"
    assert json.loads(stub.seen[0].body) == {"name": "n"}
    assert stub.seen[0].headers["content-type"] == "application/json"
    assert isinstance(first, things.results.CreateThingCreated) and first.body.id == 5
    assert isinstance(second, things.results.CreateThingStatus4XX)
    assert (second.status_code, second.body) == (403, {"title": "no"})


def test_cookie_keys_and_the_async_client(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, b'{"ok": true}'))

    async def scenario() -> object:
        async with things.AsyncClient(
            stub.base, credentials=things.Credentials(cookie_key="c0")
        ) as client:
            return await client.ping()

    result = asyncio.run(scenario())
    assert isinstance(result, things.results.PingOk) and result.body.ok is True
    assert stub.seen[0].headers["cookie"] == "sid=c0"


def test_no_credentials_no_authorization(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(401))
    with things.Client(stub.base) as client:
        result = client.list_things()
    assert isinstance(result, things.results.ListThingsUnauthorized)
    assert "authorization" not in stub.seen[0].headers
    assert stub.seen[0].target == "/v2/things"


@pytest.mark.parametrize(
    ("answer", "error", "reason"),
    [
        (Answer(200, _page([])), "InvalidResponse", "required header X-Total is missing"),
        (Answer(200, _page([]), (("X-Total", "many"),)), "InvalidResponse", "header X-Total"),
        (Answer(200, b'{"items": 3}', (("X-Total", "1"),)), "InvalidResponse", "body at /items"),
        (Answer(404, b"{}"), "UnexpectedStatus", "undocumented status 404"),
    ],
)
def test_answers_outside_the_contract_raise(
    things: ModuleType, stub: Stub, answer: Answer, error: str, reason: str
) -> None:
    stub.queue(answer)
    with things.Client(stub.base) as client, pytest.raises(getattr(things, error)) as raised:
        client.list_things()
    assert reason in str(raised.value)
    assert isinstance(raised.value, things.ClientError)


def _runtime(things: ModuleType, module: str) -> ModuleType:
    return importlib.import_module(f"{things.__name__}.runtime.{module}")


@pytest.mark.parametrize(
    ("media_type", "kind", "body", "expected"),
    [
        ("application/octet-stream", "binary", b"\x00\x01", b"\x00\x01"),
        ("text/plain", "text", "h\u00e9", "h\u00e9".encode()),
        ("application/x-www-form-urlencoded", "form", {"a": "x y", "n": 2, "b": True}, None),
        ("multipart/form-data", "multipart", {"file": b"PNG", "n": 3}, None),
    ],
)
def test_bodies_go_out_in_their_media_type(
    things: ModuleType, media_type: str, kind: str, body: object, expected: bytes | None
) -> None:
    spec = _runtime(things, "specs").BodySpec(media_type, kind, Any)
    arguments = _runtime(things, "requests").body_arguments((spec,), body)
    request = httpx.Request("POST", "http://test/", **arguments)
    content = request.read()
    if expected is not None:
        assert content == expected
        assert request.headers["content-type"] == media_type
    elif kind == "form":
        assert content == b"a=x+y&n=2&b=true"
    else:
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert b'name="file"; filename="file"\r\nContent-Type: application/octet-stream' in content
        assert b'name="n"\r\n\r\n3\r\n' in content


def test_timeout_and_headers_reach_the_http_client(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, b'{"ok": true}'))
    options = {"timeout": 2.5, "headers": {"X-Client": "tests"}}
    with things.Client(stub.base, credentials=things.Credentials(cookie_key="c"), **options) as c:
        assert c.http.timeout == httpx.Timeout(2.5)
        c.ping()
    assert stub.seen[0].headers["x-client"] == "tests"


def test_a_client_never_closes_an_http_client_it_was_given(things: ModuleType, stub: Stub) -> None:
    http = httpx.Client(base_url=stub.base)
    with things.Client(http=http):
        pass
    assert not http.is_closed
    http.close()
