"""The problem documents this service answers with (contract, "Errors")."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import MISSING

from generated.users import models
from generated.users.security import REALM

from .logs import request_id_var

PROBLEMS = "https://example.com/problems/"
# RFC 6750 §3: the token was presented but is not (or no longer) acceptable.
INVALID_TOKEN = f'Bearer realm="{REALM}", error="invalid_token"'


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    kind: str | None = None,
    instance: str | None = None,
) -> models.Problem:
    """A problem with the current request id; `kind` names a documented problem type."""
    request_id = request_id_var.get()
    return models.Problem(
        type=PROBLEMS + kind if kind else "about:blank",
        title=title,
        status=status,
        detail=detail if detail is not None else MISSING,
        instance=instance if instance is not None else MISSING,
        request_id=request_id if request_id is not None else MISSING,
    )


def unauthorized(
    detail: str = "The access token is not valid for an active account.",
) -> models.Problem:
    """401: the token verified, but its account is gone or deactivated."""
    return problem(401, "Unauthorized", detail)


def not_found(user_id: object) -> models.Problem:
    """404, identical whether the account does not exist or is not the caller's to see."""
    return problem(404, "Not Found", instance=f"/api/v1/users/{user_id}")


def insufficient_scope(scope: str) -> models.Problem:
    """403 `insufficient-scope`."""
    return problem(
        403,
        "Insufficient scope",
        f"This operation requires the scope {scope}.",
        kind="insufficient-scope",
    )


def email_taken() -> models.Problem:
    """409 `email-taken` (the address itself is not echoed)."""
    return problem(
        409,
        "Email address already registered",
        "Another account already uses this email address.",
        kind="email-taken",
    )


def last_admin() -> models.Problem:
    """409 `last-admin`."""
    return problem(
        409,
        "Last active admin",
        "The change would leave no active account with the role admin.",
        kind="last-admin",
    )


def admin_only_field() -> models.Problem:
    """403 `admin-only-field`."""
    return problem(
        403,
        "Admin-only field",
        "Only an admin may change roles or is_active.",
        kind="admin-only-field",
    )


def validation_error(
    issues: Mapping[str, str], *, detail: str = "The request does not match the contract."
) -> models.Problem:
    """400 `validation-error`; `issues` maps a body pointer (`/email`) or a query parameter
    (`?email`) to what is wrong with it."""
    request_id = request_id_var.get()
    return models.Problem(
        type=PROBLEMS + "validation-error",
        title="Validation failed",
        status=400,
        detail=detail,
        errors=[
            models.ValidationIssue(parameter=where[1:], detail=message)
            if where.startswith("?")
            else models.ValidationIssue(pointer=where, detail=message)
            for where, message in issues.items()
        ],
        request_id=request_id if request_id is not None else MISSING,
    )


def empty_update() -> models.Problem:
    """400 `validation-error` for a body with no fields (the schemas' `minProperties: 1`)."""
    return validation_error(
        {"": "At least one field is required."},
        detail="The request body must contain at least one field.",
    )


def too_many(retry_after: int) -> models.Problem:
    """429, sent with `Retry-After: <retry_after>`."""
    return problem(
        429, "Too Many Requests", f"Too many attempts; try again in {retry_after} seconds."
    )
