"""Security scheme kinds: how the generated runtime verifies a `securitySchemes` entry.

One classification read by the IR builder (what `security.py` wires up), by `validate` (which
warns about the schemes the runtime cannot verify by itself), by the contract tester (which
credentials to send) and by the breaking-change diff, so they never disagree. The generated
runtime's `auth.py` is a self-contained copy and reads the values from `security.py`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

API_KEY_LOCATIONS = frozenset({"header", "query", "cookie"})


class SchemeKind(enum.StrEnum):
    """How a scheme's credentials are checked; the values are what generated code spells."""

    JWT = "jwt"  # http bearer, oauth2, openIdConnect: a bearer token in `Authorization`
    API_KEY = "apiKey"  # a key in a header, query parameter or cookie
    BASIC = "basic"  # http basic: a user and a password in `Authorization`
    UNSUPPORTED = "unsupported"  # mutualTLS, http digest...: the application brings a verifier


def scheme_kind(raw: Mapping[str, Any]) -> SchemeKind:
    """The kind of one (resolved) security scheme.

    >>> scheme_kind({"type": "http", "scheme": "Bearer"}), scheme_kind({"type": "mutualTLS"})
    (<SchemeKind.JWT: 'jwt'>, <SchemeKind.UNSUPPORTED: 'unsupported'>)
    """
    kind, http = str(raw.get("type", "")), str(raw.get("scheme", "")).lower()
    if kind in {"oauth2", "openIdConnect"} or (kind == "http" and http == "bearer"):
        return SchemeKind.JWT
    if kind == "http" and http == "basic":
        return SchemeKind.BASIC
    if kind == "apiKey" and raw.get("in") in API_KEY_LOCATIONS:
        return SchemeKind.API_KEY
    return SchemeKind.UNSUPPORTED
