"""The catalogue: listing with every filter style, ETags (304/412), conflicts, citations."""

from __future__ import annotations

from typing import Any

from .service import API, BOOK, PARTNER, STAFF, WRITER, Library, bearer


def ids(response: Any) -> list[int]:
    return [book["id"] for book in response.json()["items"]]


def test_anonymous_callers_see_the_public_catalogue_by_title(reader: Library) -> None:
    anonymous = reader.call("listBooks", "GET", "/books")
    assert anonymous.status_code == 200
    assert anonymous.json()["total"] == 5  # the members-only title is left out
    titles = [b["title"] for b in anonymous.json()["items"]]
    assert titles == sorted(titles, key=str.casefold)
    assert int(anonymous.headers["X-RateLimit-Remaining"]) >= 0
    staff = reader.call("listBooks", "GET", "/books", headers=STAFF)
    partner = reader.call("listBooks", "GET", "/books", headers=PARTNER)
    assert staff.json()["total"] == partner.json()["total"] == 6


def test_pages_and_sorting(reader: Library) -> None:
    page = reader.call("listBooks", "GET", "/books?limit=2&offset=1&sort=-title")
    body = page.json()
    assert (body["limit"], body["offset"], body["total"], len(body["items"])) == (2, 1, 5, 2)
    newest = reader.call("listBooks", "GET", "/books?sort=-published_on", headers=STAFF)
    # Newest first; the undated book comes last whichever way.
    assert ids(newest) == [1003, 1005, 1002, 1001, 1004, 1006]
    oldest = reader.call("listBooks", "GET", "/books?sort=published_on", headers=STAFF)
    assert ids(oldest) == [1004, 1001, 1002, 1005, 1003, 1006]


def test_filters_in_every_serialisation_style(reader: Library) -> None:
    def query(qs: str) -> list[int]:
        response = reader.call("listBooks", "GET", "/books?" + qs, headers=STAFF)
        assert response.status_code == 200, response.text
        return sorted(ids(response))

    assert query("genre=poetry&genre=drama") == [1002, 1004]  # form, exploded
    assert query("ids=1001,1003,1999") == [1001, 1003]  # form, not exploded
    assert query("languages=fr|de") == [1002, 1004]  # pipeDelimited
    assert query("tags=classic%20computing") == [1001]  # spaceDelimited: all of them
    assert query("published[from]=1900-01-01&published[to]=1999-12-31") == [1003, 1005]
    assert query("published[to]=1850-01-01") == [1001, 1004]  # deepObject, one end open
    assert query("published[from]=2000-01-01&published[to]=1990-01-01") == []
    assert query("q=LOVELACE") == [1001]  # title, subtitle and authors, any case
    assert query("q=erster%20teil") == [1004]
    assert query("q=engine&languages=fr") == []  # every filter must hold


def test_malformed_filters_get_400_with_details(reader: Library) -> None:
    repeated = reader.call("listBooks", "GET", "/books?genre=poetry&genre=poetry")
    assert repeated.status_code == 400
    assert repeated.json()["code"] == "validation_failed"
    assert repeated.json()["details"][0]["field"] == "query.genre"
    for qs in ("limit=0", "languages=english", "published[when]=2000-01-01", "ids=0"):
        assert reader.call("listBooks", "GET", "/books?" + qs).status_code == 400, qs


def test_invalid_credentials_get_401_where_anonymous_would_do(reader: Library) -> None:
    for headers in ({"X-API-Key": "wrong"}, {"Authorization": "Bearer not.a.token"}):
        response = reader.call("listBooks", "GET", "/books", headers=headers)
        assert response.status_code == 401


def test_create_book_answers_location_etag_and_budget(library: Library) -> None:
    created = library.create_book()
    book = created.json()
    assert created.headers["Location"] == f"http://testserver{API}/books/{book['id']}"
    assert book["available_copies"] == 3 and book["has_file"] is False
    assert book["class"] == "510.92" and "password" not in book
    read = library.call("getBook", "GET", f"/books/{book['id']}", headers=PARTNER)
    assert read.json() == book
    assert read.headers["ETag"] == created.headers["ETag"]


def test_location_repeats_only_a_host_name(library: Library) -> None:
    def location(host: str, isbn: str) -> str:
        headers = WRITER | {"Host": host}
        created = library.call(
            "createBook", "POST", "/books", headers=headers, json=BOOK | {"isbn": isbn}
        )
        assert created.status_code == 201
        return created.headers["Location"]

    assert location("api.example.com:8443", "9780000000019").startswith(
        f"http://api.example.com:8443{API}/books/"
    )
    # A Host that is no authority is not repeated: the server's address stands for it.
    assert location("evil.example/x?", "9780000000026").startswith(f"http://testserver{API}/")


def test_create_book_refusals(library: Library) -> None:
    library.create_book()
    taken = library.call("createBook", "POST", "/books", headers=WRITER, json=BOOK)
    assert (taken.status_code, taken.json()["code"]) == (409, "isbn_taken")
    other = BOOK | {"isbn": "9790000000001"}
    no_scope = library.call("createBook", "POST", "/books", headers=STAFF, json=other)
    assert (no_scope.status_code, no_scope.json()["code"]) == (403, "insufficient_scope")
    partner = library.call("createBook", "POST", "/books", headers=PARTNER, json=other)
    assert partner.status_code == 401  # API keys cannot change the catalogue
    for bad in ({"copies_by_branch": {"cen": 1}}, {"homepage": "not a uri"}, {"isbn": "123"}):
        response = library.call("createBook", "POST", "/books", headers=WRITER, json=other | bad)
        assert response.status_code == 400, bad
    oauth2 = bearer("desk-app", ["catalog:write"])
    assert (
        library.call("createBook", "POST", "/books", headers=oauth2, json=other).status_code == 201
    )


def test_get_book_honours_if_none_match(reader: Library) -> None:
    first = reader.call("getBook", "GET", "/books/1001", headers=STAFF)
    tag = first.headers["ETag"]
    for header in (tag, f"W/{tag}", f'"stale", {tag}', "*"):
        again = reader.call(
            "getBook", "GET", "/books/1001", headers=STAFF | {"If-None-Match": header}
        )
        assert (again.status_code, again.headers["ETag"], again.content) == (304, tag, b"")
    stale = reader.call("getBook", "GET", "/books/1001", headers=STAFF | {"If-None-Match": '"x"'})
    assert stale.status_code == 200
    missing = reader.call("getBook", "GET", "/books/999", headers=STAFF)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_replace_book_needs_the_current_etag(library: Library) -> None:
    created = library.create_book()
    path, tag = f"/books/{created.json()['id']}", created.headers["ETag"]
    lean = {"title": "Notes", "authors": ["Ada Lovelace"], "isbn": BOOK["isbn"], "language": "en"}
    stale = library.call(
        "replaceBook", "PUT", path, headers=WRITER | {"If-Match": '"1-0"'}, json=lean
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "etag_mismatch")
    weak = library.call(
        "replaceBook", "PUT", path, headers=WRITER | {"If-Match": f"W/{tag}"}, json=lean
    )
    assert weak.status_code == 412  # If-Match compares strongly
    replaced = library.call(
        "replaceBook", "PUT", path, headers=WRITER | {"If-Match": tag}, json=lean
    )
    assert replaced.status_code == 200
    body = replaced.json()
    # Fields left out take their defaults or become empty.
    assert (body["format"], body["genres"], body["copies_by_branch"]) == ("paperback", [], {})
    assert "class" not in body and body["subtitle"] is None
    assert body["created_at"] == created.json()["created_at"]
    assert replaced.headers["ETag"] != tag
    again = library.call("replaceBook", "PUT", path, headers=WRITER | {"If-Match": tag}, json=lean)
    assert again.status_code == 412  # the first replacement is never lost silently


def test_replace_book_refusals(library: Library) -> None:
    tag = library.call("getBook", "GET", "/books/1001", headers=STAFF).headers["ETag"]
    taken = BOOK | {"isbn": "9780000000118"}  # Les Fleurs du mal's
    headers = WRITER | {"If-Match": tag}
    conflict = library.call("replaceBook", "PUT", "/books/1001", headers=headers, json=taken)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "isbn_taken")
    missing = library.call("replaceBook", "PUT", "/books/999", headers=headers, json=BOOK)
    assert missing.status_code == 404
    no_scope = library.call(
        "replaceBook", "PUT", "/books/1001", headers=STAFF | {"If-Match": tag}, json=BOOK
    )
    assert no_scope.status_code == 403
    for header in ({}, {"If-Match": "no quotes"}):
        bad = library.call("replaceBook", "PUT", "/books/1001", headers=WRITER | header, json=BOOK)
        assert bad.status_code == 400


def test_delete_book(library: Library) -> None:
    book_id = library.create_book().json()["id"]
    assert (
        library.call("deleteBook", "DELETE", f"/books/{book_id}", headers=WRITER).status_code == 204
    )
    assert library.call("getBook", "GET", f"/books/{book_id}", headers=STAFF).status_code == 404
    assert (
        library.call("deleteBook", "DELETE", f"/books/{book_id}", headers=WRITER).status_code == 404
    )
    on_loan = library.call("deleteBook", "DELETE", "/books/1003", headers=WRITER)
    assert (on_loan.status_code, on_loan.json()["code"]) == (409, "on_loan")
    assert library.call("deleteBook", "DELETE", "/books/1001", headers=STAFF).status_code == 403


def test_citations(reader: Library) -> None:
    def cite(book_id: int, style: str) -> str:
        response = reader.call(
            "getBookCitation", "GET", f"/books/{book_id}/citation?style={style}", headers=PARTNER
        )
        assert response.headers["content-type"].startswith("text/plain"), response.text
        return response.text

    assert (
        cite(1001, "apa")
        == "Menabrea, L., & Lovelace, A. (1843). Sketch of the Analytical Engine (1st ed.)."
    )
    assert (
        cite(1001, "mla")
        == "Menabrea, Luigi, and Ada Lovelace. Sketch of the Analytical Engine. 1st ed., 1843."
    )
    assert (
        cite(1004, "chicago")
        == "Goethe, Johann Wolfgang von. Faust: Der Tragödie erster Teil. 1808."
    )
    assert cite(1006, "apa") == "Staff, L. (n.d.). A Local History of the Reading Room."
    missing = reader.call(
        "getBookCitation", "GET", "/books/999/citation?style=apa", headers=PARTNER
    )
    assert missing.status_code == 404
    assert (
        reader.call(
            "getBookCitation", "GET", "/books/1001/citation?style=ieee", headers=PARTNER
        ).status_code
        == 400
    )


def test_legacy_search_takes_the_key_in_the_query(library: Library) -> None:
    found = library.call(
        "searchBooks", "GET", "/search?q=analytical%20engine&api_key=" + PARTNER["X-API-Key"]
    )
    assert found.status_code == 200
    assert ids(found) == [1001] and found.json()["offset"] == 0
    assert found.headers["Sunset"] == "Thu, 31 Dec 2026 23:59:59 GMT"
    assert "X-RateLimit-Remaining" in found.headers
    header_key = library.call("searchBooks", "GET", "/search?q=engine", headers=PARTNER)
    assert header_key.status_code == 401
    short = library.call("searchBooks", "GET", "/search?q=e&api_key=" + PARTNER["X-API-Key"])
    assert short.status_code == 400
