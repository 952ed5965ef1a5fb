"""IR node types: frozen values the emitters and templates read; nothing here touches raw spec dicts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.ir.security import SchemeKind

if TYPE_CHECKING:
    from generator.ir.schemas import ModelPlan


class Location(enum.StrEnum):
    """Where a parameter travels (OpenAPI `in`)."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


class Style(enum.StrEnum):
    """How an array or object parameter is serialised (OpenAPI `style` + `explode`)."""

    SIMPLE = "simple"  # scalars, and path/header arrays "a,b"
    FORM_EXPLODE = "form_explode"  # ?a=1&a=2 (FastAPI's native list handling)
    DELIMITED = "delimited"  # ?a=1,2 / a=1|2 / a=1%202: split on `Parameter.delimiter`
    DEEP_OBJECT = "deep_object"  # ?a[x]=1&a[y]=2
    JSON = "json"  # objects FastAPI cannot take as parameters: each value parsed as JSON


class BodyKind(enum.StrEnum):
    """How a request body is read off the wire."""

    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    BINARY = "binary"
    TEXT = "text"


@dataclass(frozen=True)
class Constraints:
    """Validation keywords FastAPI's `Query`/`Path`/`Header`/`Cookie` can enforce."""

    ge: float | int | None = None
    gt: float | int | None = None
    le: float | int | None = None
    lt: float | int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    def kwargs(self) -> list[tuple[str, object]]:
        """The set keywords, in a fixed order."""
        order = ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
        return [(k, getattr(self, k)) for k in order if getattr(self, k) is not None]


@dataclass(frozen=True)
class Parameter:
    """One operation parameter: wire name, Python name, type and how it is parsed."""

    wire: str
    name: str
    location: Location
    required: bool
    annotation: str  # the parsed Python type, e.g. "int", "list[int]", "models.Color"
    style: Style = Style.SIMPLE
    delimiter: str = ","
    default: str | None = None  # a Python literal (repr) or None
    constraints: Constraints = field(default_factory=Constraints)
    item_constraints: Constraints = field(default_factory=Constraints)
    description: str = ""
    deprecated: bool = False
    schema_pointer: str = ""  # the parameter's schema in the bundled contract ("" for none)
    serialization: str = ""  # OpenAPI `style` as written ("" for the location's default)
    explode: bool | None = None  # OpenAPI `explode` as written (None for the style's default)
    media_type: str | None = None  # a `content` parameter's media type


@dataclass(frozen=True)
class Form:
    """A multipart body's file parts (`format: binary` properties), spooled for the handler,
    and the class of its other fields (`ir/schemas.py`: `FormPlan`)."""

    fields: str  # the other fields' class, e.g. `models.BookMediaUploadFields`
    files: tuple[tuple[str, bool], ...]  # (wire name, is an array) per file property


@dataclass(frozen=True)
class Body:
    """A request body: the media type to accept and the model that validates it."""

    media_type: str
    kind: BodyKind
    annotation: str
    required: bool
    schema_pointer: str = ""  # the body's schema in the bundled contract ("" for none)
    encoding: tuple[tuple[str, str], ...] = ()  # (part, contentType) from `encoding`
    form: Form | None = None  # multipart with file parts: what the handler gets instead

    @property
    def spooled(self) -> bool:
        """An `application/octet-stream` body: read into a spooled temporary file (issue 21)."""
        base = self.media_type.split(";", 1)[0].strip().lower()
        return self.kind is BodyKind.BINARY and base == "application/octet-stream"

    @property
    def handler_annotation(self) -> str:
        """The type a handler receives: a spooled body is a `runtime.uploads.Upload`, a
        multipart body with file parts a `runtime.uploads.Form` of its other fields' class."""
        if self.form is not None:
            return f"uploads.Form[{self.form.fields}]"
        return "uploads.Upload" if self.spooled else self.annotation


class StreamKind(enum.StrEnum):
    """A response that is a sequence of items (issue 21, item 3)."""

    SSE = "sse"  # text/event-stream: each event's `data` is one item
    NDJSON = "ndjson"  # application/x-ndjson, application/jsonl: one JSON item per line


@dataclass(frozen=True)
class Header:
    """A documented response header: wire name, keyword name on the result class, type."""

    wire: str
    name: str
    annotation: str
    required: bool
    schema_pointer: str = ""  # the header's schema in the bundled contract


@dataclass(frozen=True)
class Response:
    """One documented response of an operation, and the result class that stands for it."""

    status: int | None  # None for `default` and ranges like `4XX`
    class_name: str
    description: str
    media_type: str | None
    body_annotation: str | None
    body_kind: BodyKind | None
    headers: tuple[Header, ...] = ()
    key: str = ""  # the status as the contract writes it: "200", "4XX", "default"
    schema_pointer: str = ""  # the body's schema in the bundled contract ("" for none)
    stream: StreamKind | None = None  # set when one of its media types streams items
    item_annotation: str = "Any"  # the type of one streamed item (`ir/streams.py`)
    item_pointer: str = ""  # the item schema in the bundled contract ("" for none)
    event_pointer: str = ""  # SSE in OAS 3.2's form: the schema of each whole event
    streams_body: bool = False  # the chosen media type streams: the handler gives an iterator

    @property
    def handler_annotation(self) -> str | None:
        """The body type a handler gives: an async iterator of items where the body streams
        (an SSE item may come in a `ServerEvent` envelope naming its id, event and retry)."""
        if not self.streams_body:
            return self.body_annotation
        item = self.item_annotation
        if self.stream is StreamKind.SSE:
            return f"AsyncIterator[{item} | streams.ServerEvent[{item}]]"
        return f"AsyncIterator[{item}]"

    @property
    def status_code(self) -> int:
        """The HTTP status a handler returns (a `default` result carries its own)."""
        return self.status if self.status is not None else 500


@dataclass(frozen=True)
class SchemeUse:
    """One security scheme inside a requirement, with the scopes it must carry."""

    scheme: str  # identifier of the scheme in security.py
    scopes: tuple[str, ...]


class PagingKind(enum.StrEnum):
    """How the next page of a paginated operation is found."""

    LINK = "link"  # RFC 8288 `Link: <...>; rel="next"` on the success response
    CURSOR = "cursor"  # `x-specfirst-pagination`: a body field feeds a query parameter


@dataclass(frozen=True)
class Paging:
    """How an operation pages: where the next page's address or cursor comes from."""

    kind: PagingKind
    cursor: str = ""  # CURSOR: the query parameter's Python name
    next_field: str = ""  # CURSOR: the success body's property (wire name) holding it


class EventKind(enum.StrEnum):
    """Who sends an event: the service to its subscribers, or to a URL a request named."""

    WEBHOOK = "webhook"  # 3.1 `webhooks`, 3.0 `x-webhooks`
    CALLBACK = "callback"  # an operation's `callbacks`


@dataclass(frozen=True)
class Event:
    """One webhook or callback: what its sender sends and its receiver accepts (`ir/webhooks.py`)."""

    kind: EventKind
    key: str  # the webhook's name or the callback's name, as the contract writes it
    name: str  # the sender's and the receiver Protocol's method name
    method: str
    summary: str
    body: Body | None  # the JSON body (None: the event has no body)
    success: int  # what a receiver answers: the contract's first 2xx, else 204
    route: str  # the receiver's route below its prefix, e.g. `/new_pet`
    pointer: str  # the event's operation in the contract
    url: tuple[tuple[str, str], ...] = ()  # a callback's key, parsed (`spec/expressions.py`)
    expression: str = ""  # a callback's key as written
    parameters: tuple[Parameter, ...] = ()  # header, query and cookie parameters it declares

    @property
    def annotation(self) -> str:
        """The event's type: its body's, `| None` where the contract does not require one."""
        if self.body is None:
            return "None"
        annotation = self.body.annotation
        optional = not self.body.required and annotation != "Any"
        return (
            f"{annotation} | None" if optional and not annotation.endswith("| None") else annotation
        )


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the handler interface and the router see it."""

    method: str
    path: str  # the contract's path template
    route_path: str  # the same with identifier-safe parameter names, for Starlette
    name: str  # snake_case method name on the tag's Protocol
    operation_id: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    bodies: tuple[Body, ...]  # every accepted media type (first one is `body`)
    responses: tuple[Response, ...]
    security: tuple[tuple[SchemeUse, ...], ...]  # OR of ANDs; () = public
    success_status: int
    paging: Paging | None = None  # set where the contract marks pagination (`ir/paging.py`)
    callbacks: tuple[Event, ...] = ()  # what its handler may send (`ir/webhooks.py`)
    callbacks_class: str = ""  # the callback sender class of this operation in webhooks.py
    callbacks_accessor: str = ""  # `WebhookSender`'s method giving that class for a request

    @property
    def result_union(self) -> str:
        """The annotation of what the handler returns (classes live in results.py)."""
        return " | ".join(f"results.{r.class_name}" for r in self.responses) or "None"

    @property
    def body_union(self) -> str:
        """The annotation of the body argument: any accepted media type's type."""
        kinds: list[str] = []
        for body in self.bodies:
            if body.annotation not in kinds:
                kinds.append(body.annotation)
        union = " | ".join(kinds)
        required = self.body is not None and self.body.required
        return union if required or "Any" in kinds else f"{union} | None"

    @property
    def handler_body_union(self) -> str:
        """The body argument's annotation on the handler side (`body_union` is what a client
        sends: bytes where the handler gets a spooled `Upload`)."""
        kinds: list[str] = []
        for body in self.bodies:
            if body.handler_annotation not in kinds:
                kinds.append(body.handler_annotation)
        union = " | ".join(kinds)
        required = self.body is not None and self.body.required
        return union if required or "Any" in kinds else f"{union} | None"

    @property
    def secured(self) -> bool:
        return any(self.security) and not any(len(alt) == 0 for alt in self.security)


@dataclass(frozen=True)
class Tag:
    """A group of operations: one Protocol, one router module, one `create_app` keyword."""

    wire: str
    module: str
    protocol: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class SecurityScheme:
    """A `securitySchemes` entry reduced to how it is verified."""

    identifier: str
    wire: str
    kind: SchemeKind
    location: str = "header"
    parameter: str = "Authorization"
    discovery_url: str | None = None


@dataclass(frozen=True)
class Api:
    """Everything one generated package needs."""

    title: str
    version: str
    contract: str  # contract path as shown in headers (relative, POSIX)
    package: str
    mount_prefix: str
    tags: tuple[Tag, ...]
    requirements: tuple[str, ...]
    schemes: tuple[SecurityScheme, ...] = ()
    route_order: tuple[str, ...] = ()  # route paths in contract order
    webhooks: tuple[Event, ...] = ()  # `webhooks` / `x-webhooks` that generate (`ir/webhooks.py`)

    @property
    def callbacks(self) -> tuple[Event, ...]:
        return tuple(event for op in self.operations for event in op.callbacks)

    @property
    def events(self) -> tuple[Event, ...]:
        """Every webhook and callback: webhooks.py is generated when there is one."""
        return (*self.webhooks, *self.callbacks)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for tag in self.tags for op in tag.operations)

    @property
    def route_methods(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each route path, in contract order, with every method the contract gives it (for
        `Allow` on 405, and the order `runtime.route_order.serve_in_order` keeps among equals)."""
        table: dict[str, list[str]] = {path: [] for path in self.route_order}
        for op in self.operations:
            table.setdefault(op.route_path, []).append(op.method.upper())
        return tuple((path, tuple(methods)) for path, methods in table.items())


@dataclass(frozen=True)
class PackageIr:
    """What emission reads for one package: nothing else, so no emitter reaches into the contract.

    `wire` is wire.json's content, decided here (the schemas' request and response views and
    the error plan); `document`, the bundled contract, is opaque: written out as openapi.json.
    """

    api: Api
    models: ModelPlan
    wire: dict[str, Any]
    document: dict[str, Any]
    env_prefix: str  # of the package's settings, e.g. `USERS_`
