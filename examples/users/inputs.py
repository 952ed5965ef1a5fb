"""Text the contract lets through but this service must not store or show (issue 22).

The generated runtime has already held every request to the contract. What it cannot know:

- PostgreSQL refuses a NUL character in `text`/`varchar` (SQLite stores it silently), so a
  NUL anywhere that reaches a query would be a 500;
- emails are compared case-folded (`tables.email_key`), and folding can lengthen a string
  (`ß` → `ss`), past the 254 characters the column holds;
- `DisplayName`'s pattern (`^\\S(.*\\S)?$`) stops LF only, while a name is shown to other people
  and written to logs, where CR, U+2028, U+0085, BEL or a bidi override are injection material.

Each check returns what is wrong (a message that never echoes the value) or None. Handlers turn
the messages into the contract's `400 validation-error` problem (`problems.validation_error`),
or `invalid_request` on the token endpoint.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from pydantic import MISSING

from generated.users import models

EMAIL_KEY_MAX = 254  # the width of users.email_key, and the contract's `maxLength`
# Format characters (Cf) a real name needs: the joiners of emoji sequences and of scripts
# such as Persian or Devanagari, and the tag characters of subdivision flag emoji.
_NAME_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"}) | frozenset(
    chr(c) for c in range(0xE0020, 0xE0080)
)
# Cc: C0/C1 controls (NUL, BEL, CR, ESC, U+0085...); Zl, Zp: U+2028, U+2029; Cs: lone
# surrogates; Co: private use, which renders as anything.
_NAME_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs", "Co"})
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


def display_name_problem(name: str) -> str | None:
    """Why `name` cannot be shown to people and written to logs, or None.

    >>> display_name_problem("Eve\\u2028Admin")
    'must not contain control, format or line-separator characters'
    >>> display_name_problem("Ada \\U0001f469\\u200d\\U0001f4bb") is None
    True
    """
    for char in name:
        category = unicodedata.category(char)
        if category in _NAME_REFUSED_CATEGORIES or (
            category == "Cf" and char not in _NAME_FORMAT_CHARACTERS
        ):
            return "must not contain control, format or line-separator characters"
    return None


def account_issues(
    body: models.UserRegistration | models.UserUpdate | models.UserAdminUpdate,
) -> Mapping[str, str]:
    """`{pointer: message}` for the email and display name of a registration or an update.

    The password of a registration is only ever hashed, so any text the contract allows is fine.
    """
    found: dict[str, str] = {}
    if body.email is not MISSING and (problem := email_problem(body.email)):
        found["/email"] = problem
    if body.display_name is not MISSING and (problem := display_name_problem(body.display_name)):
        found["/display_name"] = problem
    return found
