"""The in-memory store: books, members, loans and import jobs of one process.

Handlers do not await between reading and writing the store (registration, which hashes in
a thread, checks again afterwards), so on one event loop no lock is needed. Records keep the generated models where the contract defines the shape
(`BookInput` for a book's client-controlled fields, the `Delivery` variants for loans).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from generated.showcase import models

Delivery = models.PickupDelivery | models.PostalDelivery | models.DigitalDelivery


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass
class Media:
    """A book's cover and sample pages, as uploaded."""

    cover: bytes
    cover_extension: str  # png | jpg
    alt_text: str
    sample_pages: list[bytes]
    version: int


@dataclass
class BookRecord:
    """A book: what the client controls plus what the library keeps about it."""

    id: int
    fields: models.BookInput
    created_at: datetime
    updated_at: datetime
    members_only: bool = False  # hidden from anonymous callers of listBooks
    reserved: bool = False  # someone is waiting for it: loans of it cannot be renewed
    media: Media | None = None
    file: bytes | None = None


@dataclass
class MemberRecord:
    """A member account; `password_hash` is a pwdlib (argon2) hash, never the password."""

    id: UUID
    email: str
    display_name: str
    password_hash: str | None
    newsletter: bool
    locale: models.MemberLocale
    created_at: datetime


@dataclass
class LoanRecord:
    """One loan of one copy to one member."""

    id: UUID
    book_id: int
    member_id: UUID
    delivery: Delivery
    borrowed_at: datetime
    due_on: date
    returned_at: datetime | None = None
    renewals: int = 0


@dataclass
class ImportRecord:
    """An import job as requested; its progress follows from the clock (`imports.progress`)."""

    id: UUID
    owner: str  # the credential's subject: only it may watch the job
    request: models.ImportRequest
    requested_from: str
    requested_at: datetime
    queued_for: timedelta
    runs_for: timedelta


@dataclass
class Store:
    """Everything the service knows, keyed by id."""

    clock: Callable[[], datetime] = utcnow
    first_book_id: int = 1001
    books: dict[int, BookRecord] = field(default_factory=dict)
    members: dict[UUID, MemberRecord] = field(default_factory=dict)
    subjects: dict[str, UUID] = field(default_factory=dict)  # credential subject -> member
    loans: dict[UUID, LoanRecord] = field(default_factory=dict)
    imports: dict[UUID, ImportRecord] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._book_ids = itertools.count(self.first_book_id)

    def now(self) -> datetime:
        """The store's clock (UTC)."""
        return self.clock()

    def add_book(
        self, fields: models.BookInput, *, members_only: bool = False, reserved: bool = False
    ) -> BookRecord:
        """A new book with the next id."""
        now = self.now()
        book = BookRecord(next(self._book_ids), fields, now, now, members_only, reserved)
        self.books[book.id] = book
        return book

    def book_with_isbn(self, isbn: str, *, other_than: int | None = None) -> BookRecord | None:
        """The book with this ISBN, ignoring `other_than`."""
        return next(
            (b for b in self.books.values() if b.fields.isbn == isbn and b.id != other_than),
            None,
        )

    def active_loans(self, *, book_id: int | None = None, member_id: UUID | None = None) -> int:
        """How many loans are not returned yet, of a book or of a member."""
        return sum(
            1
            for loan in self.loans.values()
            if loan.returned_at is None
            and (book_id is None or loan.book_id == book_id)
            and (member_id is None or loan.member_id == member_id)
        )

    def has_active_loan(self, member_id: UUID, book_id: int) -> bool:
        """Whether the member has the book on loan right now."""
        return self.active_loans(book_id=book_id, member_id=member_id) > 0

    def available_copies(self, book: BookRecord) -> int:
        """Copies on the shelf: all copies at every branch minus those on loan."""
        total = sum(book.fields.copies_by_branch.values())
        return max(0, total - self.active_loans(book_id=book.id))

    def member_with_email(self, email: str) -> MemberRecord | None:
        """The member registered with this address (compared case-insensitively)."""
        key = email.casefold()
        return next((m for m in self.members.values() if m.email.casefold() == key), None)

    def add_member(
        self,
        *,
        email: str,
        display_name: str,
        password_hash: str | None,
        newsletter: bool = False,
        locale: models.MemberLocale = models.MemberLocale.EN,
        member_id: UUID | None = None,
    ) -> MemberRecord:
        """A new member account."""
        member = MemberRecord(
            member_id or uuid4(),
            email,
            display_name,
            password_hash,
            newsletter,
            locale,
            self.now(),
        )
        self.members[member.id] = member
        return member
