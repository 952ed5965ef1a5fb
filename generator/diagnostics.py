"""Diagnostics as values: what is wrong with a contract, where, and how bad it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

MAX_QUOTE = 60


class Level(enum.StrEnum):
    """How serious a finding is; `error` means nothing gets generated.

    `warning` fails `--strict`; `notice` (something specfirst does not generate yet, such as
    webhooks) and `info` are shown and never fail.
    """

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file, 1-based like every compiler prints it.

    >>> str(Location("specs/users.yaml", 42, 7))
    'specs/users.yaml:42:7'
    """

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a rule id, a level, a message and where it points.

    `pointer` is the RFC 6901 JSON pointer inside the bundled contract ("" is the root);
    `related` holds other locations worth naming (the first of two duplicates, say).
    """

    rule: str
    level: Level
    message: str
    pointer: str = ""
    location: Location | None = None
    related: tuple[Location, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location or Location("")
        return (loc.file, loc.line, loc.column, self.rule, self.message)


def has_errors(diagnostics: list[Diagnostic], *, strict: bool = False) -> bool:
    """True when a diagnostic blocks generation (warnings too under `strict`)."""
    return any(d.is_error or (strict and d.level is Level.WARNING) for d in diagnostics)


def quote(value: object, limit: int = MAX_QUOTE) -> str:
    """A short quoted form of a value for messages, never the whole thing.

    >>> quote("a" * 100, 10)
    "'aaaaaaaaa…'"
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
