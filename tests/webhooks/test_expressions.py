"""Runtime expressions: parsed at generation time, looked up (never evaluated) at run time."""

from __future__ import annotations

from types import ModuleType

import pytest

from generator.spec.expressions import ExpressionError, parse_template

PARSED = [
    ("{$request.body#/callbackUrl}", (("request.body", "/callbackUrl"),)),
    ("{$request.query.x}/data", (("request.query", "x"), ("text", "/data"))),
    ("{$request.header.X-Progress}", (("request.header", "X-Progress"),)),
    ("{$url}", (("url", ""),)),
    ("{$method}", (("method", ""),)),
    ("{$request.path.id}", (("request.path", "id"),)),
    ("{$response.body#/links/0}", (("response.body", "/links/0"),)),
    ("{$response.header.Location}", (("response.header", "Location"),)),
    ("$request.body#/url", (("request.body", "/url"),)),
    (
        "https://n.test/?id={$request.body#/id}&m={$method}",
        (
            ("text", "https://n.test/?id="),
            ("request.body", "/id"),
            ("text", "&m="),
            ("method", ""),
        ),
    ),
]


@pytest.mark.parametrize(("key", "parts"), PARSED)
def test_templates_parse(key: str, parts: tuple[tuple[str, str], ...]) -> None:
    assert parse_template(key) == parts


@pytest.mark.parametrize(
    "key",
    [
        "{$request.cookie.x}",
        "{$response.query.x}",
        "{$request.body#nope}",
        "{$request.header.bad header}",
        "{__import__('os')}",
        "{$request.body#/a}}",
        "relative/path",
        "{$statuscode}",
    ],
)
def test_unknown_expressions_are_refused(key: str) -> None:
    with pytest.raises(ExpressionError):
        parse_template(key)


def test_values_are_looked_up_by_source(hooks: ModuleType) -> None:
    expressions = hooks.runtime.expressions
    source = expressions.Source(
        url="https://api.test/things/7?cb=https://me.test",
        method="post",
        path={"id": "7"},
        query={"cb": ["https://me.test"]},
        headers={"x-progress": "https://p.test/x"},
    ).with_body({"hooks": [{"url": "https://b.test/h"}], "n": 3, "a/b": "s"})
    done = source.with_response(201, {"Location": "/things/7"}, {"id": "t 7"})
    cases = [
        ((("request.body", "/hooks/0/url"),), "https://b.test/h"),
        ((("request.query", "cb"), ("text", "/data")), "https://me.test/data"),
        ((("request.header", "X-Progress"),), "https://p.test/x"),
        ((("text", "https://n.test/"), ("request.path", "id")), "https://n.test/7"),
        ((("text", "https://n.test/?m="), ("method", "")), "https://n.test/?m=POST"),
        ((("text", "https://n.test/?n="), ("request.body", "/n")), "https://n.test/?n=3"),
        ((("text", "https://n.test/?s="), ("request.body", "/a~1b")), "https://n.test/?s=s"),
        ((("text", "https://n.test/?id="), ("response.body", "/id")), "https://n.test/?id=t%207"),
        (
            (("text", "https://n.test"), ("response.header", "location")),
            "https://n.test%2Fthings%2F7",
        ),
        ((("text", "https://n.test/"), ("statusCode", "")), "https://n.test/201"),
        ((("url", ""),), "https://api.test/things/7?cb=https://me.test"),
    ]
    for parts, expected in cases:
        assert expressions.expand(parts, done) == expected


def test_a_model_response_body_is_read_as_its_json(hooks: ModuleType) -> None:
    expressions = hooks.runtime.expressions
    source = expressions.Source(url="https://api.test/", method="POST")
    done = source.with_response(201, None, hooks.models.SubscribeCreatedResponse(id="s/1"))
    parts = (("text", "https://n.test/?id="), ("response.body", "/id"))
    assert expressions.expand(parts, done) == "https://n.test/?id=s%2F1"


def test_a_missing_value_is_a_clear_error(hooks: ModuleType) -> None:
    expressions = hooks.runtime.expressions
    source = expressions.Source(url="https://api.test/", method="POST")
    for parts in [(("request.body", "/url"),), (("request.query", "cb"),), (("statusCode", ""),)]:
        with pytest.raises(expressions.ExpressionValueError):
            expressions.expand(parts, source)
    with pytest.raises(LookupError, match="inside the handler"):
        expressions.current()
