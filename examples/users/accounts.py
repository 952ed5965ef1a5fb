"""Account rules shared by the handlers: who the caller is, views, updates, the last admin."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from pydantic import MISSING
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from generated.users import Principal, models

from .db import affected
from .tables import UserRow, email_key, utcnow
from .tokens import ADMIN_SCOPE, revoke_account


@dataclass(frozen=True)
class Caller:
    """The signed-in account. `is_admin` needs the `admin` scope *and* the role right now,
    so a demoted admin's unexpired token stops granting admin rights at once."""

    row: UserRow
    scopes: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN_SCOPE in self.scopes and self.row.role_admin

    def may(self, scope: str) -> bool:
        """True when the token carries `scope` (admins may do everything users may)."""
        return scope in self.scopes or self.is_admin


class Outcome(enum.Enum):
    """How a change to an account ended."""

    DONE = "done"
    EMAIL_TAKEN = "email-taken"
    LAST_ADMIN = "last-admin"


async def load_caller(session: AsyncSession, principal: Principal) -> Caller | None:
    """The caller's account, or None when it was deleted or deactivated since the token."""
    try:
        user_id = uuid.UUID(principal.subject)
    except ValueError:
        return None
    row = await session.get(UserRow, user_id)
    if row is None or not row.is_active:
        return None
    return Caller(row, principal.scopes)


async def find_by_email(session: AsyncSession, email: str) -> UserRow | None:
    """The account with this email address, compared case-insensitively."""
    query = select(UserRow).where(UserRow.email_key == email_key(email))
    return (await session.execute(query)).scalar_one_or_none()


def roles_of(row: UserRow) -> list[models.Role]:
    """The row's roles in contract order (`user`, then `admin`)."""
    return [
        r
        for r, on in ((models.Role.USER, row.role_user), (models.Role.ADMIN, row.role_admin))
        if on
    ]


def to_model(row: UserRow) -> models.User:
    """The account as the contract shows it: never the password hash."""
    return models.User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        roles=roles_of(row),
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def flush_or_conflict(session: AsyncSession) -> bool:
    """Send the pending writes; False (everything rolled back) when a constraint refused them.

    Callers know which constraint that can be (a unique email, a since-deleted account); any
    other failure propagates and answers 500, never 2xx. SQLite and PostgreSQL check these
    constraints per statement (none is deferred), so the commit cannot refuse them later.
    """
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def set_password_hash(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> bool:
    """Store a new hash for an active account; False when it is gone or deactivated."""
    result = await session.execute(
        update(UserRow)
        .where(UserRow.id == user_id, UserRow.is_active)
        .values(password_hash=password_hash, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return affected(result) == 1


async def _lock_active_admins(session: AsyncSession) -> None:
    """Serialise changes that may remove an admin (PostgreSQL row locks; SQLite has one writer)."""
    query = select(UserRow.id).where(UserRow.role_admin, UserRow.is_active).with_for_update()
    await session.execute(query)


async def _active_admins(session: AsyncSession) -> int:
    query = select(func.count()).select_from(UserRow).where(UserRow.role_admin, UserRow.is_active)
    return int((await session.execute(query)).scalar_one())


async def update_account(
    session: AsyncSession,
    row: UserRow,
    body: models.UserUpdate | models.UserAdminUpdate,
) -> Outcome:
    """Apply the fields present in `body`; roles and is_active only from admins.

    Anything but DONE leaves nothing written; DONE leaves the change for the request's commit.
    The caller has already checked that `body` may carry `roles`/`is_active`. The write is
    flushed before the admin count, so the count sees it while the transaction holds the
    write lock (SQLite) or the admins' row locks (PostgreSQL), until the request's commit:
    two admins demoting each other at once cannot both succeed.
    """
    roles: list[models.Role] | MISSING = MISSING
    is_active: bool | MISSING = MISSING
    if isinstance(body, models.UserAdminUpdate):
        roles, is_active = body.roles, body.is_active
    was_admin, was_active = row.is_active_admin, row.is_active
    if was_admin:
        await _lock_active_admins(session)
    if body.email is not MISSING:
        if email_key(body.email) != row.email_key and await find_by_email(session, body.email):
            return Outcome.EMAIL_TAKEN
        row.email, row.email_key = body.email, email_key(body.email)
    if body.display_name is not MISSING:
        row.display_name = body.display_name
    if roles is not MISSING:
        row.role_user, row.role_admin = models.Role.USER in roles, models.Role.ADMIN in roles
    if is_active is not MISSING:
        row.is_active = is_active
    if was_active and not row.is_active:
        await revoke_account(session, row.id)  # contract: deactivation revokes its tokens
    row.updated_at = utcnow()
    if not await flush_or_conflict(session):  # another request took the email meanwhile
        return Outcome.EMAIL_TAKEN
    if was_admin and not row.is_active_admin and await _active_admins(session) == 0:
        await session.rollback()
        return Outcome.LAST_ADMIN
    return Outcome.DONE


async def delete_account(session: AsyncSession, row: UserRow) -> Outcome:
    """Delete the account (its refresh tokens go with it, `ON DELETE CASCADE`); LAST_ADMIN
    leaves it in place."""
    was_admin = row.is_active_admin
    if was_admin:
        await _lock_active_admins(session)
    await session.delete(row)
    await session.flush()
    if was_admin and await _active_admins(session) == 0:
        await session.rollback()
        return Outcome.LAST_ADMIN
    return Outcome.DONE
