"""The `Error` bodies this service answers with (contract, "Errors")."""

from __future__ import annotations

from generated.showcase import models


def error(code: str, message: str) -> models.Error:
    """An error body with a stable `code`.

    >>> error("not_found", "There is no book 42.").model_dump()
    {'code': 'not_found', 'message': 'There is no book 42.'}
    """
    return models.Error(code=code, message=message)


def invalid(*issues: tuple[str, str]) -> models.Error:
    """400 `validation_failed` with one `details` entry per `(field, issue)`.

    >>> invalid(("body.password", "Field required")).details[0].field
    'body.password'
    """
    count = len(issues)
    noun = "field" if count == 1 else "fields"
    return models.Error(
        code="validation_failed",
        message=f"The request has {count} invalid {noun}.",
        details=[models.ErrorDetailsItem(field=f, issue=i) for f, i in issues],
    )


def not_found(what: str) -> models.Error:
    """404 `not_found`: the resource does not exist or the caller may not see it."""
    return error("not_found", f"There is no {what}.")


def insufficient_scope(scope: str) -> models.Error:
    """403 `insufficient_scope`: the credentials lack a scope the operation needs."""
    return error("insufficient_scope", f"This operation requires the scope {scope}.")


def rate_limited(retry_after: int) -> models.Error:
    """429 `rate_limited`."""
    return error("rate_limited", f"Too many requests; try again in {retry_after} seconds.")


def too_large(limit: str) -> models.Error:
    """413 `payload_too_large`."""
    return error("payload_too_large", f"The request body must not exceed {limit}.")


def unsupported_part(part: str, allowed: str) -> models.Error:
    """415 `unsupported_media_type` for one multipart part."""
    return error("unsupported_media_type", f"The part {part} must be sent as {allowed}.")
