"""What the client knows about each operation: a frozen table the generated methods hand over.

`operations.py` in the client package builds one `OperationSpec` per operation from the
contract; the transport reads it to build the request and to turn the response into the
documented result. `OperationSpec[R]` carries the union of result classes `R` as a type only,
so a method returns exactly the results its operation documents.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

R = TypeVar("R")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: method keyword, wire name, location and serialization."""

    name: str
    wire: str
    location: str  # path | query | header | cookie
    style: str = ""  # OpenAPI `style` as written; "" for the location's default
    explode: bool | None = None  # OpenAPI `explode` as written; None for the style's default
    media_type: str | None = None  # a `content` parameter's media type (sent as JSON text)


@dataclass(frozen=True)
class BodySpec:
    """One media type the operation accepts, and how a body is put on the wire for it."""

    media_type: str
    kind: str  # json | form | multipart | binary | text
    annotation: Any

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.annotation)


@dataclass(frozen=True)
class HeaderSpec:
    """A documented response header: result attribute, wire name, type, required."""

    attribute: str
    wire: str
    annotation: Any
    required: bool = False

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.annotation)

    @functools.cached_property
    def is_list(self) -> bool:
        return typing.get_origin(self.annotation) is list


@dataclass(frozen=True)
class ResponseSpec:
    """One documented response: its result class, status key, body kind and headers."""

    result: type[Any]
    key: str  # "200", "4XX" or "default"
    kind: str | None  # json | text | binary, None for no body
    annotation: Any = None
    headers: tuple[HeaderSpec, ...] = ()
    status_field: bool = False  # the result class has `status_code` (ranges and default)
    content_type_field: bool = False  # the result class has `content_type` (wildcard types)
    stream: str | None = None  # sse | ndjson: the body is a sequence of items
    item: Any = None  # the type of one streamed item

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.annotation)

    @functools.cached_property
    def item_adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.item)

    def matches(self, status: int) -> bool:
        """Whether this response documents `status` (exactly, by range, or as default)."""
        if self.key.isdigit():
            return int(self.key) == status
        if len(self.key) == 3 and self.key[1:].upper() == "XX":
            return str(status)[0] == self.key[0]
        return self.key == "default"


@dataclass(frozen=True)
class SchemeSpec:
    """A security scheme: the `Credentials` field it reads and how the credential is sent."""

    identifier: str
    kind: str  # jwt | apiKey | basic | unsupported
    location: str = "header"  # apiKey: header | query | cookie
    parameter: str = "Authorization"  # apiKey: the header, query parameter or cookie name


@dataclass(frozen=True)
class Paging:
    """How the next page is found: `link` (RFC 8288) or `cursor` (`x-specfirst-pagination`)."""

    kind: str
    cursor: str = ""  # the query parameter's keyword
    next_field: str = ""  # the success body's property holding the next cursor


@dataclass(frozen=True)
class OperationSpec(Generic[R]):
    """Everything the transport needs for one operation; `R` is its union of result classes."""

    operation_id: str
    method: str
    path: str  # the contract's path template, wire names in braces
    params: tuple[ParamSpec, ...] = ()
    bodies: tuple[BodySpec, ...] = ()
    responses: tuple[ResponseSpec, ...] = ()
    security: tuple[tuple[str, ...], ...] = ()  # alternatives of scheme identifiers; () public
    paging: Paging | None = None

    def response_for(self, status: int) -> ResponseSpec | None:
        """The documented response for a status: exact first, then its range, then default."""
        for wanted in ("exact", "range", "default"):
            for spec in self.responses:
                kind = (
                    "exact"
                    if spec.key.isdigit()
                    else "default"
                    if spec.key == "default"
                    else "range"
                )
                if kind == wanted and spec.matches(status):
                    return spec
        return None
