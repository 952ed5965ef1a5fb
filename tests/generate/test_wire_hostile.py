"""Nothing a client sends produces a 500 (issue 18, "Bad input"): malformed values, NUL bytes,
huge numbers, deep nesting, wrong media types and dates at the ends of the calendar get a 4xx
in the contract's error format, never a server error and never the handler."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PREFIX = "/v1"
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FFFF, blacklist_categories=("Cs",)))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
MEDIA_TYPES = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
     "application/octet-stream", "application/json; charset=latin-1", "", "*/*", "x"]
)  # fmt: skip


SECRET = "s" * 40


def _client(tasks: ModuleType) -> TestClient:
    """The stub app (501 when implemented), with a token for the secured operations."""
    from tasks_pkg.runtime.tokens import mint_token  # type: ignore[import-not-found]

    app = tasks.create_app(settings=tasks.Settings(jwt_secret=SECRET))
    token = mint_token("alice", ["tasks:write", "tasks:read"], secret=SECRET.encode())
    return TestClient(
        app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"}
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.lists(st.tuples(TEXT, TEXT), max_size=6), headers=st.lists(st.tuples(
    st.sampled_from(["x-trace", "accept", "cookie", "x-request-id", "content-type"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)), max_size=4))  # fmt: skip
def test_any_query_and_header_gets_an_answer_below_500(
    tasks: ModuleType, query: list[tuple[str, str]], headers: list[tuple[str, str]]
) -> None:
    client = _client(tasks)
    for path in (f"{PREFIX}/tasks", f"{PREFIX}/tasks/1", f"{PREFIX}/health"):
        response = client.get(path, params=query, headers=headers)
        assert response.status_code < 500 or response.status_code == 501, response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON_VALUES, media_type=MEDIA_TYPES)
def test_any_body_gets_an_answer_below_500(tasks: ModuleType, body: Any, media_type: str) -> None:
    client = _client(tasks)
    content = json.dumps(body).encode() if media_type.endswith("json") else str(body).encode()
    headers = {"content-type": media_type} if media_type else {}
    response = client.post(f"{PREFIX}/tasks", content=content, headers=headers)
    assert response.status_code < 500 or response.status_code == 501, response.text


def test_edge_values_get_4xx(tasks: ModuleType) -> None:
    client = _client(tasks)
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    huge = ("1" * 5000).encode()
    lone = b'{"title": "a\\ud800b"}'  # half a surrogate pair: no UTF-8 text holds it (issue 22)
    for content in (deep, huge, b"\x00\xff\xfe", b'{"title": 1e999}', b'{"title": NaN}', lone):
        response = client.post(
            f"{PREFIX}/tasks", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code in {400, 413}, (content[:20], response.status_code)
    nul = client.post(f"{PREFIX}/tasks", json={"title": "a\u0000b"})
    assert nul.status_code == 501  # a NUL inside a string is valid JSON: it reaches the stub
    pair = client.post(
        f"{PREFIX}/tasks",
        content=b'{"title": "\\ud83d\\ude00"}',  # a whole pair is a character
        headers={"content-type": "application/json"},
    )
    assert pair.status_code == 501
    for path in ("/tasks/0", "/tasks/99999999999999999999999", "/tasks/%00", "/tasks/-1e3"):
        assert client.get(PREFIX + path).status_code in {400, 404, 501}, path
