"""`Upload`: an `application/octet-stream` request body, spooled to a temporary file when large.

The body is read chunk by chunk into a `tempfile.SpooledTemporaryFile`: in memory up to
settings' `upload_spool_bytes`, on disk past it, so a 50 MiB upload never sits in memory
whole. The service's body limit (`max_body_bytes`, answered 413) still applies while it is
read. The schema is still judged: a `format: binary` string's `minLength`/`maxLength` by the
size, anything else by the bytes.

    async def upload_book_file(self, *, book_id: int, body: Upload) -> ...:
        digest = hashlib.sha256()
        for chunk in body.chunks():
            digest.update(chunk)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from tempfile import SpooledTemporaryFile
from types import MappingProxyType
from typing import IO, Any, Generic, TypeVar

from fastapi import Request

from .schemas import Issue, node, resolve

__all__ = ["Form", "Upload", "spool"]

M = TypeVar("M")

_CHUNK = 64 * 1024
# Keywords that judge only a string's length, or nothing at all (annotations).
_BY_SIZE = frozenset(
    {"type", "format", "minLength", "maxLength", "contentMediaType", "contentEncoding"}
    | {"title", "description", "examples", "example", "default", "deprecated", "$comment"}
)


class Upload:
    """A request body in a spooled temporary file: read it, stream it, or hand on its file.

    `size` is its length in bytes, `content_type` what the request said it is, `file` the
    `SpooledTemporaryFile` itself (positioned at the start). The file is closed (and deleted
    from disk) with this object: copy what must outlive the request.
    """

    def __init__(
        self,
        file: IO[bytes],
        size: int,
        content_type: str | None = None,
        filename: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.file = file
        self.size = size
        self.content_type = content_type
        self.filename = filename  # a multipart file part's, as the client sent it
        self.headers: Mapping[str, str] = MappingProxyType(dict(headers or {}))  # a part's

    def read(self, size: int = -1) -> bytes:
        """The next `size` bytes (all that is left by default)."""
        return self.file.read(size)

    def chunks(self, size: int = _CHUNK) -> Iterator[bytes]:
        """The whole content from the start, `size` bytes at a time."""
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk

    def seek(self, offset: int) -> int:
        """Move to `offset` bytes from the start."""
        return self.file.seek(offset)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"Upload(size={self.size}, content_type={self.content_type!r})"


class Form(Generic[M]):
    """A multipart body with file parts (`format: binary` properties), none of them read.

    `fields` holds the other fields, typed by the model of the body's schema without its file
    properties (`models.<Body>Fields`); `files` each file property's parts by wire name, as
    `Upload`s spooled to disk past Starlette's 1 MiB (only the parts sent: an optional one may
    be absent). The parts' files go with the form when the request is done: copy what must
    outlive it.

        async def replace_book_media(
            self, *, book_id: int, body: Form[models.BookMediaUploadFields]
        ) -> ...:
            cover = body.file("cover")  # an Upload: size, content_type, filename, chunks()
            pages = body.files.get("sample_pages", ())
            text = body.fields.alt_text
    """

    def __init__(self, fields: M, files: Mapping[str, Sequence[Upload]]) -> None:
        self.fields = fields
        self.files: Mapping[str, Sequence[Upload]] = MappingProxyType(dict(files))

    def file(self, name: str) -> Upload:
        """The one part of file property `name` (KeyError when the request left it out)."""
        return self.files[name][0]

    def __repr__(self) -> str:
        sizes = {name: [part.size for part in parts] for name, parts in self.files.items()}
        return f"Form(fields={self.fields!r}, files={sizes})"


async def spool(request: Request, threshold: int) -> Upload:
    """Read the request body into a spooled file, on disk past `threshold` bytes."""
    # no `with`: the file outlives this function, in the `Upload` the handler gets
    file: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(max_size=threshold)  # noqa: SIM115
    size = 0
    try:
        async for chunk in request.stream():
            file.write(chunk)
            size += len(chunk)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return Upload(file, size, request.headers.get("content-type"))


def size_issues(ref: str, size: int) -> list[Issue] | None:
    """A `format: binary` schema's length keywords judged by the size alone; None when the
    schema says more than that (the caller judges the bytes themselves)."""
    _, schema = resolve(ref, node(ref))
    if not isinstance(schema, Mapping) or not _BY_SIZE.issuperset(schema):
        return None
    issues: list[Issue] = []
    low, high = _bound(schema, "minLength"), _bound(schema, "maxLength")
    if high is not None and size > high:
        issues.append(Issue("body", "", "", f"The body is longer than {high} bytes"))
    if low is not None and size < low:
        issues.append(Issue("body", "", "", f"The body is shorter than {low} bytes"))
    return issues


def _bound(schema: Mapping[str, Any], keyword: str) -> int | None:
    value = schema.get(keyword)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
