"""`MembersApi`: sign-up from the website's form, and the signed-in member's own account."""

from __future__ import annotations

from pwdlib import PasswordHash
from pydantic import MISSING
from starlette.concurrency import run_in_threadpool

from generated.showcase import CONTEXT, Principal, RequestContext, models, results

from . import access, errors
from .ratelimit import RateLimiter, budget_key
from .store import MemberRecord, Store


def to_model(member: MemberRecord) -> models.Member:
    """The `Member` response model: every readOnly field, never the password (`writeOnly`)."""
    return models.Member(
        id=member.id,
        email=member.email,
        display_name=member.display_name,
        newsletter=member.newsletter,
        locale=member.locale,
        created_at=member.created_at,
    )


class MembersHandlers:
    """Operations tagged `members`."""

    def __init__(self, *, store: Store, limiter: RateLimiter, hasher: PasswordHash) -> None:
        self.store = store
        self.limiter = limiter
        self.hasher = hasher

    async def register_member(
        self, *, body: models.MemberInput, context: RequestContext = CONTEXT
    ) -> (
        results.RegisterMemberCreated
        | results.RegisterMemberConflict
        | results.RegisterMemberTooManyRequests
    ):
        """POST /members: a new member; the e-mail address must be new."""
        rate = self.limiter.hit(budget_key(None, context.client))
        if not rate.allowed:
            return results.RegisterMemberTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        if self.store.member_with_email(body.email) is not None:
            return results.RegisterMemberConflict(body=_email_taken(body.email))
        password_hash = await run_in_threadpool(self.hasher.hash, body.password)
        if self.store.member_with_email(body.email) is not None:  # registered while hashing
            return results.RegisterMemberConflict(body=_email_taken(body.email))
        member = self.store.add_member(
            email=body.email,
            display_name=body.display_name,
            password_hash=password_hash,
            newsletter=body.newsletter,
            locale=body.locale,
        )
        return results.RegisterMemberCreated(body=to_model(member))

    async def get_current_member(self, *, principal: Principal) -> results.GetCurrentMemberOk:
        """GET /members/me."""
        return results.GetCurrentMemberOk(
            body=to_model(access.signed_in_member(self.store, principal))
        )

    async def update_current_member(
        self, *, body: models.MemberUpdate, principal: Principal
    ) -> results.UpdateCurrentMemberOk | results.UpdateCurrentMemberBadRequest:
        """PATCH /members/me: the fields present change, the others stay."""
        if not body.model_fields_set:  # `minProperties: 1`, which the model does not check
            return results.UpdateCurrentMemberBadRequest(
                body=errors.invalid(("body", "Send at least one field."))
            )
        member = access.signed_in_member(self.store, principal)
        if body.display_name is not MISSING:
            member.display_name = body.display_name
        if body.newsletter is not MISSING:
            member.newsletter = body.newsletter
        if body.locale is not MISSING:
            member.locale = models.MemberLocale(body.locale.value)
        return results.UpdateCurrentMemberOk(body=to_model(member))


def _email_taken(email: str) -> models.Error:
    return errors.error("email_taken", f"{email} is already registered.")
