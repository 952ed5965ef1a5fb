"""The showcase's streams and spooled uploads, through the generated client over a real socket on
127.0.0.1 (issue 21): `watchImport` (SSE) and `exportCatalogue` (NDJSON) arrive item by item,
typed; an e-book larger than the spool threshold reaches `uploadBookFile` from a file on disk."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from examples.showcase.app import create_app
from examples.showcase.books import BooksHandlers
from examples.showcase.seed import seed
from examples.showcase.store import Store
from generated.showcase_client import AsyncClient, Client, Credentials, models, results
from generator.devtoken import mint
from tests.runtime.conftest import serve

from .service import FAST_HASH, OPERATOR, OPERATOR_PASSWORD, PARTNER_KEY, SECRET, Clock, settings

FEED = models.ImportRequest(
    source_url="https://partner.example.org/feeds/onix-2025-05.xml", format=models.ImportFormat.ONIX
)
SPOOL = 4096


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The `Upload`s `uploadBookFile` receives, and whether each had rolled over to disk."""
    seen: list[Any] = []
    upload = BooksHandlers.upload_book_file

    async def recording(self: BooksHandlers, **kwargs: Any) -> Any:
        seen.append((kwargs["body"].size, kwargs["body"].file._rolled))
        return await upload(self, **kwargs)

    monkeypatch.setattr(BooksHandlers, "upload_book_file", recording)
    return seen


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 5, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def base(spooled: list[Any], clock: Clock) -> Iterator[str]:
    values = settings(import_run_seconds=60, upload_spool_bytes=SPOOL, stream_heartbeat_seconds=0.2)
    store = Store(clock=clock)
    seed(store)
    app = create_app(values, store=store, hasher=FAST_HASH)
    yield from serve(app)


def _writer() -> Credentials:
    return Credentials(bearer_auth=mint("staff-1", ["catalog:write"], secret=SECRET))


def test_an_import_is_watched_event_by_event(base: str, clock: Clock) -> None:
    partner = Credentials(api_key_header=PARTNER_KEY, basic_auth=(OPERATOR, OPERATOR_PASSWORD))

    async def scenario() -> list[Any]:
        events = []
        async with AsyncClient(base, credentials=partner) as api:
            started = await api.start_import(body=FEED)
            assert isinstance(started, results.StartImportAccepted), started
            async for event in api.watch_import_stream(import_id=started.body.id):
                events.append(event)
                clock.now += timedelta(minutes=1)  # the job finishes: the next event says so
        return events

    events = asyncio.run(scenario())
    assert [e.event for e in events] == ["running", "succeeded"]
    assert [e.id for e in events] == ["1", "2"]
    assert all(isinstance(e.data, models.ImportJob) for e in events)
    assert events[-1].data.finished_at is not None


def test_the_catalogue_exports_line_by_line(base: str) -> None:
    with Client(base) as api:
        books = list(api.export_catalogue_stream())
        first_two = list(api.export_catalogue_stream(limit=2))
    assert books and all(isinstance(b, models.Book) for b in books)
    assert [b.id for b in books] == sorted(b.id for b in books)
    assert first_two == books[:2]


def test_a_large_e_book_is_spooled_to_disk(base: str, spooled: list[Any]) -> None:
    epub = b"PK\x03\x04" + os.urandom(3 * SPOOL)
    with Client(base, credentials=_writer()) as api:
        stored = api.upload_book_file(book_id=1001, body=epub)
        assert isinstance(stored, results.UploadBookFileNoContent), stored
        small = api.upload_book_file(book_id=1002, body=b"%PDF-1.7 tiny")
        assert isinstance(small, results.UploadBookFileNoContent), small
        download = api.download_book_file(book_id=1001)
    assert isinstance(download, results.DownloadBookFileOk), download
    assert download.body == epub  # the handler read the spooled file right
    assert spooled == [(len(epub), True), (13, False)]
