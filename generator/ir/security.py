"""Security scheme kinds: how the generated runtime verifies a `securitySchemes` entry.

One classification read by the IR builder (what `security.py` wires up) and by `validate`
(which warns about the schemes the runtime cannot verify by itself), so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The kinds a generated `security.py` knows; `unsupported` needs a verifier from the application.
KINDS = ("jwt", "apiKey", "basic", "unsupported")
API_KEY_LOCATIONS = frozenset({"header", "query", "cookie"})


def scheme_kind(raw: Mapping[str, Any]) -> str:
    """The kind of one (resolved) security scheme: `jwt`, `apiKey`, `basic` or `unsupported`.

    >>> scheme_kind({"type": "http", "scheme": "Bearer"}), scheme_kind({"type": "mutualTLS"})
    ('jwt', 'unsupported')
    """
    kind, http = str(raw.get("type", "")), str(raw.get("scheme", "")).lower()
    if kind in {"oauth2", "openIdConnect"} or (kind == "http" and http == "bearer"):
        return "jwt"
    if kind == "http" and http == "basic":
        return "basic"
    if kind == "apiKey" and raw.get("in") in API_KEY_LOCATIONS:
        return "apiKey"
    return "unsupported"
