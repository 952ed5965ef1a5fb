"""Responses that stream items: Server-Sent Events and newline-delimited JSON (issue 21, item 3).

A response streams when one of its media types is `text/event-stream` (each event's `data` is
one item) or `application/x-ndjson` / `application/jsonl` (each non-empty line is one JSON
item). The item's schema is the media type's `itemSchema` (OAS 3.2) or else its `schema`; its
type is the model plan's type at that pointer (`Any` when there is none). An SSE item schema
of `type: string` keeps each event's data as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from generator.ir.nodes import StreamKind
from generator.ir.refs import as_mapping
from generator.spec.pointers import deref, join_pointer

MEDIA_TYPES = {
    "text/event-stream": StreamKind.SSE,
    "application/x-ndjson": StreamKind.NDJSON,
    "application/jsonl": StreamKind.NDJSON,
}


class Streamed(NamedTuple):
    """What a response streams: its kind, the item's type and schema, and for SSE in OAS 3.2's
    form the schema of each whole event."""

    kind: StreamKind | None
    item: str = "Any"  # the type of one item
    item_pointer: str = ""  # the item schema in the bundled contract ("" for none)
    event_pointer: str = ""  # SSE: the schema of each event object (OAS 3.2 form), else ""


def response_stream(
    root: Mapping[str, Any], response: Mapping[str, Any], ptr: str, types: Mapping[str, str]
) -> Streamed:
    """What a (resolved) response at `ptr` streams; `Streamed(None)` when it does not.

    >>> response_stream({}, {"content": {"application/x-ndjson": {}}}, "/r", {})
    Streamed(kind=<StreamKind.NDJSON: 'ndjson'>, item='Any', item_pointer='', event_pointer='')
    """
    content = as_mapping(response.get("content"))
    for media_type, node in content.items():
        kind = MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())
        if kind is None:
            continue
        media = as_mapping(node)
        key = "itemSchema" if "itemSchema" in media else "schema"
        if key not in media:
            return Streamed(kind)
        site = join_pointer(ptr, "content", media_type, key)
        schema, target = deref(root, media[key], site)
        if kind is StreamKind.SSE and "data" in as_mapping(as_mapping(schema).get("properties")):
            return _event_form(root, as_mapping(schema), target, types)._replace(event_pointer=site)
        annotation = types.get(site) or types.get(target) or "Any"
        if as_mapping(schema).get("type") == "string" and kind is StreamKind.SSE:
            annotation = "str"
        return Streamed(kind, annotation, site)
    return Streamed(None)


def _event_form(
    root: Mapping[str, Any], schema: Mapping[str, Any], at: str, types: Mapping[str, str]
) -> Streamed:
    """OAS 3.2's form of an SSE schema: each event an object with `data` (and `event`, `id`,
    `retry`); the item is the `data`, typed by its `contentSchema` (with `contentMediaType`
    `application/json`), else text."""
    data_at = join_pointer(at, "properties", "data")
    data, data_at = deref(root, as_mapping(schema.get("properties"))["data"], data_at)
    inner = as_mapping(data).get("contentSchema")
    if inner is None:
        return Streamed(StreamKind.SSE, "str")
    site = join_pointer(data_at, "contentSchema")
    _, target = deref(root, inner, site)
    # wire.json's views keep no `contentSchema`: the item is checked by its `$ref` target
    checked = target if target != site else ""
    return Streamed(StreamKind.SSE, types.get(site) or types.get(target) or "Any", checked)


def is_streamed(media_type: str | None) -> bool:
    """True when a media type streams items.

    >>> is_streamed("application/jsonl; charset=utf-8"), is_streamed("application/json")
    (True, False)
    """
    return media_type is not None and media_type.split(";", 1)[0].strip().lower() in MEDIA_TYPES
