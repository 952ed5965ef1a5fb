"""Spooled uploads (issue 21, item 3): an `application/octet-stream` body larger than settings'
`upload_spool_bytes` is read into a temporary file on disk, not memory; the handler gets an
`Upload` it can read or stream; the schema's `maxLength` and the service's body limit still hold.
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
