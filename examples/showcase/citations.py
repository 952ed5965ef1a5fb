"""Bibliographic citations of a book in APA, MLA and Chicago style, as one line of text."""

from __future__ import annotations

from datetime import date

from pydantic import MISSING

from generated.showcase import models

MAX_LENGTH = 2000  # the contract's `maxLength` of the citation


def cite(book: models.Book, style: str) -> str:
    """The citation of `book` in `style` (`apa`, `mla` or `chicago`).

    >>> b = models.Book(id=1, title="Notes", subtitle=None, authors=["Ada Lovelace"],
    ...     isbn="9780000000002", format="hardcover", edition=1, language="en", genres=[],
    ...     tags=[], published_on=date(1843, 9, 1), copies_by_branch={}, available_copies=0,
    ...     has_file=False, created_at="2025-05-01T12:00:00Z", updated_at="2025-05-01T12:00:00Z")
    >>> cite(b, "apa")
    'Lovelace, A. (1843). Notes (1st ed.).'
    >>> cite(b, "mla")
    'Lovelace, Ada. Notes. 1st ed., 1843.'
    """
    title = _line(book.title) or "[Untitled]"
    if book.subtitle:
        title = f"{title}: {_line(book.subtitle)}"
    year = str(book.published_on.year) if isinstance(book.published_on, date) else None
    edition = _edition(book.edition)
    names = [_name(a) for a in book.authors]
    if style == "apa":
        text = _apa(names, title, year, edition)
    elif style == "mla":
        text = _mla(names, title, year, edition)
    else:
        text = _chicago(names, title, year, edition)
    return text[:MAX_LENGTH]


def _line(text: str) -> str:
    """All whitespace (newlines too) as single spaces: a citation is one line."""
    return " ".join(text.split())


def _name(author: str) -> tuple[str, str]:
    """`("Lovelace", "Ada")` from `Ada Lovelace`; one-word names have no given name."""
    words = _line(author).split(" ")
    if len(words) == 1:
        return words[0] or "Anonymous", ""
    return words[-1], " ".join(words[:-1])


def _ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `11th`, `22nd`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _edition(edition: int | str | object) -> str | None:
    if edition is MISSING:
        return None
    if isinstance(edition, int):
        return f"{_ordinal(edition)} ed."
    return _line(str(edition)) or None


def _inverted(name: tuple[str, str]) -> str:
    family, given = name
    return f"{family}, {given}" if given else family


def _natural(name: tuple[str, str]) -> str:
    family, given = name
    return f"{given} {family}" if given else family


def _apa(names: list[tuple[str, str]], title: str, year: str | None, ed: str | None) -> str:
    def initials(given: str) -> str:
        return " ".join(f"{w[0]}." for w in given.split())

    authors = [f"{f}, {initials(g)}" if g else f for f, g in names]
    if len(authors) > 1:
        authors[-1] = f"& {authors[-1]}"
    by = ", ".join(authors)  # APA 7: "A, B, & C" and "A, & B"
    edition = f" ({ed})" if ed else ""
    return f"{by} ({year or 'n.d.'}). {title}{edition}."


def _mla(names: list[tuple[str, str]], title: str, year: str | None, ed: str | None) -> str:
    if len(names) == 1:
        by = _inverted(names[0])
    elif len(names) == 2:
        by = f"{_inverted(names[0])}, and {_natural(names[1])}"
    else:
        by = f"{_inverted(names[0])}, et al"
    tail = ", ".join(p for p in (ed, year) if p)
    return f"{by.rstrip('.')}. {title}." + (f" {tail}." if tail else "")


def _chicago(names: list[tuple[str, str]], title: str, year: str | None, ed: str | None) -> str:
    if len(names) == 1:
        by = _inverted(names[0])
    elif len(names) <= 3:
        rest = [_natural(n) for n in names[1:]]
        by = ", ".join([_inverted(names[0]), *rest[:-1]]) + f", and {rest[-1]}"
    else:
        by = f"{_inverted(names[0])}, et al"
    parts = [p for p in (ed, year) if p]
    tail = " ".join(f"{p.rstrip('.')}." for p in parts)
    return f"{by.rstrip('.')}. {title}." + (f" {tail}" if tail else "")
