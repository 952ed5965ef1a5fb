"""What each part of a multipart body declared: name, `Content-Type`, file or field, size.

The generated layer hands `replaceBookMedia` a validated `BookMediaUpload`, without the parts'
headers; the contract checks parts by their declared `Content-Type` (`encoding`), so this
reads the headers from the same bytes while the body streams in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


@dataclass
class Part:
    """One part of a multipart body."""

    name: str
    content_type: str | None  # lower-case media type with its parameters, None when absent
    is_file: bool
    size: int = 0

    @property
    def media_type(self) -> str | None:
        """The media type without parameters, e.g. `text/plain`."""
        if self.content_type is None:
            return None
        return self.content_type.split(";", 1)[0].strip()


class PartInspector:
    """Feeds body chunks to a streaming multipart parser and records every part's headers."""

    def __init__(self, boundary: bytes) -> None:
        self.parts: list[Part] = []
        self.broken = False  # malformed bodies are the form parser's to reject (400)
        self._field = b""
        self._value = b""
        self._headers: dict[str, str] = {}
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
        }
        self._parser = MultipartParser(boundary, callbacks)

    @classmethod
    def from_content_type(cls, content_type: str) -> PartInspector | None:
        """An inspector for a `multipart/form-data; boundary=...` body, else None."""
        media_type, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if media_type != b"multipart/form-data" or not boundary:
            return None
        return cls(boundary)

    def feed(self, chunk: bytes) -> None:
        """Parse the next chunk of the body."""
        if self.broken or not chunk:
            return
        try:
            self._parser.write(chunk)
        except Exception:  # any parser failure: stop looking, the form parser reports it
            self.broken = True

    def _begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        name = self._field.decode("latin-1").strip().lower()
        self._headers[name] = self._value.decode("latin-1").strip()
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", ""))
        name = params.get(b"name", b"").decode("latin-1")
        content_type = self._headers.get("content-type")
        self.parts.append(
            Part(
                name=name,
                content_type=content_type.lower() if content_type else None,
                is_file=b"filename" in params,
            )
        )

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.parts:
            self.parts[-1].size += end - start
