"""`AdminApi`: the paginated, filtered and sorted list of accounts."""

from __future__ import annotations

import math
from datetime import MINYEAR, UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, false, func, select

from generated.users import CONTEXT, Principal, RequestContext, models, results

from . import problems
from .accounts import load_caller, to_model
from .db import session_of
from .inputs import storable
from .problems import INVALID_TOKEN
from .tables import UserRow

Sort = Literal["created_at", "-created_at", "email", "-email", "display_name", "-display_name"]
LIST_PATH = "/api/v1/users"
# Sort keys and their columns; `email` sorts case-insensitively, like it compares.
SORT_COLUMNS = {
    "created_at": UserRow.created_at,
    "email": UserRow.email_key,
    "display_name": UserRow.display_name,
}


def as_utc(instant: datetime) -> datetime:
    """`instant` in UTC; one that UTC cannot hold in `datetime`'s range clamps to the nearest end.

    An offset moves an instant near either end of the range outside it, and both ends lie
    beyond any account's `created_at`, so clamping keeps the filter's meaning:

    >>> as_utc(datetime.fromisoformat("0001-01-01T00:00:00+01:00")).isoformat()
    '0001-01-01T00:00:00+00:00'
    """
    try:
        return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)
    except OverflowError:
        edge = datetime.min if instant.year == MINYEAR else datetime.max
        return edge.replace(tzinfo=UTC)


def _filters(
    email: str | None,
    role: models.Role | None,
    is_active: bool | None,
    created_after: datetime | None,
    created_before: datetime | None,
) -> list[ColumnElement[bool]]:
    """WHERE clauses, ANDed; an empty date range is no error, it just matches nothing."""
    where: list[ColumnElement[bool]] = []
    if email is not None:
        where.append(UserRow.email_key.contains(email.casefold(), autoescape=True))
    if role is not None:
        flag = UserRow.role_admin if role is models.Role.ADMIN else UserRow.role_user
        where.append(flag.is_(True))
    if is_active is not None:
        where.append(UserRow.is_active.is_(is_active))
    if created_after is not None:
        where.append(UserRow.created_at >= as_utc(created_after))
    if created_before is not None:
        where.append(UserRow.created_at < as_utc(created_before))
    if created_after is not None and created_before is not None and created_after >= created_before:
        where.append(false())
    return where


def _ordered(query: Select[Any], sort: Sort) -> Select[Any]:
    """ORDER BY the key, then `id` in the same direction, so pages are stable."""
    column = SORT_COLUMNS[sort.removeprefix("-")]
    if sort.startswith("-"):
        return query.order_by(column.desc(), UserRow.id.desc())
    return query.order_by(column.asc(), UserRow.id.asc())


def link_header(params: dict[str, str], page: int, per_page: int, total: int) -> str:
    """RFC 8288 `first`, `prev`, `next` and `last` links that keep the filters.

    >>> link_header({"sort": "email"}, 2, 10, 25).split(", ")[1]
    '</api/v1/users?sort=email&page=1&per_page=10>; rel="prev"'
    """
    last = max(1, math.ceil(total / per_page))
    pages = {"first": 1, "prev": min(page - 1, last), "next": page + 1, "last": last}
    if page <= 1:
        del pages["prev"]
    if page >= last:
        del pages["next"]
    return ", ".join(
        f'<{LIST_PATH}?{urlencode({**params, "page": n, "per_page": per_page})}>; rel="{rel}"'
        for rel, n in pages.items()
    )


class AdminHandlers:
    """Operations tagged `admin`; the caller must hold the `admin` scope and role."""

    async def list_users(
        self,
        *,
        page: int,
        per_page: int,
        email: str | None,
        role: models.Role | None,
        is_active: bool | None,
        created_after: datetime | None,
        created_before: datetime | None,
        sort: Sort,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.ListUsersOk
        | results.ListUsersBadRequest
        | results.ListUsersUnauthorized
        | results.ListUsersForbidden
    ):
        """GET /users: one page, the total, and pagination links."""
        if email is not None and (problem := storable(email)):
            return results.ListUsersBadRequest(body=problems.validation_error({"?email": problem}))
        where = _filters(email, role, is_active, created_after, created_before)
        session = session_of(context)
        caller = await load_caller(session, principal)
        if caller is None:
            return results.ListUsersUnauthorized(
                body=problems.unauthorized(), www_authenticate=INVALID_TOKEN
            )
        if not caller.is_admin:
            return results.ListUsersForbidden(body=problems.insufficient_scope("admin"))
        total = (
            await session.execute(select(func.count()).select_from(UserRow).where(*where))
        ).scalar_one()
        query = _ordered(select(UserRow).where(*where), sort)
        rows = (
            await session.execute(query.offset((page - 1) * per_page).limit(per_page))
        ).scalars()
        items = [to_model(row) for row in rows]
        params = {
            key: value
            for key, value in (
                ("email", email),
                ("role", role.value if role else None),
                ("is_active", None if is_active is None else str(is_active).lower()),
                ("created_after", created_after.isoformat() if created_after else None),
                ("created_before", created_before.isoformat() if created_before else None),
                ("sort", sort),
            )
            if value is not None
        }
        body = models.UserPage(items=items, page=page, per_page=per_page, total=int(total))
        return results.ListUsersOk(body=body, link=link_header(params, page, per_page, int(total)))
