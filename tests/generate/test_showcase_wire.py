"""The showcase contract's wire constructs work in the committed generated package.

Forms, multipart with files, raw binary, deepObject and delimited query styles, cookie API keys
with the CSRF origin check, and the contract's own error schema instead of problem+json.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from fastapi.testclient import TestClient

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from generated.showcase import create_app, models, results
    from generated.showcase.runtime.auth import hash_api_key
    from generated.showcase.settings import Settings

SECRET = "showcase-test-secret-long-enough-32b"
BASE = "/showcase/v2"
FORMAT = "csv"


class Recorder:
    """Implements the operations under test and remembers what each received."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, Any]] = {}

    async def list_books(self, **kwargs: Any) -> Any:
        self.seen["list_books"] = kwargs
        return results.ListBooksOk(
            body=models.BookPage(items=[], total=0, limit=kwargs["limit"], offset=kwargs["offset"])
        )

    async def register_member(self, *, body: Any) -> Any:
        self.seen["register_member"] = {"body": body}
        return results.RegisterMemberConflict(
            body=models.Error(code="email_taken", message="taken")
        )

    async def replace_book_media(self, *, book_id: int, body: Any, principal: Any) -> Any:
        self.seen["replace_book_media"] = {"body": body}
        raise NotImplementedError

    async def upload_book_file(self, **kwargs: Any) -> Any:
        self.seen["upload_book_file"] = kwargs
        raise NotImplementedError

    async def get_current_member(self, *, principal: Any) -> Any:
        raise NotImplementedError

    async def update_current_member(self, *, body: Any, principal: Any) -> Any:
        self.seen["update_current_member"] = {"principal": principal}
        raise NotImplementedError


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> TestClient:
    settings = Settings(
        jwt_secret=SECRET, api_key_hashes={"member-7": hash_api_key("cookie-secret")}
    )
    app = create_app(books=recorder, members=recorder, settings=settings)  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False)


def test_query_styles_reach_the_handler_typed(client: TestClient, recorder: Recorder) -> None:
    response = client.get(
        f"{BASE}/books",
        params=[
            ("genre", "poetry"),
            ("ids", "12,15"),
            ("languages", "en|fr"),
            ("tags", "a b"),
            ("published[from]", "1990-01-01"),
            ("limit", "5"),
        ],
    )
    if response.status_code == 400:
        pytest.fail(response.text)
    seen = recorder.seen["list_books"]
    assert seen["ids"] == [12, 15]
    assert seen["languages"] == ["en", "fr"]
    assert seen["tags"] == ["a", "b"]
    assert seen["limit"] == 5
    assert (
        str(seen["published"].from_) == "1990-01-01"
        if hasattr(seen["published"], "from_")
        else seen["published"]
    )


def test_bad_query_styles_answer_the_contracts_error_schema(client: TestClient) -> None:
    for params in ({"ids": "12,x"}, {"languages": "english"}, {"limit": "0"}):
        response = client.get(f"{BASE}/books", params=params)
        assert response.status_code == 400, params
        body = response.json()
        assert response.headers["content-type"] == "application/json"
        assert set(body) <= {"code", "message", "details"} and body["code"] == "validation_failed"


def test_form_body_is_parsed_by_the_contracts_types(client: TestClient, recorder: Recorder) -> None:
    form = {
        "email": "ann@example.com",
        "display_name": "12345",
        "password": "secret123",
        "newsletter": "true",
    }
    response = client.post(f"{BASE}/members", data=form)
    assert response.status_code == 409, response.text
    body = recorder.seen["register_member"]["body"]
    assert body.display_name == "12345" and body.newsletter is True
    bad = client.post(f"{BASE}/members", data={**form, "newsletter": "maybe"})
    assert bad.status_code == 400


def test_unsupported_media_type_is_415(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/members", content=b"<x/>", headers={"content-type": "application/xml"}
    )
    assert response.status_code == 415


def test_multipart_with_a_file_part(client: TestClient, recorder: Recorder) -> None:
    token = _token(["catalog:write"])
    response = client.put(
        f"{BASE}/books/3/media",
        files={"cover": ("c.png", b"\x89PNG...", "image/png")},
        data={"alt_text": "A cover"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 501, response.text  # NotImplementedError -> 501
    body = recorder.seen["replace_book_media"]["body"]
    cover = body.file("cover")  # a spooled file part; the other fields typed apart
    assert (cover.size, cover.content_type, cover.filename) == (7, "image/png", "c.png")
    assert cover.read() == b"\x89PNG..."
    assert body.fields.alt_text == "A cover" and "sample_pages" not in body.files


def test_raw_binary_upload(client: TestClient, recorder: Recorder) -> None:
    token = _token(["catalog:write"])
    response = client.put(
        f"{BASE}/books/3/file",
        content=b"%PDF-1.7 bytes",
        headers={"Authorization": f"Bearer {token}", "content-type": "application/octet-stream"},
    )
    assert response.status_code == 501, response.text
    upload = recorder.seen["upload_book_file"]["body"]  # an octet-stream body is spooled
    assert (upload.size, upload.read()) == (14, b"%PDF-1.7 bytes")


def test_cookie_api_key_is_csrf_checked_on_unsafe_methods(
    client: TestClient, recorder: Recorder
) -> None:
    client.cookies.set("session", "cookie-secret")
    same_site = client.patch(f"{BASE}/members/me", json={"newsletter": False})
    assert same_site.status_code == 501
    assert recorder.seen["update_current_member"]["principal"].subject == "member-7"
    cross = client.patch(
        f"{BASE}/members/me", json={"newsletter": False}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    client.cookies.set("session", "wrong")
    assert client.patch(f"{BASE}/members/me", json={"newsletter": False}).status_code == 401


def _token(scopes: list[str]) -> str:
    from generator.devtoken import mint

    return mint("staff-1", scopes, secret=SECRET)


def test_basic_and_api_key_together_with_pwdlib_hashes() -> None:
    from pwdlib import PasswordHash

    class Imports:
        async def start_import(self, **kwargs: Any) -> Any:
            raise NotImplementedError

    hashed = PasswordHash.recommended().hash("correct horse")
    settings = Settings(
        jwt_secret=SECRET,
        api_key_hashes={"partner": hash_api_key("partner-key")},
        basic_users={"importer": hashed},
    )
    client = TestClient(
        create_app(imports=Imports(), settings=settings), raise_server_exceptions=False
    )  # type: ignore[arg-type]
    url = f"{BASE}/imports"
    body = {"source_url": "https://example.com/feed.csv", "format": FORMAT}
    both = {"X-API-Key": "partner-key"}
    good = client.post(url, json=body, headers=both, auth=("importer", "correct horse"))
    assert good.status_code == 501, good.text  # past authentication, into the handler
    wrong = client.post(url, json=body, headers=both, auth=("importer", "wrong"))
    assert wrong.status_code == 401
    assert "Basic realm=" in wrong.headers["www-authenticate"]
    unknown = client.post(url, json=body, headers=both, auth=("nobody", "correct horse"))
    assert unknown.status_code == 401
    only_key = client.post(url, json=body, headers=both)
    assert only_key.status_code == 401


def test_each_operation_answers_malformed_requests_in_its_documented_error_body() -> None:
    from generated.users import create_app as users_app
    from generated.users.settings import Settings as UsersSettings

    client = TestClient(
        users_app(settings=UsersSettings(jwt_secret=SECRET)), raise_server_exceptions=False
    )
    token = client.post("/api/v1/auth/token", data={"grant_type": "nope"})
    assert token.status_code == 400
    assert token.headers["content-type"] == "application/json"
    assert token.json()["error"] == "invalid_request"  # OAuth2's error body, as documented there
    register = client.post("/api/v1/users", json={"email": 5})
    assert register.status_code == 400
    assert register.headers["content-type"] == "application/problem+json"  # the API's default
    assert register.json()["status"] == 400


def test_405_names_every_documented_method() -> None:
    from generated.users import create_app as users_app

    client = TestClient(users_app(), raise_server_exceptions=False)
    response = client.put("/api/v1/users/3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}
    assert set(client.delete("/api/v1/users").headers["allow"].split(", ")) == {"GET", "POST"}


def test_contract_semantics_where_pydantic_is_narrower() -> None:
    from generated.users import models as users_models

    # format: email is syntax only: special-use domains are valid addresses
    registration = {"email": "x@y.test", "password": "correct horse battery", "display_name": "X"}
    assert users_models.UserRegistration.model_validate(registration).email == "x@y.test"
    with pytest.raises(ValueError):
        users_models.UserRegistration.model_validate({**registration, "email": "no-at-sign"})
    # integer means a number without a fraction: 28.0 is 28, 28.5 and "28" are not integers
    assert models.RenewalRequest.model_validate({"days": 28.0}).days == 28
    for bad in (28.5, "28", True):
        with pytest.raises(ValueError):
            models.RenewalRequest.model_validate({"days": bad})


def test_date_time_parameters_refuse_bare_numbers() -> None:
    from generated.users import Settings as UsersSettings
    from generated.users import create_app as users_app

    client = TestClient(
        users_app(settings=UsersSettings(jwt_secret=SECRET)), raise_server_exceptions=False
    )
    token = _token(["admin"])
    headers = {"Authorization": f"Bearer {token}"}
    for value in ("0.5", "1700000000"):
        assert (
            client.get(
                "/api/v1/users", params={"created_before": value}, headers=headers
            ).status_code
            == 400
        )
    ok = client.get(
        "/api/v1/users", params={"created_before": "2024-01-01T00:00:00Z"}, headers=headers
    )
    assert ok.status_code == 501
