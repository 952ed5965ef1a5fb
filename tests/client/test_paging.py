"""Page iteration: a cursor from the body (`x-specfirst-pagination`) and RFC 8288 `Link` headers."""

from __future__ import annotations

import asyncio
import json
from types import ModuleType
from urllib.parse import unquote

import pytest

from .stub import Answer, Stub


def _page(names: list[str], cursor: str | None) -> Answer:
    items = [{"id": i, "name": n} for i, n in enumerate(names)]
    body = json.dumps({"items": items, "next_cursor": cursor}).encode()
    return Answer(200, body, (("X-Total", "3"),))


def test_cursor_pages_until_the_cursor_is_null(things: ModuleType, stub: Stub) -> None:
    stub.queue(_page(["a", "b"], "c1"), _page(["c"], None))
    with things.Client(stub.base, credentials=things.Credentials(key="K")) as client:
        pages = list(client.list_things_pages(tag=["x"]))
    assert [[i.name for i in p.body.items] for p in pages] == [["a", "b"], ["c"]]
    assert [unquote(s.target) for s in stub.seen] == [
        "/v2/things?tag=x&api_key=K",
        "/v2/things?after=c1&tag=x&api_key=K",
    ]


def test_a_repeated_cursor_ends_the_iteration(things: ModuleType, stub: Stub) -> None:
    stub.queue(_page(["a"], "same"), _page(["b"], "same"), _page(["c"], "same"))
    with things.Client(stub.base) as client:
        pages = list(client.list_things_pages())
    assert len(pages) == 2 and len(stub.seen) == 2


def test_a_page_that_is_not_a_success_raises(things: ModuleType, stub: Stub) -> None:
    stub.queue(_page(["a"], "c1"), Answer(401))
    with things.Client(stub.base) as client, pytest.raises(things.PageError) as raised:
        list(client.list_things_pages())
    assert isinstance(raised.value.result, things.results.ListThingsUnauthorized)


def test_link_next_is_followed_with_the_credentials(things: ModuleType, stub: Stub) -> None:
    stub.queue(
        Answer(200, b"[1, 2]", (("Link", '</v2/pages?page=2>; rel="next"'),)),
        Answer(200, b"[3]", (("Link", '</v2/pages?page=1>; rel="first"'),)),
    )

    async def scenario() -> list[list[int]]:
        async with things.AsyncClient(
            stub.base, credentials=things.Credentials(bearer="tok")
        ) as client:
            return [page.body async for page in client.list_pages_pages()]

    assert asyncio.run(scenario()) == [[1, 2], [3]]
    assert [s.target for s in stub.seen] == ["/v2/pages", "/v2/pages?page=2"]
    assert all(s.headers["authorization"] == "Bearer tok" for s in stub.seen)


def test_link_to_another_origin_is_refused(things: ModuleType, stub: Stub) -> None:
    stub.queue(Answer(200, b"[1]", (("Link", '<http://evil.example/steal>; rel="next"'),)))
    with things.Client(stub.base, credentials=things.Credentials(bearer="tok")) as client:
        pages = client.list_pages_pages()
        assert next(pages).body == [1]
        with pytest.raises(things.UnsafeNextLink):
            next(pages)
    assert len(stub.seen) == 1
