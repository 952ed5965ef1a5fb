"""`AuthApi`: the OAuth2 password grant and refresh-token rotation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import MISSING

from generated.users import CONTEXT, RequestContext, models, results

from .accounts import find_by_email, flush_or_conflict, set_password_hash
from .db import release, session_of
from .inputs import email_problem
from .passwords import Passwords
from .problems import INVALID_TOKEN, problem, too_many
from .ratelimit import Decision, RateLimiter, client_address_var
from .tables import UserRow, email_key, utcnow
from .tokens import (
    AccessTokenIssuer,
    RefreshTokens,
    entitled_scopes,
    revoke_family,
)

logger = logging.getLogger(__name__)
MAX_FORM_PARAMETERS = 8  # TokenRequest `maxProperties`
NO_STORE = {"cache_control": "no-store", "pragma": "no-cache"}  # RFC 6749 §5.1


def _oauth_error(code: models.OAuthErrorError, description: str) -> results.IssueTokenBadRequest:
    return results.IssueTokenBadRequest(
        body=models.OAuthError(error=code, error_description=description)
    )


def _invalid_refresh() -> results.RefreshTokenUnauthorized:
    return results.RefreshTokenUnauthorized(
        body=problem(401, "Unauthorized", "The refresh token is not valid."),
        www_authenticate=INVALID_TOKEN,
    )


@dataclass(frozen=True)
class SignInAttempt:
    """The failure budgets one sign-in draws on (issue 22: no lockout by strangers).

    Failures are counted per (account, address), so guessing an account's password from one
    address blocks that address for that account only, while its owner signs in from
    anywhere else, and per address across accounts, which bounds credential stuffing.
    Successes cost nothing and clear the (account, address) count. Both windows are the
    limiter's; a blocked pair waits for its window to end (`Retry-After`).
    """

    limiter: RateLimiter
    account: str
    address: str
    per_account: int
    per_address: int

    @property
    def _keys(self) -> tuple[tuple[str, int], tuple[str, int]]:
        return (
            (f"login-fail-pair:{self.address}:{self.account}", self.per_account),
            (f"login-fail-addr:{self.address}", self.per_address),
        )

    async def allowed(self) -> Decision:
        """Refused while either budget is spent, with the longer wait."""
        refused = [
            d for d in [await self.limiter.peek(k, n) for k, n in self._keys] if not d.allowed
        ]
        return max(refused, key=lambda d: d.retry_after) if refused else Decision(True)

    async def failed(self) -> None:
        """Count a wrong password, an unknown account or a deactivated one alike."""
        for key, limit in self._keys:
            await self.limiter.hit(key, limit)

    async def succeeded(self) -> None:
        """The owner got in: forget this address's failures for the account."""
        await self.limiter.clear(self._keys[0][0])


class AuthHandlers:
    """Token endpoints. Credentials failures all look alike, so accounts cannot be enumerated."""

    def __init__(
        self,
        *,
        passwords: Passwords,
        access: AccessTokenIssuer,
        refresh: RefreshTokens,
        limiter: RateLimiter,
        per_account: int,
        per_address: int,
    ) -> None:
        self.passwords = passwords
        self.access = access
        self.refresh = refresh
        self.limiter = limiter
        self.per_account = per_account
        self.per_address = per_address

    def _attempt(self, username: str) -> SignInAttempt:
        return SignInAttempt(
            self.limiter,
            account=email_key(username),
            address=client_address_var.get(),
            per_account=self.per_account,
            per_address=self.per_address,
        )

    def _pair(self, user: UserRow, scopes: tuple[str, ...], refresh: str) -> models.TokenResponse:
        return models.TokenResponse(
            access_token=self.access.mint(user.id, scopes),
            token_type=models.TokenResponseTokenType.BEARER,
            expires_in=self.access.ttl_seconds,
            refresh_token=refresh,
            scope=" ".join(scopes),
        )

    async def issue_token(
        self, *, body: models.TokenRequest, context: RequestContext = CONTEXT
    ) -> results.IssueTokenOk | results.IssueTokenBadRequest | results.IssueTokenTooManyRequests:
        """POST /auth/token: password grant (RFC 6749 §4.3)."""
        if len(body.model_fields_set) > MAX_FORM_PARAMETERS:  # extras are in the set too
            return _oauth_error(
                models.OAuthErrorError.INVALID_REQUEST, "The form has too many parameters."
            )
        if problem := email_problem(body.username):  # the contract's format let it through
            return _oauth_error(models.OAuthErrorError.INVALID_REQUEST, f"username {problem}.")
        attempt = self._attempt(body.username)
        decision = await attempt.allowed()
        if not decision.allowed:
            return results.IssueTokenTooManyRequests(
                body=too_many(decision.retry_after), retry_after=decision.retry_after
            )
        session = session_of(context)
        user = await find_by_email(session, body.username)
        await release(session)  # hash work happens with no connection held: the slow part
        verdict = await self.passwords.verify(body.password, user.password_hash if user else None)
        if user is None or not verdict.valid or not user.is_active:
            await attempt.failed()
            return _oauth_error(
                models.OAuthErrorError.INVALID_GRANT,
                "The email address or password is incorrect.",
            )
        await attempt.succeeded()
        entitled = entitled_scopes(user)
        requested = set(body.scope.split()) if body.scope is not MISSING else set(entitled)
        if not requested <= set(entitled):
            return _oauth_error(
                models.OAuthErrorError.INVALID_SCOPE,
                "A requested scope is not available to this account.",
            )
        scopes = tuple(s for s in entitled if s in requested)
        if verdict.new_hash is not None:  # hashing parameters changed: upgrade the hash
            await set_password_hash(session, user.id, verdict.new_hash)
        refresh = self.refresh.issue(session, user.id, " ".join(scopes), None)
        if not await flush_or_conflict(session):  # the account was deleted meanwhile
            return _oauth_error(
                models.OAuthErrorError.INVALID_GRANT,
                "The email address or password is incorrect.",
            )
        return results.IssueTokenOk(body=self._pair(user, scopes, refresh), **NO_STORE)

    async def refresh_token(
        self, *, body: models.RefreshTokenRequest, context: RequestContext = CONTEXT
    ) -> (
        results.RefreshTokenOk
        | results.RefreshTokenUnauthorized
        | results.RefreshTokenTooManyRequests
    ):
        """POST /auth/refresh: rotate a refresh token; a replayed one revokes its sign-in."""
        session = session_of(context)
        row = await self.refresh.find(session, body.refresh_token)
        if row is None:
            return _invalid_refresh()
        decision = await self.limiter.hit(f"refresh:{row.user_id}", self.per_account)
        if not decision.allowed:
            return results.RefreshTokenTooManyRequests(
                body=too_many(decision.retry_after), retry_after=decision.retry_after
            )
        now = utcnow()
        if row.revoked_at is not None or not await self.refresh.consume(session, row, now):
            logger.warning("revoked refresh token presented; revoking its sign-in")
            await revoke_family(session, row.family_id)
            return _invalid_refresh()  # an error result whose write must stay: committed
        user = await session.get(UserRow, row.user_id)
        if row.expires_at <= now or user is None or not user.is_active:
            await session.rollback()  # undo the consumption: the token stays as it was
            return _invalid_refresh()
        # Same scopes as the grant, less any the account has lost since (a demoted admin).
        scopes = tuple(s for s in entitled_scopes(user) if s in row.scope.split())
        refresh = self.refresh.issue(session, user.id, " ".join(scopes), row.family_id)
        return results.RefreshTokenOk(body=self._pair(user, scopes, refresh), **NO_STORE)
