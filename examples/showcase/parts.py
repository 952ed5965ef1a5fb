"""The `Content-Type` each part of a multipart body declared: the `parts` resource.

The runtime hands a handler its file parts as spooled `Upload`s, which carry their content
type, and refuses a file part in a type its `encoding` does not list. The headers of the other parts
(`alt_text`, a text field) are dropped by the form parser, and `encoding` asks for
`text/plain; charset=utf-8` there too, so this reads every part's headers from the body.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from generated.showcase import RequestContext

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

RESOURCE = "parts"  # the name in `context.resources`


@dataclass(frozen=True)
class Part:
    """What one part of a multipart body declared."""

    name: str
    content_type: str | None  # lower-case media type with its parameters, None when absent
    is_file: bool

    @property
    def media_type(self) -> str | None:
        """The media type without parameters, e.g. `text/plain`."""
        return media_type(self.content_type)


def media_type(content_type: str | None) -> str | None:
    """A `Content-Type` value's media type, lower case, without parameters.

    >>> media_type("Text/Plain; charset=utf-8"), media_type(None)
    ('text/plain', None)
    """
    return content_type.split(";", 1)[0].strip().lower() if content_type else None


async def declared_parts(request: Request) -> tuple[Part, ...]:
    """The parts of a `multipart/form-data` body (none for other bodies): a FastAPI dependency.

    Every handler that declares its context gets it, but only multipart bodies are read. A
    malformed body yields the parts read so far; the runtime's form parser reports it (400).
    """
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        return ()
    reader = _HeaderReader(boundary)
    body = await request.body()  # cached: the runtime reads the same bytes
    with suppress(Exception):  # any parser failure: stop looking
        reader.parser.write(body)
    return tuple(reader.parts)


def parts_of(context: RequestContext) -> tuple[Part, ...]:
    """The request's parts, from the context its handler declared."""
    parts: tuple[Part, ...] = context.resources[RESOURCE]
    return parts


class _HeaderReader:
    """Multipart parser callbacks that keep each part's headers and skip its data."""

    def __init__(self, boundary: bytes) -> None:
        self.parts: list[Part] = []
        self._field = b""
        self._value = b""
        self._headers: dict[str, str] = {}
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }
        self.parser = MultipartParser(boundary, callbacks)

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
        content_type = self._headers.get("content-type")
        self.parts.append(
            Part(
                name=params.get(b"name", b"").decode("latin-1"),
                content_type=content_type.lower() if content_type else None,
                is_file=b"filename" in params,
            )
        )
