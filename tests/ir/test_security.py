"""Security scheme kinds: one classification, and every consumer reads it."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

import generator.ir.security
from generator.contract.credentials import read_schemes
from generator.ir.build import build_schemes, scheme_identifiers
from generator.ir.security import SchemeKind, scheme_kind

SCHEMES: dict[str, tuple[dict[str, Any], SchemeKind]] = {
    "bearer": ({"type": "http", "scheme": "Bearer"}, SchemeKind.JWT),
    "oauth": ({"type": "oauth2", "flows": {}}, SchemeKind.JWT),
    "oidc": ({"type": "openIdConnect", "openIdConnectUrl": "https://i/x"}, SchemeKind.JWT),
    "basic": ({"type": "http", "scheme": "basic"}, SchemeKind.BASIC),
    "header": ({"type": "apiKey", "in": "header", "name": "X-Key"}, SchemeKind.API_KEY),
    "query": ({"type": "apiKey", "in": "query", "name": "key"}, SchemeKind.API_KEY),
    "cookie": ({"type": "apiKey", "in": "cookie", "name": "sid"}, SchemeKind.API_KEY),
    "digest": ({"type": "http", "scheme": "digest"}, SchemeKind.UNSUPPORTED),
    "mtls": ({"type": "mutualTLS"}, SchemeKind.UNSUPPORTED),
}
DOCUMENT = {"components": {"securitySchemes": {k: raw for k, (raw, _) in SCHEMES.items()}}}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_scheme_kind(name: str) -> None:
    raw, kind = SCHEMES[name]
    assert scheme_kind(raw) is kind


def test_the_ir_and_the_contract_tester_classify_alike() -> None:
    built = build_schemes(DOCUMENT, scheme_identifiers(DOCUMENT))
    assert {s.wire: s.kind for s in built} == {k: kind for k, (_, kind) in SCHEMES.items()}
    assert {n: s.kind for n, s in read_schemes(DOCUMENT).items()} == {
        k: kind for k, (_, kind) in SCHEMES.items()
    }


def test_kinds_are_written_as_their_values() -> None:
    # generated security.py spells a kind as its value; the generated runtime compares strings
    assert [str(k) for k in SchemeKind] == ["jwt", "apiKey", "basic", "unsupported"]


def test_docstring_examples() -> None:
    assert doctest.testmod(generator.ir.security).failed == 0
