"""Covers and sample pages (multipart), e-book files (raw bytes), and body size limits."""

from __future__ import annotations

from collections.abc import Sequence

from .service import PARTNER, PARTNER_KEY, STAFF, WRITER, Library, member_token, session

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n% sample page\n"
EPUB = b"PK\x03\x04" + bytes(range(256)) * 64  # every byte value, to prove nothing is decoded


def upload(
    library: Library,
    book_id: int,
    files: Sequence[tuple[str, tuple[str | None, bytes, str]]],
    **data: str,
) -> dict[str, object]:
    response = library.call(
        "replaceBookMedia", "PUT", f"/books/{book_id}/media", headers=WRITER, files=files, data=data
    )
    return {"status": response.status_code, **response.json()}


def test_media_upload_replaces_cover_and_alt_text(library: Library) -> None:
    parts = [
        ("cover", ("c.png", PNG, "image/png")),
        ("alt_text", (None, b"Brass gears", "text/plain; charset=utf-8")),  # `encoding`
    ]
    first = upload(library, 1001, parts)
    assert first == {
        "status": 200,
        "cover_url": "https://cdn.example.com/covers/1001.png?v=1",
        "alt_text": "Brass gears",
        "sample_page_urls": [],
    }
    second = upload(library, 1001, [("cover", ("c.jpg", JPEG, "image/jpeg"))], alt_text="Gears")
    assert second["cover_url"] == "https://cdn.example.com/covers/1001.jpg?v=2"
    stored = library.store.books[1001].media
    assert stored is not None and stored.cover == JPEG and stored.alt_text == "Gears"


def test_media_parts_are_checked_by_their_declared_type(library: Library) -> None:
    gif = upload(library, 1001, [("cover", ("c.gif", b"GIF89a", "image/gif"))], alt_text="x")
    assert (gif["status"], gif["code"]) == (415, "unsupported_media_type")
    latin1 = upload(
        library,
        1001,
        [
            ("cover", ("c.png", PNG, "image/png")),
            ("alt_text", (None, b"x", "text/plain; charset=latin-1")),
        ],
    )
    assert latin1["status"] == 415
    big = upload(
        library,
        1001,
        [("cover", ("c.png", PNG + b"\x00" * 2 * 1024 * 1024, "image/png"))],
        alt_text="x",
    )
    assert (big["status"], big["code"]) == (413, "payload_too_large")
    no_alt = upload(library, 1001, [("cover", ("c.png", PNG, "image/png"))])
    assert (no_alt["status"], no_alt["code"]) == (400, "validation_failed")
    missing = upload(library, 999, [("cover", ("c.png", PNG, "image/png"))], alt_text="x")
    assert missing["status"] == 404
    assert library.store.books[1001].media is None


def test_media_upload_with_sample_pages(library: Library) -> None:
    files = [
        ("cover", ("c.png", PNG, "image/png")),
        ("sample_pages", ("1.pdf", PDF, "application/pdf")),
    ]
    result = upload(library, 1001, files, alt_text="x")
    assert result["sample_page_urls"] == ["https://cdn.example.com/samples/1001/1.pdf?v=1"]


def test_ebook_file_round_trip(library: Library) -> None:
    headers = WRITER | {"Content-Type": "application/octet-stream"}
    stored = library.call(
        "uploadBookFile", "PUT", "/books/1001/file", headers=headers, content=EPUB
    )
    assert (stored.status_code, stored.content) == (204, b"")
    assert library.call("getBook", "GET", "/books/1001", headers=STAFF).json()["has_file"] is True
    for how in ({"params": {"api_key": PARTNER_KEY}}, {"headers": STAFF}):
        download = library.call("downloadBookFile", "GET", "/books/1001/file", **how)
        assert download.status_code == 200
        assert download.content == EPUB
        assert download.headers["content-type"] == "application/octet-stream"
        assert (
            download.headers["Content-Disposition"]
            == 'attachment; filename="sketch-of-the-analytical-engine.epub"'
        )
    pdf = library.call("uploadBookFile", "PUT", "/books/1002/file", headers=headers, content=PDF)
    assert pdf.status_code == 204
    download = library.call("downloadBookFile", "GET", "/books/1002/file", headers=STAFF)
    assert download.headers["Content-Disposition"] == 'attachment; filename="les-fleurs-du-mal.pdf"'


def test_ebook_upload_refusals(library: Library) -> None:
    text = WRITER | {"Content-Type": "text/plain"}
    wrong_type = library.call(
        "uploadBookFile", "PUT", "/books/1001/file", headers=text, content=b"x"
    )
    assert wrong_type.status_code == 415
    octets = {"Content-Type": "application/octet-stream"}
    missing = library.call(
        "uploadBookFile", "PUT", "/books/999/file", headers=WRITER | octets, content=b"x"
    )
    assert missing.status_code == 404
    no_scope = library.call(
        "uploadBookFile", "PUT", "/books/1001/file", headers=STAFF | octets, content=b"x"
    )
    assert no_scope.status_code == 403


def test_downloads_need_a_file_and_for_members_a_loan(library: Library) -> None:
    no_file = library.call("downloadBookFile", "GET", "/books/1001/file", headers=STAFF)
    assert no_file.status_code == 404
    assert (
        library.call("downloadBookFile", "GET", "/books/999/file", headers=STAFF).status_code == 404
    )
    # Grace borrowed SICP (1003) in the sample data; a new member has no loan.
    grace = library.call("downloadBookFile", "GET", "/books/1003/file", headers=session())
    assert grace.status_code == 200 and grace.content.startswith(b"PK")
    ada = library.register()
    refused = library.call(
        "downloadBookFile", "GET", "/books/1003/file", headers=member_token(ada["id"])
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "no_active_loan")
    header_key = library.call("downloadBookFile", "GET", "/books/1003/file", headers=PARTNER)
    assert header_key.status_code == 401  # partners put the key in the query string here


def test_bodies_over_the_limit_get_413(library: Library) -> None:
    large = {"title": "x" * 70_000}
    too_large = library.call("createBook", "POST", "/books", headers=WRITER, json=large)
    assert (too_large.status_code, too_large.json()["code"]) == (413, "payload_too_large")
    small = Library(json_body_limit_bytes=1024, max_body_bytes=2048)
    octets = WRITER | {"Content-Type": "application/octet-stream"}
    response = small.call(
        "uploadBookFile", "PUT", "/books/1001/file", headers=octets, content=b"x" * 4096
    )
    assert response.status_code == 413
