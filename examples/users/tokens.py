"""Access tokens (JWT, verified by the generated package) and refresh tokens (opaque, rotating)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .db import affected
from .settings import ServiceSettings
from .tables import RefreshTokenRow, UserRow, utcnow

USER_SCOPES = ("users:read", "users:write")
ADMIN_SCOPE = "admin"
REFRESH_PREFIX = "rt_"


def entitled_scopes(user: UserRow) -> tuple[str, ...]:
    """Scopes a user may hold: `users:read users:write` for everyone, `admin` for admins."""
    return (*USER_SCOPES, ADMIN_SCOPE) if user.role_admin else USER_SCOPES


@dataclass(frozen=True)
class AccessTokenIssuer:
    """Mints HS256 access tokens with the secret, issuer and audience the verifier checks."""

    secret: bytes
    issuer: str | None
    audience: str | None
    ttl_seconds: int

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> AccessTokenIssuer:
        """The issuer for these settings; the secret is required."""
        if settings.jwt_secret is None:
            raise ValueError("USERS_JWT_SECRET is required (at least 32 bytes)")
        return cls(
            secret=settings.jwt_secret.get_secret_value().encode(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

    def mint(self, user_id: uuid.UUID, scopes: tuple[str, ...]) -> str:
        """A signed token: sub, scope, iat, nbf, exp, jti (+ iss, aud when configured)."""
        now = int(utcnow().timestamp())
        claims: dict[str, object] = {
            "sub": str(user_id),
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": secrets.token_hex(16),
        }
        if self.issuer:
            claims["iss"] = self.issuer
        if self.audience:
            claims["aud"] = self.audience
        # `typ` per RFC 9068 so this can never be mistaken for another kind of JWT.
        return jwt.encode(claims, self.secret, algorithm="HS256", headers={"typ": "at+jwt"})


def hash_refresh_token(token: str) -> str:
    """SHA-256 hex of a refresh token: 256 random bits need no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshTokens:
    """Refresh tokens in the database: issued, rotated on use, revoked in bulk.

    Only the hash is stored. Every rotation of one sign-in shares a `family_id`; presenting a
    token that was already rotated (a replay, so possibly a theft) revokes the whole family.
    """

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)

    def issue(
        self, session: AsyncSession, user_id: uuid.UUID, scope: str, family_id: uuid.UUID | None
    ) -> str:
        """Add a new token to the session (committed with the request) and return its clear text."""
        token = REFRESH_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        session.add(
            RefreshTokenRow(
                token_hash=hash_refresh_token(token),
                user_id=user_id,
                family_id=family_id or uuid.uuid4(),
                scope=scope,
                created_at=now,
                expires_at=now + self.ttl,
            )
        )
        return token

    async def find(self, session: AsyncSession, token: str) -> RefreshTokenRow | None:
        """The stored token, if this text was ever issued."""
        query = select(RefreshTokenRow).where(
            RefreshTokenRow.token_hash == hash_refresh_token(token)
        )
        return (await session.execute(query)).scalar_one_or_none()

    async def consume(self, session: AsyncSession, row: RefreshTokenRow, now: datetime) -> bool:
        """Mark a live token used; False when another request used it first.

        One conditional UPDATE, so two concurrent refreshes with the same token cannot both
        succeed (PostgreSQL re-checks the condition after the row lock; SQLite has one writer).
        """
        result = await session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.id == row.id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        return affected(result) == 1


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    """Revoke every refresh token of one sign-in (a rotated token was presented again)."""
    await session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def revoke_account(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Revoke every refresh token of one account (password change, deactivation)."""
    await session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
