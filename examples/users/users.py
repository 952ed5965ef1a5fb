"""`UsersApi`: registration, your own account, and accounts by id (owner or admin)."""

from __future__ import annotations

import uuid

from pydantic import MISSING

from generated.users import CONTEXT, Principal, RequestContext, models, results

from . import problems
from .accounts import (
    Caller,
    Outcome,
    delete_account,
    find_by_email,
    flush_or_conflict,
    load_caller,
    set_password_hash,
    to_model,
    update_account,
)
from .db import release, session_of
from .inputs import account_issues
from .passwords import Passwords
from .problems import INVALID_TOKEN, too_many
from .ratelimit import RateLimiter
from .tables import UserRow, email_key, utcnow
from .tokens import revoke_account

USERS_PATH = "/api/v1/users/"


def _visible(caller: Caller, user_id: uuid.UUID, scope: str) -> bool | None:
    """Whether `caller` may act on `user_id` with `scope`: True, False (404) or None (403).

    Admins may act on any account; anyone else only on their own, and only with the
    operation's user scope. Someone else's account is 404, exactly like a missing one.
    """
    if caller.is_admin:
        return True
    if not caller.may(scope):
        return None
    return caller.row.id == user_id


class UsersHandlers:
    """Operations tagged `users`, each in its request's unit of work (`db`)."""

    def __init__(self, *, passwords: Passwords, limiter: RateLimiter, per_account: int) -> None:
        self.passwords = passwords
        self.limiter = limiter
        self.per_account = per_account

    async def register_user(
        self, *, body: models.UserRegistration, context: RequestContext = CONTEXT
    ) -> (
        results.RegisterUserCreated
        | results.RegisterUserBadRequest
        | results.RegisterUserConflict
        | results.RegisterUserTooManyRequests
    ):
        """POST /users: a new active account with the role `user`."""
        if issues := account_issues(body):
            return results.RegisterUserBadRequest(body=problems.validation_error(issues))
        decision = await self.limiter.hit(f"register:{email_key(body.email)}", self.per_account)
        if not decision.allowed:
            return results.RegisterUserTooManyRequests(
                body=too_many(decision.retry_after), retry_after=decision.retry_after
            )
        password_hash = await self.passwords.hash(body.password)
        session = session_of(context)
        if await find_by_email(session, body.email) is not None:
            return results.RegisterUserConflict(body=problems.email_taken())
        now = utcnow()
        row = UserRow(
            id=uuid.uuid4(),
            email=body.email,
            email_key=email_key(body.email),
            display_name=body.display_name,
            password_hash=password_hash,
            role_user=True,
            role_admin=False,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        if not await flush_or_conflict(session):
            return results.RegisterUserConflict(body=problems.email_taken())
        return results.RegisterUserCreated(body=to_model(row), location=f"{USERS_PATH}{row.id}")

    async def get_current_user(
        self, *, principal: Principal, context: RequestContext = CONTEXT
    ) -> results.GetCurrentUserOk | results.GetCurrentUserUnauthorized:
        """GET /users/me."""
        caller = await load_caller(session_of(context), principal)
        if caller is None:
            return results.GetCurrentUserUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        return results.GetCurrentUserOk(body=to_model(caller.row))

    async def update_current_user(
        self, *, body: models.UserUpdate, principal: Principal, context: RequestContext = CONTEXT
    ) -> (
        results.UpdateCurrentUserOk
        | results.UpdateCurrentUserBadRequest
        | results.UpdateCurrentUserUnauthorized
        | results.UpdateCurrentUserConflict
    ):
        """PATCH /users/me: email and display name only."""
        if not body.model_fields_set:
            return results.UpdateCurrentUserBadRequest(body=problems.empty_update())
        if issues := account_issues(body):
            return results.UpdateCurrentUserBadRequest(body=problems.validation_error(issues))
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.UpdateCurrentUserUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        outcome = await update_account(session, caller.row, body)
        if outcome is not Outcome.DONE:
            return results.UpdateCurrentUserConflict(body=problems.email_taken())
        return results.UpdateCurrentUserOk(body=to_model(caller.row))

    async def change_password(
        self,
        *,
        body: models.PasswordChange,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.ChangePasswordNoContent
        | results.ChangePasswordUnauthorized
        | results.ChangePasswordForbidden
        | results.ChangePasswordTooManyRequests
    ):
        """POST /users/me/password: check the current password, store the new one, revoke
        every refresh token of the account."""
        decision = await self.limiter.hit(f"password:{principal.subject}", self.per_account)
        if not decision.allowed:
            return results.ChangePasswordTooManyRequests(
                body=too_many(decision.retry_after), retry_after=decision.retry_after
            )
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.ChangePasswordUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        await release(session)  # hash work happens with no connection held: the slow part
        verdict = await self.passwords.verify(body.current_password, caller.row.password_hash)
        if not verdict.valid:
            return results.ChangePasswordForbidden(
                body=problems.problem(
                    403,
                    "Invalid current password",
                    "The current password is not correct.",
                    kind="invalid-current-password",
                )
            )
        new_hash = await self.passwords.hash(body.new_password)
        if not await set_password_hash(session, caller.row.id, new_hash):  # changed nothing
            return results.ChangePasswordUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        await revoke_account(session, caller.row.id)
        return results.ChangePasswordNoContent()

    async def get_user(
        self, *, user_id: uuid.UUID, principal: Principal, context: RequestContext = CONTEXT
    ) -> (
        results.GetUserOk
        | results.GetUserUnauthorized
        | results.GetUserForbidden
        | results.GetUserNotFound
    ):
        """GET /users/{user_id}: your own account, or any account for an admin."""
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.GetUserUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        visible = _visible(caller, user_id, "users:read")
        if visible is None:
            return results.GetUserForbidden(body=problems.insufficient_scope("users:read"))
        row = await session.get(UserRow, user_id) if visible else None
        if row is None:
            return results.GetUserNotFound(body=problems.not_found(user_id))
        return results.GetUserOk(body=to_model(row))

    async def delete_user(
        self, *, user_id: uuid.UUID, principal: Principal, context: RequestContext = CONTEXT
    ) -> (
        results.DeleteUserNoContent
        | results.DeleteUserUnauthorized
        | results.DeleteUserForbidden
        | results.DeleteUserNotFound
        | results.DeleteUserConflict
    ):
        """DELETE /users/{user_id}: your own account, or any account for an admin."""
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.DeleteUserUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        visible = _visible(caller, user_id, "users:write")
        if visible is None:
            return results.DeleteUserForbidden(body=problems.insufficient_scope("users:write"))
        row = await session.get(UserRow, user_id) if visible else None
        if row is None:
            return results.DeleteUserNotFound(body=problems.not_found(user_id))
        if await delete_account(session, row) is Outcome.LAST_ADMIN:
            return results.DeleteUserConflict(body=problems.last_admin())
        return results.DeleteUserNoContent()

    async def update_user(
        self,
        *,
        user_id: uuid.UUID,
        body: models.UserAdminUpdate,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.UpdateUserOk
        | results.UpdateUserBadRequest
        | results.UpdateUserUnauthorized
        | results.UpdateUserForbidden
        | results.UpdateUserNotFound
        | results.UpdateUserConflict
    ):
        """PATCH /users/{user_id}: owners change email and display name; admins anything."""
        if not body.model_fields_set:
            return results.UpdateUserBadRequest(body=problems.empty_update())
        if issues := account_issues(body):
            return results.UpdateUserBadRequest(body=problems.validation_error(issues))
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.UpdateUserUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        visible = _visible(caller, user_id, "users:write")
        if visible is None:
            return results.UpdateUserForbidden(body=problems.insufficient_scope("users:write"))
        row = await session.get(UserRow, user_id) if visible else None
        if row is None:
            return results.UpdateUserNotFound(body=problems.not_found(user_id))
        if not caller.is_admin and (body.roles is not MISSING or body.is_active is not MISSING):
            return results.UpdateUserForbidden(body=problems.admin_only_field())
        outcome = await update_account(session, row, body)
        if outcome is Outcome.LAST_ADMIN:
            return results.UpdateUserConflict(body=problems.last_admin())
        if outcome is Outcome.EMAIL_TAKEN:
            return results.UpdateUserConflict(body=problems.email_taken())
        return results.UpdateUserOk(body=to_model(row))
