"""`BooksApi`: the catalogue, with ETags, covers, sample pages, citations and e-book files."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Literal
from uuid import UUID

from generated.showcase import CONTEXT, Form, Principal, RequestContext, Upload, models, results

from . import access, catalog, citations, errors, media
from .links import Links
from .parts import parts_of
from .ratelimit import RateLimiter, budget_key
from .store import BookRecord, Store

SUNSET = "Thu, 31 Dec 2026 23:59:59 GMT"  # when searchBooks goes away (RFC 8594)
WRITE = access.CATALOG_WRITE


class BooksHandlers:
    """Operations tagged `books`."""

    def __init__(
        self, *, store: Store, limiter: RateLimiter, links: Links, media_base_url: str
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.links = links
        self.media_base_url = media_base_url

    async def list_books(
        self,
        *,
        x_request_id: UUID | None,
        q: str | None,
        genre: list[models.Genre] | None,
        ids: list[int] | None,
        languages: list[str] | None,
        tags: list[str] | None,
        published: models.DateRange | None,
        sort: Literal["title", "-title", "published_on", "-published_on"],
        limit: int,
        offset: int,
        principal: Principal | None,
        context: RequestContext = CONTEXT,
    ) -> results.ListBooksOk | results.ListBooksBadRequest | results.ListBooksTooManyRequests:
        """GET /books: anonymous callers see the public catalogue, others member titles too."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.ListBooksTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        if genre and len(set(genre)) < len(genre):  # `uniqueItems`, which FastAPI ignores
            return results.ListBooksBadRequest(body=errors.invalid(("query.genre", "Repeated.")))
        found = catalog.Filters(
            q=q,
            genres=genre,
            ids=ids,
            languages=languages,
            tags=tags,
            published=published,
            members_too=principal is not None,  # staff and partners see member titles too
        )
        matches = catalog.sort_books(filter(found.match, self.store.books.values()), sort)
        return results.ListBooksOk(
            body=self._page(matches, limit, offset), x_rate_limit_remaining=rate.remaining
        )

    async def create_book(
        self,
        *,
        x_request_id: UUID | None,
        body: models.BookInput,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.CreateBookCreated
        | results.CreateBookBadRequest
        | results.CreateBookForbidden
        | results.CreateBookConflict
        | results.CreateBookTooManyRequests
    ):
        """POST /books: a new book; its ISBN must be new to the catalogue."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.CreateBookTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        if not access.may_edit_catalog(principal):
            return results.CreateBookForbidden(body=errors.insufficient_scope(WRITE))
        if issues := catalog.input_issues(body):
            return results.CreateBookBadRequest(body=errors.invalid(*issues))
        if self.store.book_with_isbn(body.isbn) is not None:
            return results.CreateBookConflict(body=_isbn_taken(body.isbn))
        book = catalog.to_model(self.store, self.store.add_book(body))
        return results.CreateBookCreated(
            body=book,
            location=self.links.url(context, f"/books/{book.id}"),
            e_tag=catalog.etag(book),
            x_rate_limit_remaining=rate.remaining,
        )

    async def get_book(
        self, *, book_id: int, if_none_match: str | None, principal: Principal
    ) -> results.GetBookOk | results.GetBookNotModified | results.GetBookNotFound:
        """GET /books/{book_id}: 304 while the client's ETag is current."""
        record = self.store.books.get(book_id)
        if record is None:
            return results.GetBookNotFound(body=errors.not_found(f"book {book_id}"))
        book = catalog.to_model(self.store, record)
        tag = catalog.etag(book)
        if catalog.none_match(if_none_match, tag):
            return results.GetBookNotModified(e_tag=tag)
        return results.GetBookOk(body=book, e_tag=tag)

    async def replace_book(
        self, *, book_id: int, if_match: str, body: models.BookInput, principal: Principal
    ) -> (
        results.ReplaceBookOk
        | results.ReplaceBookBadRequest
        | results.ReplaceBookForbidden
        | results.ReplaceBookNotFound
        | results.ReplaceBookConflict
        | results.ReplaceBookPreconditionFailed
    ):
        """PUT /books/{book_id}: only with the current ETag in `If-Match`."""
        if not access.may_edit_catalog(principal):
            return results.ReplaceBookForbidden(body=errors.insufficient_scope(WRITE))
        if issues := catalog.input_issues(body):
            return results.ReplaceBookBadRequest(body=errors.invalid(*issues))
        record = self.store.books.get(book_id)
        if record is None:
            return results.ReplaceBookNotFound(body=errors.not_found(f"book {book_id}"))
        if not catalog.if_match(if_match, catalog.etag(catalog.to_model(self.store, record))):
            return results.ReplaceBookPreconditionFailed(
                body=errors.error("etag_mismatch", "The book changed since you read it.")
            )
        if self.store.book_with_isbn(body.isbn, other_than=book_id) is not None:
            return results.ReplaceBookConflict(body=_isbn_taken(body.isbn))
        record.fields, record.updated_at = body, self.store.now()
        book = catalog.to_model(self.store, record)
        return results.ReplaceBookOk(body=book, e_tag=catalog.etag(book))

    async def delete_book(
        self, *, book_id: int, principal: Principal
    ) -> (
        results.DeleteBookNoContent
        | results.DeleteBookForbidden
        | results.DeleteBookNotFound
        | results.DeleteBookConflict
    ):
        """DELETE /books/{book_id}: with its media and file, unless copies are on loan."""
        if not access.may_edit_catalog(principal):
            return results.DeleteBookForbidden(body=errors.insufficient_scope(WRITE))
        if book_id not in self.store.books:
            return results.DeleteBookNotFound(body=errors.not_found(f"book {book_id}"))
        if self.store.active_loans(book_id=book_id):
            return results.DeleteBookConflict(
                body=errors.error("on_loan", f"Copies of book {book_id} are on loan.")
            )
        del self.store.books[book_id]
        return results.DeleteBookNoContent()

    async def get_book_citation(
        self, *, book_id: int, style: Literal["apa", "mla", "chicago"], principal: Principal
    ) -> results.GetBookCitationOk | results.GetBookCitationNotFound:
        """GET /books/{book_id}/citation: one line of text."""
        record = self.store.books.get(book_id)
        if record is None:
            return results.GetBookCitationNotFound(body=errors.not_found(f"book {book_id}"))
        book = catalog.to_model(self.store, record)
        return results.GetBookCitationOk(body=citations.cite(book, style))

    async def replace_book_media(
        self,
        *,
        book_id: int,
        body: Form[models.BookMediaUploadFields],
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.ReplaceBookMediaOk
        | results.ReplaceBookMediaForbidden
        | results.ReplaceBookMediaNotFound
        | results.ReplaceBookMediaRequestEntityTooLarge
        | results.ReplaceBookMediaUnsupportedMediaType
    ):
        """PUT /books/{book_id}/media: cover, alt text and sample pages, all replaced."""
        if not access.may_edit_catalog(principal):
            return results.ReplaceBookMediaForbidden(body=errors.insufficient_scope(WRITE))
        record = self.store.books.get(book_id)
        if record is None:
            return results.ReplaceBookMediaNotFound(body=errors.not_found(f"book {book_id}"))
        rejection = media.check_parts(parts_of(context), body)
        if rejection is not None and rejection.too_large:
            return results.ReplaceBookMediaRequestEntityTooLarge(body=rejection.body)
        if rejection is not None:
            return results.ReplaceBookMediaUnsupportedMediaType(body=rejection.body)
        version = record.media.version + 1 if record.media else 1
        record.media = media.stored(body, version)
        return results.ReplaceBookMediaOk(
            body=media.to_model(self.media_base_url, book_id, record.media)
        )

    async def download_book_file(
        self, *, book_id: int, principal: Principal, context: RequestContext = CONTEXT
    ) -> (
        results.DownloadBookFileOk
        | results.DownloadBookFileForbidden
        | results.DownloadBookFileNotFound
        | results.DownloadBookFileTooManyRequests
    ):
        """GET /books/{book_id}/file: staff and partners; members with an active loan of it."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.DownloadBookFileTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        record = self.store.books.get(book_id)
        if record is None:
            return results.DownloadBookFileNotFound(body=errors.not_found(f"book {book_id}"))
        if access.is_member(principal):
            member = access.signed_in_member(self.store, principal)
            if not self.store.has_active_loan(member.id, book_id):
                return results.DownloadBookFileForbidden(
                    body=errors.error("no_active_loan", f"You have not borrowed book {book_id}.")
                )
        if record.file is None:
            return results.DownloadBookFileNotFound(
                body=errors.not_found(f"e-book file of book {book_id}")
            )
        return results.DownloadBookFileOk(
            body=record.file,
            content_disposition=_attachment(record),
            x_rate_limit_remaining=rate.remaining,
        )

    async def upload_book_file(
        self, *, book_id: int, body: Upload, principal: Principal
    ) -> (
        results.UploadBookFileNoContent
        | results.UploadBookFileForbidden
        | results.UploadBookFileNotFound
    ):
        """PUT /books/{book_id}/file: the e-book as opaque bytes, replacing any earlier file.

        The runtime spooled the body to a temporary file past `upload_spool_bytes`; this
        in-memory store keeps the bytes (a real one would copy `body.chunks()` to storage).
        """
        if not access.may_edit_catalog(principal):
            return results.UploadBookFileForbidden(body=errors.insufficient_scope(WRITE))
        record = self.store.books.get(book_id)
        if record is None:
            return results.UploadBookFileNotFound(body=errors.not_found(f"book {book_id}"))
        record.file, record.updated_at = body.read(), self.store.now()
        return results.UploadBookFileNoContent()

    async def search_books(
        self, *, q: str, limit: int, principal: Principal, context: RequestContext = CONTEXT
    ) -> results.SearchBooksOk | results.SearchBooksTooManyRequests:
        """GET /search (deprecated): the first page of `listBooks?q=...`, by title."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.SearchBooksTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        found = catalog.Filters(q=q, members_too=True)
        matches = catalog.sort_books(filter(found.match, self.store.books.values()), "title")
        return results.SearchBooksOk(
            body=self._page(matches, limit, 0), sunset=SUNSET, x_rate_limit_remaining=rate.remaining
        )

    async def export_catalogue(
        self, *, limit: int | None, principal: Principal | None
    ) -> results.ExportCatalogueOk:
        """GET /catalogue/export: the books the caller may see, one NDJSON line each.

        The body is an async generator: the runtime checks each book against the `Book`
        schema as it is sent, and closes the generator if the client stops reading.
        """
        members_too = principal is not None  # staff and partners see member titles too
        visible = sorted(
            (b for b in self.store.books.values() if members_too or not b.members_only),
            key=lambda b: b.id,
        )

        async def books() -> AsyncIterator[models.Book]:
            for record in visible[:limit]:
                yield catalog.to_model(self.store, record)

        return results.ExportCatalogueOk(body=books())

    def _page(self, matches: list[BookRecord], limit: int, offset: int) -> models.BookPage:
        items = [catalog.to_model(self.store, b) for b in matches[offset : offset + limit]]
        return models.BookPage(items=items, limit=limit, offset=offset, total=len(matches))


def _isbn_taken(isbn: str) -> models.Error:
    return errors.error("isbn_taken", f"Another book already has ISBN {isbn}.")


def _attachment(book: BookRecord) -> str:
    """`attachment; filename="notes-on-the-analytical-engine.epub"` (RFC 6266), ASCII only."""
    stem = re.sub(r"[^a-z0-9]+", "-", book.fields.title.lower()).strip("-")[:80]
    extension = "pdf" if book.file is not None and book.file.startswith(b"%PDF") else "epub"
    return f'attachment; filename="{stem or f"book-{book.id}"}.{extension}"'
