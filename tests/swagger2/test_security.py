"""securityDefinitions: basic, apiKey and the four oauth2 flows, unknown ones noted."""

from __future__ import annotations

import pytest

from generator.swagger2.security import convert_schemes
from generator.swagger2.trace import Trace


def test_basic_and_api_key() -> None:
    out = convert_schemes(
        {
            "b": {"type": "basic", "description": "d"},
            "k": {"type": "apiKey", "name": "X-Key", "in": "header"},
        },
        "/securityDefinitions",
        "/components/securitySchemes",
        Trace(),
    )
    assert out == {
        "b": {"type": "http", "scheme": "basic", "description": "d"},
        "k": {"type": "apiKey", "name": "X-Key", "in": "header"},
    }


@pytest.mark.parametrize(
    ("flow", "name", "urls"),
    [
        ("implicit", "implicit", {"authorizationUrl": "https://a"}),
        ("password", "password", {"tokenUrl": "https://t"}),
        ("application", "clientCredentials", {"tokenUrl": "https://t"}),
        (
            "accessCode",
            "authorizationCode",
            {"authorizationUrl": "https://a", "tokenUrl": "https://t"},
        ),
    ],
)
def test_oauth2_flows(flow: str, name: str, urls: dict[str, str]) -> None:
    scheme = {"type": "oauth2", "flow": flow, "scopes": {"read": "r"}, **urls}
    trace = Trace()
    out = convert_schemes({"o": scheme}, "/sd", "/ss", trace)
    assert out == {"o": {"type": "oauth2", "flows": {name: {**urls, "scopes": {"read": "r"}}}}}
    assert trace.source_of(f"/ss/o/flows/{name}/scopes/read") == "/sd/o/scopes/read"
    assert trace.notes == []


def test_unknown_type_or_flow_is_noted_and_left_out() -> None:
    trace = Trace()
    out = convert_schemes(
        {"x": {"type": "mtls"}, "o": {"type": "oauth2", "flow": "device"}}, "/sd", "/ss", trace
    )
    assert out == {}
    assert [n.source for n in trace.notes] == ["/sd/x/type", "/sd/o/flow"]
