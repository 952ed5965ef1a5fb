"""Parameters put on the wire as the contract serializes them (OpenAPI 3.x §4.8.12.4).

The mirror of the server runtime's `params.py`: `simple`, `label` and `matrix` in paths,
`form`, `spaceDelimited`, `pipeDelimited` and `deepObject` in queries, `simple` in headers,
`form` in cookies, and `content` parameters as JSON text. Values become JSON first (models by
their wire names, enums by value, times in ISO 8601), then text: `true`/`false`, numbers as
JSON writes them.

>>> path_value(ParamSpec("ids", "ids", "path", style="matrix", explode=True), [1, 2])
';ids=1;ids=2'
>>> query_pairs(ParamSpec("f", "f", "query", style="deepObject"), {"a": 1})
[('f[a]', '1')]
"""

from __future__ import annotations

import json
from typing import Any, Protocol
from urllib.parse import quote

from pydantic_core import to_jsonable_python

_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


class ParamSpec(Protocol):
    """What serializing reads of a parameter: the client's `specs.ParamSpec` has it, and so has
    the service runtime's (a package with webhooks sends their parameters with this module,
    copied as `runtime/webhook_params.py`)."""

    @property
    def wire(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def style(self) -> str: ...
    @property
    def explode(self) -> bool | None: ...
    @property
    def media_type(self) -> str | None: ...


def jsonable(value: Any) -> Any:
    """A value as JSON data: models by alias, enums by value, dates as ISO 8601 text."""
    return to_jsonable_python(value, by_alias=True)


def text(value: Any) -> str:
    """One JSON scalar as parameter text.

    >>> text(True), text(None), text(2.5), text("a b")
    ('true', '', '2.5', 'a b')
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)


def _style(spec: ParamSpec) -> tuple[str, bool]:
    style = spec.style or _DEFAULT_STYLE[spec.location]
    explode = spec.explode if spec.explode is not None else style == "form"
    return style, explode


def _atoms(value: Any, explode: bool, escape: bool) -> list[tuple[str | None, str]]:
    """(key, text) pieces of an array or object (key None for array items and scalars)."""
    enc = (lambda s: quote(s, safe="")) if escape else (lambda s: s)
    if isinstance(value, list):
        return [(None, enc(text(item))) for item in value]
    if isinstance(value, dict):
        if explode:
            return [(enc(str(k)), enc(text(v))) for k, v in value.items()]
        flat: list[tuple[str | None, str]] = []
        for k, v in value.items():
            flat += [(None, enc(str(k))), (None, enc(text(v)))]
        return flat
    return [(None, enc(text(value)))]


def _joined(pieces: list[tuple[str | None, str]], sep: str) -> str:
    return sep.join(p if k is None else f"{k}={p}" for k, p in pieces)


def path_value(spec: ParamSpec, value: Any) -> str:
    """The text that replaces `{name}` in the path (percent-encoded)."""
    data = jsonable(value)
    if spec.media_type is not None:
        return quote(json.dumps(data, separators=(",", ":")), safe="")
    style, explode = _style(spec)
    pieces = _atoms(data, explode, escape=True)
    if style == "label":
        return "." + _joined(pieces, "." if explode else ",")
    if style == "matrix":
        name = quote(spec.wire, safe="")
        if isinstance(data, dict) and explode:
            return "".join(f";{k}={p}" for k, p in pieces)
        if isinstance(data, list) and explode:
            return "".join(f";{name}={p}" for _, p in pieces)
        return f";{name}=" + _joined(pieces, ",")
    return _joined(pieces, ",")


def query_pairs(spec: ParamSpec, value: Any) -> list[tuple[str, str]]:
    """The (name, value) pairs of a query parameter, unencoded (httpx encodes them)."""
    data = jsonable(value)
    if spec.media_type is not None:
        return [(spec.wire, json.dumps(data, separators=(",", ":")))]
    style, explode = _style(spec)
    if style == "deepObject" and isinstance(data, dict):
        return [(f"{spec.wire}[{k}]", text(v)) for k, v in data.items()]
    pieces = _atoms(data, explode, escape=False)
    if isinstance(data, list) and style in _DELIMITERS:
        return [(spec.wire, _DELIMITERS[style].join(p for _, p in pieces))]
    if explode and isinstance(data, list):
        return [(spec.wire, p) for _, p in pieces]
    if explode and isinstance(data, dict):
        return [(k or "", p) for k, p in pieces]
    return [(spec.wire, _joined(pieces, ","))]


def header_value(spec: ParamSpec, value: Any) -> str:
    """A header parameter (`simple`) or cookie value (`form`) as text."""
    data = jsonable(value)
    if spec.media_type is not None:
        return json.dumps(data, separators=(",", ":"))
    _, explode = _style(spec)
    if spec.location == "cookie":
        explode = False  # several cookies of one name cannot be told apart
    return _joined(_atoms(data, explode, escape=False), ",")
