"""Spooled uploads (issue 21, item 3): an `application/octet-stream` body larger than settings'
`upload_spool_bytes` is read into a temporary file on disk, not memory; the handler gets an
`Upload` it can read or stream; the schema's `maxLength` and the service's body limit still hold.
A multipart body's file parts (`format: binary`) reach the handler the same way, spooled by the
form parser (on disk past 1 MiB), in a `Form` beside the other fields, typed; the client still
sends bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from .conftest import serve

THRESHOLD = 64 * 1024


class Receiver:
    """Reads each upload in chunks and says whether its spooled file rolled over to disk."""

    def __init__(self, service: ModuleType) -> None:
        self.service = service
        self.uploads: list[Any] = []

    async def put_file(self, *, body: Any) -> Any:
        self.uploads.append(body)
        digest = hashlib.sha256()
        for chunk in body.chunks(8192):
            digest.update(chunk)
        received = self.service.models.Received(
            size=body.size,
            on_disk=body.file._rolled,  # SpooledTemporaryFile's own record of the rollover
            digest=digest.hexdigest(),
        )
        return self.service.results.PutFileOk(body=received)

    async def post_form(self, *, body: Any) -> Any:
        self.uploads.append(body)
        file = body.file("file")
        digest = hashlib.sha256()
        for chunk in file.chunks(8192):
            digest.update(chunk)
        for page in body.files.get("pages", ()):
            digest.update(page.read())
        received = self.service.models.Received(
            size=file.size, on_disk=file.file._rolled, digest=digest.hexdigest()
        )
        return self.service.results.PostFormOk(body=received)


@pytest.fixture(scope="module")
def receiver(streams_service: ModuleType) -> Receiver:
    return Receiver(streams_service)


@pytest.fixture(scope="module")
def base(streams_service: ModuleType, receiver: Receiver) -> Iterator[str]:
    settings = streams_service.Settings(upload_spool_bytes=THRESHOLD, max_body_bytes=3_500_000)
    yield from serve(streams_service.create_app(default=receiver, settings=settings))


def test_a_body_past_the_threshold_is_spooled_to_disk(
    streams_client: ModuleType, streams_service: ModuleType, base: str, receiver: Receiver
) -> None:
    data = os.urandom(5 * THRESHOLD + 17)
    with streams_client.Client(base) as api:
        answer = api.put_file(body=data)
    assert isinstance(answer, streams_client.results.PutFileOk)
    assert answer.body.size == len(data) and answer.body.on_disk is True
    assert answer.body.digest == hashlib.sha256(data).hexdigest()
    upload = receiver.uploads[-1]
    assert isinstance(upload, streams_service.Upload)
    upload.seek(0)
    assert upload.read() == data  # read whole, as well as streamed in chunks


def test_a_body_under_the_threshold_stays_in_memory(streams_client: ModuleType, base: str) -> None:
    with streams_client.Client(base) as api:
        answer = api.put_file(body=b"small")
    assert isinstance(answer, streams_client.results.PutFileOk)
    assert (answer.body.size, answer.body.on_disk) == (5, False)


def test_max_length_is_judged_by_the_size(
    streams_client: ModuleType, base: str, receiver: Receiver
) -> None:
    seen = len(receiver.uploads)
    with streams_client.Client(base) as api:
        answer = api.put_file(body=b"\0" * 3_000_001)  # maxLength 3000000
    assert isinstance(answer, streams_client.results.PutFileBadRequest)
    assert len(receiver.uploads) == seen  # refused before the handler


def test_the_body_limit_still_answers_413_in_the_contracts_shape(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        answer = http.put(
            "/files",
            content=iter([b"\0" * 1_000_000] * 4),  # chunked: no length to refuse up front
            headers={"content-type": "application/octet-stream"},
        )
    assert answer.status_code == 413
    assert set(answer.json()) >= {"code", "message"}  # the documented 413 body


MIB = 1024 * 1024


def test_a_file_part_past_the_threshold_is_spooled_to_disk(
    streams_client: ModuleType, streams_service: ModuleType, base: str, receiver: Receiver
) -> None:
    data, page = os.urandom(MIB + 4097), os.urandom(100)
    form = streams_client.models.PostFormRequest(file=data, pages=[page], note="cover")
    with streams_client.Client(base) as api:
        answer = api.post_form(body=form)
    assert isinstance(answer, streams_client.results.PostFormOk), answer
    assert answer.body.size == len(data) and answer.body.on_disk is True
    assert answer.body.digest == hashlib.sha256(data + page).hexdigest()
    body = receiver.uploads[-1]
    assert isinstance(body, streams_service.Form)
    assert body.fields.note == "cover" and not hasattr(body.fields, "file")
    assert [part.size for part in body.files["pages"]] == [100]


def test_a_small_file_part_stays_in_memory(streams_client: ModuleType, base: str) -> None:
    form = streams_client.models.PostFormRequest(file=b"small", note="n")
    with streams_client.Client(base) as api:
        answer = api.post_form(body=form)
    assert isinstance(answer, streams_client.results.PostFormOk), answer
    assert (answer.body.size, answer.body.on_disk) == (5, False)


def test_file_parts_are_judged_by_their_size_and_count(
    streams_client: ModuleType, base: str, receiver: Receiver
) -> None:
    seen = len(receiver.uploads)
    model = streams_client.models.PostFormRequest  # built unchecked: the client's model refuses
    too_long = model.model_construct(file=b"\0" * 3_000_001, note="n")
    too_many = model.model_construct(file=b"x", pages=[b"1"] * 3, note="n")
    with streams_client.Client(base) as api:
        long_answer = api.post_form(body=too_long)  # maxLength 3000000
        many_answer = api.post_form(body=too_many)  # maxItems 2
    assert isinstance(long_answer, streams_client.results.PostFormBadRequest)
    assert isinstance(many_answer, streams_client.results.PostFormBadRequest)
    assert len(receiver.uploads) == seen  # refused before the handler
    with httpx.Client(base_url=base, timeout=30) as http:
        missing = http.post("/forms", files={"other": ("a.bin", b"1")}, data={"note": "n"})
    assert missing.status_code == 400  # `file` is required


def test_a_file_part_past_the_body_limit_gets_413_in_the_contracts_shape(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        answer = http.post(
            "/forms", files={"file": ("big.bin", b"\0" * 3_600_000)}, data={"note": "n"}
        )
    assert answer.status_code == 413
    assert set(answer.json()) >= {"code", "message"}  # the documented 413 body
