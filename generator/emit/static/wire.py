"""What goes over the wire: reading request bodies and styled parameters, rendering results."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from operator import attrgetter
from typing import Any

from fastapi import Request
from fastapi.dependencies.utils import request_params_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, BeforeValidator, TypeAdapter, ValidationError
from starlette.datastructures import QueryParams, UploadFile
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]
_NO_MATCH = Match.NONE  # an enum member looked up once (~75 ns a lookup on Python 3.11)


class ContractRoute(APIRoute):
    """The route class of every generated operation.

    Generated endpoints take the request and, at most, path, query, header and cookie
    parameters (bodies and credentials are read by the generated code itself), and such an
    endpoint is called directly: its parameters are validated by FastAPI's own function for
    them (`request_params_to_args`, same errors, same `RequestValidationError`), without
    FastAPI's per-route handler around it (dependency solving, two exit stacks, exception
    handling again inside the route), which cost more than everything else a request does:
    ~40 us of ~110 in process. What the endpoint raises still reaches the application's
    exception handlers, in the middleware around the router. Any other endpoint keeps
    FastAPI's handler.

    `wrap` adds steps before the endpoint, and before its parameters are read, on either
    path (`auth.secured_route`).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.literal_prefix = self.path.split("{", 1)[0]
        if _directly_callable(self):
            self.app = _direct(self.wrap(_with_parameters(self)))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # The router tries every route before the one that matches: a request path that does
        # not start with this route's literal prefix is refused without the regex and
        # FastAPI's scope look-ups (~1 us a route; GitHub's contract has 774 of them). Under a
        # root path or an inclusion context FastAPI decides as always.
        if (
            not scope["path"].startswith(self.literal_prefix)
            and scope["type"] == "http"
            and not scope.get("root_path")
            and not scope.get("fastapi")
        ):
            return _NO_MATCH, {}
        return super().matches(scope)

    def wrap(self, handler: Endpoint) -> Endpoint:
        return handler

    def get_route_handler(self) -> Endpoint:
        return self.wrap(super().get_route_handler())


def _directly_callable(route: APIRoute) -> bool:
    found = route.dependant
    return (
        found.request_param_name is not None
        and not (found.body_params or found.dependencies)
        and found.response_param_name is None
        and found.background_tasks_param_name is None
        and found.security_scopes_param_name is None
        and found.http_connection_param_name is None
        and found.websocket_param_name is None
        and inspect.iscoroutinefunction(route.endpoint)
    )


def _with_parameters(route: APIRoute) -> Endpoint:
    """The endpoint as a function of the request: its parameters read and validated first."""
    endpoint, found = route.endpoint, route.dependant
    name = str(found.request_param_name)
    sources = [
        (fields, attrgetter(attribute))
        for fields, attribute in (
            (found.path_params, "path_params"),
            (found.query_params, "query_params"),
            (found.header_params, "headers"),
            (found.cookie_params, "cookies"),
        )
        if fields
    ]
    if not sources and _takes_request_first(endpoint, name):
        return endpoint  # one coroutine less per request

    async def with_parameters(request: Request) -> Response:
        values: dict[str, Any] = {name: request}
        errors: list[Any] = []
        for fields, read in sources:
            found_values, found_errors = request_params_to_args(fields, read(request))
            values.update(found_values)
            errors.extend(found_errors)
        if errors:
            raise RequestValidationError(errors)
        response: Response = await endpoint(**values)
        return response

    return with_parameters


def _takes_request_first(endpoint: Callable[..., Any], name: str) -> bool:
    first = next(iter(inspect.signature(endpoint).parameters.values()), None)
    return first is not None and first.name == name and first.kind in _POSITIONAL


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _direct(endpoint: Endpoint) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


@dataclasses.dataclass
class BodySpec:
    """One accepted request media type: how to read it and what validates it."""

    media_type: str
    kind: str  # json | form | multipart | binary | text
    annotation: Any = None
    files: tuple[str, ...] = ()
    arrays: tuple[str, ...] = ()
    scalars: tuple[tuple[str, str], ...] = ()  # (part, integer|number|boolean)

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        """Built on first use, so a large contract's app starts fast."""
        return TypeAdapter(self.annotation)

    def matches(self, content_type: str) -> bool:
        """True when a request's Content-Type is this media type (wildcards allowed)."""
        want = self.media_type.split(";", 1)[0].strip().lower()
        if want in {"*/*", ""}:
            return True
        if want.endswith("/*"):
            return content_type.startswith(want[:-1])
        return content_type == want


@dataclasses.dataclass
class ResultSpec:
    """How a result class becomes a response: status, media type, body type, headers."""

    status: int | None  # None: the result carries `status_code` (a `default` response)
    media_type: str | None
    kind: str | None  # json | text | binary | None (no body)
    annotation: Any = None
    headers: tuple[tuple[str, str], ...] = ()  # (attribute, wire name)

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        """Built on first use, so a large contract's app starts fast."""
        return TypeAdapter(self.annotation)


def _invalid(loc: tuple[str | int, ...], message: str, kind: str = "value_error") -> Exception:
    return RequestValidationError([{"type": kind, "loc": loc, "msg": message}])


def _prefixed(exc: ValidationError, *prefix: str | int) -> Exception:
    errors = [{**e, "loc": (*prefix, *e.get("loc", ())), "input": None} for e in exc.errors()]
    return RequestValidationError(errors)


async def read_body(request: Request, accepted: Sequence[BodySpec], required: bool) -> Any:
    """Read and validate a request body in whichever accepted media type it came."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not raw and not content_type:
        if required:
            raise _invalid(("body",), "Field required", "missing")
        return None
    spec = next((s for s in accepted if s.matches(content_type)), None)
    if spec is None:
        raise HTTPException(415, f"Unsupported media type; expected {accepted[0].media_type}")
    if spec.kind == "binary":
        return raw
    if spec.kind == "text":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid(("body",), "Body is not valid UTF-8") from None
    try:
        if spec.kind == "json":
            return spec.adapter.validate_json(raw)
        return spec.adapter.validate_python(await _form_data(request, spec))
    except ValidationError as exc:
        raise _prefixed(exc, "body") from None


async def _form_data(request: Request, spec: BodySpec) -> dict[str, Any]:
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        values = [await _part(v) for v in form.getlist(key)]
        data[key] = values if key in spec.arrays else values[-1]
    return _coerce_strings(data, spec)


async def _part(value: UploadFile | str) -> Any:
    if isinstance(value, str):
        return value
    return await value.read()


def _coerce_strings(data: dict[str, Any], spec: BodySpec) -> dict[str, Any]:
    """Form parts arrive as text: parse the ones the contract types as numbers or booleans."""
    kinds = dict(spec.scalars)
    out = dict(data)
    for key, kind in kinds.items():
        if key in out:
            value = out[key]
            out[key] = (
                [_typed(v, kind) for v in value] if isinstance(value, list) else _typed(value, kind)
            )
    return out


def _typed(value: Any, kind: str) -> Any:
    """`"3"` as 3 for an integer part, `"true"` as True for a boolean; anything else unchanged."""
    if not isinstance(value, str):
        return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    parsed = _scalar(value)
    if kind == "integer" and isinstance(parsed, int) and not isinstance(parsed, bool):
        return parsed
    if kind == "number" and isinstance(parsed, int | float) and not isinstance(parsed, bool):
        return parsed
    return value


def _scalar(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, int | float | bool) else value


def implementation(request: Request, tag: str, method: str) -> Any:
    """The hand-written method for an operation, or None when it is not implemented."""
    # `state[...]`, not `state.implementations`: Starlette's State serves attributes only after
    # a failed normal look-up (~0.45 us a request); item access is a plain method (~0.08 us).
    impl = request.app.state["implementations"].get(tag)
    return getattr(impl, method, None) if impl is not None else None


def parse_delimited(
    raw: str | None, delimiter: str, adapter: TypeAdapter[Any], loc: tuple[str, str]
) -> Any:
    """`a,b,c` (or `|`, space) into a validated list; None stays None."""
    if raw is None:
        return None
    items = raw.split(delimiter) if raw != "" else []  # the adapter's lax types parse the text
    try:
        return adapter.validate_python(items)
    except ValidationError as exc:
        raise _prefixed(exc, *loc) from None


def parse_json_value(
    raw: str | list[str] | None, adapter: TypeAdapter[Any], loc: tuple[str, str]
) -> Any:
    """Object-valued parameters (and lists of them) sent as JSON text; None stays None."""
    if raw is None:
        return None
    try:
        value = [json.loads(v) for v in raw] if isinstance(raw, list) else json.loads(raw)
    except ValueError:
        raise _invalid(loc, "Value is not valid JSON") from None
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise _prefixed(exc, *loc) from None


def parse_deep_object(
    query: QueryParams, name: str, adapter: TypeAdapter[Any], required: bool
) -> Any:
    """`name[key]=value` query pairs into a validated object."""
    prefix = name + "["
    data = {
        k[len(prefix) : -1]: v
        for k, v in query.multi_items()
        if k.startswith(prefix) and k.endswith("]")
    }
    if not data:
        if required:
            raise _invalid(("query", name), "Field required", "missing")
        return None
    try:
        return adapter.validate_strings(data)
    except ValidationError as exc:
        raise _prefixed(exc, "query", name) from None


def header_text(value: Any) -> str:
    """A header value as text (lists comma-joined, booleans lower-case, dates ISO 8601)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True)
    return str(value)


class ContractViolation(Exception):
    """An implementation returned something the contract does not allow for this operation."""


def render(result: object, specs: Mapping[type, ResultSpec]) -> Response:
    """Turn a typed result into the HTTP response the contract documents for it."""
    spec = specs.get(type(result))
    if spec is None:
        raise ContractViolation(f"{type(result).__name__} is not a result of this operation")
    payload: Any = result  # a generated result dataclass: `body`, headers, maybe `status_code`
    status = spec.status if spec.status is not None else int(payload.status_code)
    headers = {
        wire: header_text(value)
        for attr, wire in spec.headers
        if (value := getattr(result, attr)) is not None
    }
    if spec.kind is None:
        return Response(status_code=status, headers=headers)
    body = payload.body
    if spec.kind == "json":
        content = spec.adapter.dump_json(body, by_alias=True, exclude_unset=True)
    elif spec.kind == "text":
        content = str(body).encode()
    else:
        content = bytes(body)
    return Response(content, status, headers=headers, media_type=spec.media_type)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _not_a_number(value: Any) -> Any:
    """Text that is a bare number is no date or time (lax pydantic would read a timestamp)."""
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        raise ValueError("Input should be a date or time in ISO 8601 form")
    return value


NOT_A_NUMBER = BeforeValidator(_not_a_number)


def matches(pattern: str) -> AfterValidator:
    """A pattern check with Python's `re`, for patterns pydantic's regex engine rejects."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.search(value):
            raise ValueError("String should match the documented pattern")
        return value

    return AfterValidator(check)
