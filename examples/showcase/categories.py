"""`CategoriesApi`: the public category tree, named in the caller's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from generated.showcase import models, results

from . import errors
from .store import BookRecord, Store

Locale = Literal["en", "fr", "de"]
Rule = Callable[[BookRecord], bool]


def genre(name: str) -> Rule:
    """Books in a genre."""
    return lambda book: models.Genre(name) in book.fields.genres


def dewey(*prefixes: str) -> Rule:
    """Books whose Dewey class starts with one of `prefixes`, e.g. `51` for mathematics."""
    return lambda book: (
        isinstance(book.fields.class_, str) and book.fields.class_.startswith(prefixes)
    )


@dataclass(frozen=True)
class Node:
    """A category: slug, names by locale, which books it holds itself, its subcategories."""

    slug: str
    names: dict[Locale, str]
    rule: Rule
    children: tuple[Node, ...] = field(default=())


TREE = (
    Node(
        "fiction",
        {"en": "Fiction", "fr": "Fiction", "de": "Belletristik"},
        genre("fiction"),
        (
            Node("poetry", {"en": "Poetry", "fr": "Poésie", "de": "Lyrik"}, genre("poetry")),
            Node("drama", {"en": "Drama", "fr": "Théâtre", "de": "Drama"}, genre("drama")),
        ),
    ),
    Node(
        "non-fiction",
        {"en": "Non-fiction", "fr": "Documentaires", "de": "Sachbuch"},
        genre("non-fiction"),
        (
            Node(
                "science",
                {"en": "Science", "fr": "Sciences", "de": "Naturwissenschaften"},
                genre("science"),
                (
                    Node(
                        "mathematics",
                        {"en": "Mathematics", "fr": "Mathématiques", "de": "Mathematik"},
                        dewey("51"),
                    ),
                    Node(
                        "computing",
                        {"en": "Computing", "fr": "Informatique", "de": "Informatik"},
                        dewey("004", "005", "006"),
                    ),
                ),
            ),
            Node(
                "history", {"en": "History", "fr": "Histoire", "de": "Geschichte"}, genre("history")
            ),
            Node(
                "reference",
                {"en": "Reference", "fr": "Ouvrages de référence", "de": "Nachschlagewerke"},
                genre("reference"),
            ),
        ),
    ),
    Node("children", {"en": "Children", "fr": "Jeunesse", "de": "Kinderbuch"}, genre("children")),
)


class CategoriesHandlers:
    """Operations tagged `categories` (public)."""

    def __init__(self, *, store: Store) -> None:
        self.store = store

    async def list_categories(self, *, locale: Locale) -> results.ListCategoriesOk:
        """GET /categories: every root with its descendants."""
        books = self._public_books()
        return results.ListCategoriesOk(
            body=[_to_model(node, None, locale, books)[0] for node in TREE],
            content_language=locale,
        )

    async def get_category(
        self, *, slug: str, locale: Locale
    ) -> results.GetCategoryOk | results.GetCategoryNotFound:
        """GET /categories/{slug}: one category with its subtree."""
        found = _find(TREE, slug, None)
        if found is None:
            return results.GetCategoryNotFound(body=errors.not_found(f"category {slug}"))
        node, parent = found
        category, _ = _to_model(node, parent, locale, self._public_books())
        return results.GetCategoryOk(body=category, content_language=locale)

    def _public_books(self) -> list[BookRecord]:
        # The tree is public: counts cover what anonymous callers may list.
        return [b for b in self.store.books.values() if not b.members_only]


def _find(nodes: tuple[Node, ...], slug: str, parent: str | None) -> tuple[Node, str | None] | None:
    for node in nodes:
        if node.slug == slug:
            return node, parent
        below = _find(node.children, slug, node.slug)
        if below is not None:
            return below
    return None


def _to_model(
    node: Node, parent: str | None, locale: Locale, books: list[BookRecord]
) -> tuple[models.Category, set[int]]:
    """The category and the ids of the books in it or below it (`book_count`)."""
    children = [_to_model(child, node.slug, locale, books) for child in node.children]
    ids = {b.id for b in books if node.rule(b)}.union(*(below for _, below in children))
    category = models.Category(
        slug=node.slug,
        name=node.names[locale],
        parent_slug=parent,
        book_count=len(ids),
        children=[c for c, _ in children],
    )
    return category, ids
