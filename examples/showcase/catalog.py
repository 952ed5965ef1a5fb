"""Books as the API shows them: the `Book` model, its ETag, search, filters and sorting."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import MISSING

from generated.showcase import models

from .store import BookRecord, Store

BRANCH = re.compile(r"[A-Z]{3}")
# RFC 3986: a scheme, then only ASCII URI characters and %-escapes. `format: uri` is not
# checked by the generated models.
URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*"
)


def to_model(store: Store, book: BookRecord) -> models.Book:
    """The `Book` for a record; optional fields the client left out stay out."""
    f = book.fields
    return models.Book(
        id=book.id,
        title=f.title,
        subtitle=None if f.subtitle is MISSING else f.subtitle,
        authors=list(f.authors),
        isbn=f.isbn,
        class_=f.class_,
        format=f.format,
        edition=f.edition,
        language=f.language,
        genres=list(f.genres),
        tags=list(f.tags),
        published_on=f.published_on,
        replacement_cost=f.replacement_cost,
        homepage=f.homepage,
        copies_by_branch=dict(f.copies_by_branch),
        available_copies=store.available_copies(book),
        has_file=book.file is not None,
        created_at=book.created_at,
        updated_at=book.updated_at,
    )


def etag(book: models.Book) -> str:
    """A strong ETag of the representation (RFC 9110 §8.8.3), so any change gives a new one.

    The shape `"<id>-<hash>"` matches the contract's `^(W/)?"[\\x21\\x23-\\x7E]*"$`.
    """
    digest = hashlib.sha256(book.model_dump_json(by_alias=True, exclude_unset=True).encode())
    return f'"{book.id}-{digest.hexdigest()[:16]}"'


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def none_match(header: str | None, current: str) -> bool:
    """`If-None-Match` holds the current ETag (weak comparison, RFC 9110 §13.1.2).

    >>> none_match('W/"1-a", "2-b"', '"2-b"'), none_match('"1-a"', '"2-b"'), none_match("*", '"x"')
    (True, False, True)
    """
    if header is None:
        return False
    tags = _tags(header)
    return "*" in tags or current.removeprefix("W/") in {t.removeprefix("W/") for t in tags}


def if_match(header: str, current: str) -> bool:
    """`If-Match` holds the current ETag (strong comparison: weak tags never match, §13.1.1).

    >>> if_match('"1-a"', '"1-a"'), if_match('W/"1-a"', '"1-a"'), if_match("*", '"1-a"')
    (True, False, True)
    """
    tags = _tags(header)
    return "*" in tags or current in tags


def input_issues(body: models.BookInput) -> list[tuple[str, str]]:
    """What the generated model lets through but the contract forbids, as `(field, issue)`."""
    issues = [
        (f"body.copies_by_branch.{code}", "Branch codes are three capital letters.")
        for code in body.copies_by_branch
        if not BRANCH.fullmatch(code)
    ]
    if body.homepage is not MISSING and not URI.fullmatch(body.homepage):
        issues.append(("body.homepage", "Must be an absolute URI."))
    return issues


@dataclass(frozen=True)
class Filters:
    """The filters of `listBooks`; every one given must hold."""

    q: str | None = None
    genres: Sequence[models.Genre] | None = None
    ids: Sequence[int] | None = None
    languages: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    published: models.DateRange | None = None
    members_too: bool = False

    def match(self, book: BookRecord) -> bool:
        """Whether the book passes every filter."""
        f = book.fields
        return (
            (self.members_too or not book.members_only)
            and (self.q is None or _mentions(book, self.q))
            and (not self.genres or bool(set(self.genres) & set(f.genres)))
            and (self.ids is None or book.id in self.ids)
            and (self.languages is None or f.language in self.languages)
            and (self.tags is None or set(self.tags) <= set(f.tags))
            and (self.published is None or _within(f.published_on, self.published))
        )


def _mentions(book: BookRecord, q: str) -> bool:
    """Every word of `q` occurs in the title, subtitle or an author's name (any case)."""
    f = book.fields
    subtitle = "" if f.subtitle is MISSING or f.subtitle is None else f.subtitle
    text = " ".join([f.title, subtitle, *f.authors]).casefold()
    return all(word in text for word in q.casefold().split())


def _within(day: date | object, bounds: models.DateRange) -> bool:
    if not isinstance(day, date):
        return False  # a book without a publication date is in no range
    start = None if bounds.from_ is MISSING else bounds.from_
    end = None if bounds.to is MISSING else bounds.to
    return (start is None or start <= day) and (end is None or day <= end)


def sort_books(books: Iterable[BookRecord], key: str) -> list[BookRecord]:
    """Sorted by `title` or `published_on`, `-` for descending; ties (and undated books) by id.

    Books without a publication date come last in both directions.
    """
    descending = key.startswith("-")
    ordered = sorted(books, key=lambda b: b.id)  # the tie-break, kept by the stable sorts
    if key.lstrip("-") == "title":
        return sorted(ordered, key=lambda b: b.fields.title.casefold(), reverse=descending)
    dated = [b for b in ordered if isinstance(b.fields.published_on, date)]
    undated = [b for b in ordered if not isinstance(b.fields.published_on, date)]
    dated.sort(key=lambda b: _day(b), reverse=descending)
    return dated + undated


def _day(book: BookRecord) -> date:
    day = book.fields.published_on
    assert isinstance(day, date)
    return day
