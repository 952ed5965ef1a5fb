"""A little sample data: six books, one member with one loan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from generated.showcase import models

from .store import LoanRecord, Store

SAMPLE_MEMBER_ID = UUID("6f1c2a4e-0b7d-4c55-9a3e-2d8f4b6c1e07")
SAMPLE_LOAN_ID = UUID("3c5e7a9b-1d2f-4a6b-8c0d-e1f2a3b4c5d6")

BOOKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Sketch of the Analytical Engine",
        "authors": ["Luigi Menabrea", "Ada Lovelace"],
        "isbn": "9780000000101",
        "class": "510.92",
        "format": "hardcover",
        "edition": 1,
        "language": "en",
        "genres": ["science", "history"],
        "tags": ["classic", "computing"],
        "published_on": "1843-09-01",
        "replacement_cost": 24.5,
        "copies_by_branch": {"CEN": 2, "NTH": 1},
    },
    {
        "title": "Les Fleurs du mal",
        "authors": ["Charles Baudelaire"],
        "isbn": "9780000000118",
        "class": "841.8",
        "format": "paperback",
        "language": "fr",
        "genres": ["poetry"],
        "tags": ["classic"],
        "published_on": "1857-06-25",
        "copies_by_branch": {"CEN": 1},
    },
    {
        "title": "Structure and Interpretation of Computer Programs",
        "authors": ["Harold Abelson", "Gerald Jay Sussman"],
        "isbn": "9780000000125",
        "class": "005.1",
        "format": "ebook",
        "edition": "Second edition",
        "language": "en",
        "genres": ["science", "reference"],
        "tags": ["computing", "award-winner"],
        "published_on": "1996-07-25",
        "homepage": "https://example.org/sicp",
        "copies_by_branch": {"CEN": 3},
    },
    {
        "title": "Faust",
        "subtitle": "Der Tragödie erster Teil",
        "authors": ["Johann Wolfgang von Goethe"],
        "isbn": "9780000000132",
        "class": "832.6",
        "language": "de",
        "genres": ["drama", "fiction"],
        "published_on": "1808-01-01",
        "copies_by_branch": {"NTH": 1},
    },
    {
        "title": "The Very Hungry Caterpillar",
        "authors": ["Eric Carle"],
        "isbn": "9780000000149",
        "format": "hardcover",
        "language": "en",
        "genres": ["children", "fiction"],
        "tags": ["picture-book"],
        "published_on": "1969-06-03",
        "copies_by_branch": {"CEN": 2, "STH": 2},
    },
    {
        "title": "A Local History of the Reading Room",
        "authors": ["Library Staff"],
        "isbn": "9780000000156",
        "class": "027.4",
        "language": "en",
        "genres": ["history"],
        "copies_by_branch": {"CEN": 1},
    },
)


def seed(store: Store) -> None:
    """Fill an empty store: the last book is for members only, Faust is reserved."""
    books = [store.add_book(models.BookInput.model_validate(data)) for data in BOOKS]
    books[-1].members_only = True
    books[3].reserved = True
    books[2].file = b"PK\x03\x04 sample EPUB container"
    member = store.add_member(
        email="grace@example.org",
        display_name="Grace",
        password_hash=None,
        newsletter=True,
        member_id=SAMPLE_MEMBER_ID,
    )
    now = store.now()
    store.loans[SAMPLE_LOAN_ID] = LoanRecord(
        id=SAMPLE_LOAN_ID,
        book_id=books[2].id,
        member_id=member.id,
        delivery=models.DigitalDelivery(method="digital", email=member.email),
        borrowed_at=now,
        due_on=now.date() + timedelta(days=14),
    )
