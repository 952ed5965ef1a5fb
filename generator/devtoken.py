"""Development tokens: a signed JWT for a subject and scopes, for local runs and contract tests."""

from __future__ import annotations

import time
from collections.abc import Sequence

import jwt

MIN_SECRET_BYTES = 32


def mint(
    subject: str,
    scopes: Sequence[str],
    *,
    secret: str,
    algorithm: str = "HS256",
    issuer: str | None = None,
    audience: str | None = None,
    ttl_seconds: int = 900,
    now: int | None = None,
) -> str:
    """A token the generated service accepts when configured with the same secret.

    >>> len(mint("alice", ["users:read"], secret="x" * 32, now=0).split("."))
    3
    """
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"the secret must be at least {MIN_SECRET_BYTES} bytes")
    issued = int(time.time()) if now is None else now
    claims: dict[str, object] = {
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm=algorithm)
