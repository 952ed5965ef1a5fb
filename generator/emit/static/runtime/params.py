"""Path, query, header and cookie parameters, read exactly as the contract serializes them.

Every `style`/`explode` combination of OpenAPI 3.x §4.8.12.4 is read: `simple`, `label` and
`matrix` in paths, `form`, `spaceDelimited`, `pipeDelimited` and `deepObject` in queries,
`simple` in headers, `form` in cookies, and `content` parameters (JSON text). A value that
is not serialized as declared, or a single-valued parameter given more than once, is an
`Issue`: the request is refused before any handler sees it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from fastapi import Request
from pydantic import TypeAdapter, ValidationError

from . import text
from .lazy import resolved
from .schemas import Issue, check
from .shapes import Shape, shape_of

ABSENT: Any = object()
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


class Refused(Exception):
    """A parameter cannot be read as declared."""


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: handler keyword, wire name, location, schema and serialization."""

    name: str
    wire: str
    location: str  # path | query | header | cookie
    schema: str  # reference in the request view ("" for none)
    annotation: Any  # the handler's type (a function returning it, for a models type: lazy.py)
    required: bool = False
    style: str = ""  # "" means the location's default
    explode: bool | None = None  # None means the style's default
    media_type: str | None = None  # set for `content` parameters
    default: Any = ABSENT  # the schema's default (JSON), given when the parameter is absent

    @functools.cached_property
    def shape(self) -> Shape:
        return shape_of(self.schema)

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(resolved(self.annotation))

    @property
    def exploded(self) -> bool:
        style = self.style or _DEFAULT_STYLE[self.location]
        return self.explode if self.explode is not None else style == "form"

    def read(self, sources: Sources) -> Any:
        """The JSON value the request carries for this parameter, or ABSENT."""
        if self.location == "path":
            raw = sources.request.path_params.get(self.name)  # the route's identifier-safe name
            return ABSENT if raw is None else self._path(unquote(raw))
        if self.location == "query":
            return self._query(sources)
        found = (
            sources.headers(self.wire) if self.location == "header" else sources.cookie(self.wire)
        )
        if not found:
            return ABSENT
        if len(found) > 1 and not (self.location == "header" and self.shape.is_array):
            raise Refused("must be given once")
        return self._simple(",".join(found))

    def _simple(self, raw: str) -> Any:
        if self.media_type is not None:
            return _content(raw, self.media_type)
        shape = self.shape
        if shape.is_array:
            return text.items(raw.split(",") if raw else [], shape)
        if shape.is_object:
            parts = raw.split(",") if raw else []
            found = text.assignments(parts, shape) if self.exploded else text.pairs(parts, shape)
            if found is None:
                raise Refused("is not serialized as the contract declares")
            return found
        return text.scalar(raw, shape.types)

    def _path(self, raw: str) -> Any:
        style = self.style or "simple"
        if style == "simple":
            return self._simple(raw)
        if style == "label":
            if not raw.startswith("."):
                raise Refused("must start with '.' (label style)")
            body = raw[1:]
            structured = self.shape.is_array or self.shape.is_object
            return self._simple(body.replace(".", ",") if self.exploded and structured else body)
        return self._matrix(raw)

    def _matrix(self, raw: str) -> Any:
        if not raw.startswith(";"):
            raise Refused("must start with ';' (matrix style)")
        segments = raw[1:].split(";")
        shape = self.shape
        if shape.is_object and self.exploded:
            found = text.assignments(segments, shape)
            if found is None:
                raise Refused("is not serialized as the contract declares")
            return found
        values = []
        for segment in segments:
            key, _, value = segment.partition("=")
            if key != self.wire:
                raise Refused("is not serialized as the contract declares")
            values.append(value)
        if shape.is_array and self.exploded:
            return text.items(values, shape)
        if len(values) != 1:
            raise Refused("must be given once")
        return self._simple(values[0])

    def _query(self, sources: Sources) -> Any:
        style = self.style or "form"
        shape = self.shape
        if style == "deepObject":
            return _deep_object(sources.query, self.wire, shape)
        if shape.is_object and self.exploded and self.media_type is None:
            return _exploded_object(sources, shape)
        found = sources.query_values(self.wire)
        if not found:
            return ABSENT
        if shape.is_array and self.media_type is None:
            if self.exploded:
                return text.items(found, shape)
            if len(found) > 1:
                raise Refused("must be given once (explode: false)")
            delimiter = _DELIMITERS.get(style, ",")
            return text.items(found[0].split(delimiter) if found[0] else [], shape)
        if len(found) > 1:
            raise Refused("must be given once")
        return self._simple(found[0])


def _content(raw: str, media_type: str) -> Any:
    if media_type.split(";", 1)[0].strip().lower().endswith("json"):
        try:
            return text.loads(raw)
        except ValueError:
            raise Refused("is not valid JSON") from None
    return raw


def _deep_object(query: Sequence[tuple[str, str]], wire: str, shape: Shape) -> Any:
    prefix = wire + "["
    found: dict[str, Any] = {}
    for key, raw in query:
        if key.startswith(prefix) and key.endswith("]"):
            _member(found, key[len(prefix) : -1], raw, shape)
    return found if found else ABSENT


def _exploded_object(sources: Sources, shape: Shape) -> Any:
    found: dict[str, Any] = {}
    open_ended = shape.additional is not None or not shape.properties
    for key, raw in sources.query:
        if key in sources.claimed or (key not in shape.properties and not open_ended):
            continue
        _member(found, key, raw, shape)
    return found if found else ABSENT


def _member(found: dict[str, Any], name: str, raw: str, shape: Shape) -> None:
    """One `name=raw` pair of an object spread over the query, added to `found`."""
    sub = shape.properties.get(name) or shape.additional or Shape()
    if sub.is_array:
        found.setdefault(name, []).append(text.scalar(raw, (sub.items or Shape()).types))
    elif name in found and not sub.types:  # any value: a repeated key is an array
        previous = found[name]
        found[name] = [*(previous if isinstance(previous, list) else [previous]), raw]
    elif name in found:
        raise Refused(f"has '{name}' more than once")
    else:
        found[name] = text.scalar(raw, sub.types)


class Sources:
    """The parts of one request that parameters are read from, each parsed once."""

    def __init__(self, request: Request, claimed: frozenset[str]) -> None:
        self.request = request
        self.claimed = claimed  # query names that other parameters own
        self._query: list[tuple[str, str]] | None = None
        self._cookies: dict[str, list[str]] | None = None

    @property
    def query(self) -> list[tuple[str, str]]:
        if self._query is None:
            self._query = list(self.request.query_params.multi_items())
        return self._query

    def query_values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def headers(self, name: str) -> list[str]:
        return self.request.headers.getlist(name)

    def cookie(self, name: str) -> list[str]:
        if self._cookies is None:
            self._cookies = {}
            for header in self.request.headers.getlist("cookie"):
                for chunk in header.split(";"):
                    key, sep, value = chunk.strip().partition("=")
                    if sep:
                        self._cookies.setdefault(key, []).append(value)
        return self._cookies.get(name, [])


def read_parameters(
    request: Request, specs: Sequence[ParamSpec], claimed: frozenset[str]
) -> tuple[dict[str, Any], list[Issue]]:
    """Every parameter of an operation, validated and typed; the issues when any is wrong."""
    sources = Sources(request, claimed)
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for spec in specs:
        try:
            raw = spec.read(sources)
        except Refused as refused:
            issues.append(Issue(spec.location, spec.wire, "", f"{spec.wire} {refused}"))
            continue
        if raw is ABSENT:
            if spec.required:
                issues.append(Issue(spec.location, spec.wire, "", f"{spec.wire} is required"))
            else:
                values[spec.name] = _default(spec)
            continue
        found = check(spec.schema, raw, spec.location, spec.wire)
        if found:
            issues.extend(found)
            continue
        try:
            values[spec.name] = spec.adapter.validate_python(raw)
        except ValidationError as error:
            issues.extend(_type_issues(spec, error))
    return values, issues


def _default(spec: ParamSpec) -> Any:
    if spec.default is ABSENT:
        return None
    try:
        return spec.adapter.validate_python(spec.default)
    except ValidationError:
        return spec.default


def _type_issues(spec: ParamSpec, error: ValidationError) -> list[Issue]:
    """Issues for a value the schema accepts but the handler's type cannot hold."""
    return [
        Issue(spec.location, spec.wire, "", f"{spec.wire}: {e.get('msg', 'invalid')}")
        for e in error.errors()
    ]


def openapi_parameters(specs: Sequence[ParamSpec]) -> list[Mapping[str, Any]]:
    """The parameters as FastAPI's derived schema should show them (`specfirst drift`)."""
    return [
        {"name": s.wire, "in": s.location, "required": s.required or s.location == "path"}
        for s in specs
    ]
