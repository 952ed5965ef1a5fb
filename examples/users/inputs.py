"""Text the contract may let through but the database cannot store (issue 22).

The generated runtime has already held every request to the contract. What that cannot cover:

- PostgreSQL refuses a NUL character in `text`/`varchar` (SQLite stores it silently), so a
  NUL anywhere that reaches a query would be a 500;
- emails are compared case-folded (`tables.email_key`), and folding can lengthen a string
  (`ß` → `ss`), past the 254 characters the column holds.

(Control, format and line-separator characters in a display name, log and header injection
material, are refused by the contract's own `DisplayName` pattern: issue 22.) The contract's
`format: email` and the list filter's pattern admit neither case today; these checks keep
that true should the contract loosen.

Each check returns what is wrong (a message that never echoes the value) or None. Handlers turn
the messages into the contract's `400 validation-error` problem (`problems.validation_error`),
or `invalid_request` on the token endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import MISSING

from generated.users import models

EMAIL_KEY_MAX = 254  # the width of users.email_key, and the contract's `maxLength`
NUL = "\x00"


def storable(value: str) -> str | None:
    """Why the database cannot store `value` (a NUL character), or None.

    >>> storable("a\\x00b")
    'must not contain the NUL character'
    """
    return "must not contain the NUL character" if NUL in value else None


def email_problem(email: str) -> str | None:
    """Why `email` cannot be an account's address here, or None.

    >>> email_problem("ß" * 200 + "@example.com")
    'must not be longer than 254 characters once case-folded'
    """
    if NUL in email:
        return storable(email)
    if len(email.casefold()) > EMAIL_KEY_MAX:
        return f"must not be longer than {EMAIL_KEY_MAX} characters once case-folded"
    return None


def account_issues(
    body: models.UserRegistration | models.UserUpdate | models.UserAdminUpdate,
) -> Mapping[str, str]:
    """`{pointer: message}` for the email of a registration or an update.

    The display name's pattern already refuses what must not be stored or shown (NUL,
    controls), and the password is only ever hashed, so any text the contract allows is fine.
    """
    found: dict[str, str] = {}
    if body.email is not MISSING and (problem := email_problem(body.email)):
        found["/email"] = problem
    return found
