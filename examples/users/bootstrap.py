"""The first admin, from `USERS_ADMIN_EMAIL` and `USERS_ADMIN_PASSWORD`, created at start-up."""

from __future__ import annotations

import logging
import uuid

from pydantic import TypeAdapter

from generated.users import models

from .accounts import find_by_email, flush_or_conflict
from .db import Database
from .passwords import Passwords
from .settings import ServiceSettings
from .tables import UserRow, email_key, utcnow

logger = logging.getLogger(__name__)


async def ensure_admin(settings: ServiceSettings, db: Database, passwords: Passwords) -> None:
    """Create the configured admin unless an account with that email already exists.

    An existing account is left alone (its password is not reset), so restarting with the
    variables still set is harmless; several workers starting at once race on the unique
    email, and the losers simply find the account there.
    """
    if settings.admin_email is None or settings.admin_password is None:
        return
    email = TypeAdapter(models.EmailAddress).validate_python(settings.admin_email)
    password = TypeAdapter(models.NewPassword).validate_python(
        settings.admin_password.get_secret_value()
    )
    display_name = TypeAdapter(models.DisplayName).validate_python(settings.admin_display_name)
    async with db.session() as session:
        if await find_by_email(session, email) is not None:
            return
    password_hash = await passwords.hash(password)
    now = utcnow()
    async with db.session() as session:
        session.add(
            UserRow(
                id=uuid.uuid4(),
                email=email,
                email_key=email_key(email),
                display_name=display_name,
                password_hash=password_hash,
                role_user=True,
                role_admin=True,
                is_active=True,
                created_at=now,
                updated_at=now,
            )
        )
        if await flush_or_conflict(session):
            await session.commit()
            logger.info("bootstrap admin account created")
