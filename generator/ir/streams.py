"""Responses that stream items: Server-Sent Events and newline-delimited JSON (issue 21, item 3).

A response streams when one of its media types is `text/event-stream` (each event's `data` is
one item) or `application/x-ndjson` / `application/jsonl` (each non-empty line is one JSON
item). The item's schema is the media type's `itemSchema` (OAS 3.2) or else its `schema`; its
type is the model plan's type at that pointer (`Any` when there is none). An SSE item schema
of `type: string` keeps each event's data as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.ir.nodes import StreamKind
from generator.ir.refs import as_mapping
from generator.spec.pointers import deref, join_pointer

MEDIA_TYPES = {
    "text/event-stream": StreamKind.SSE,
    "application/x-ndjson": StreamKind.NDJSON,
    "application/jsonl": StreamKind.NDJSON,
}


def response_stream(
    root: Mapping[str, Any], response: Mapping[str, Any], ptr: str, types: Mapping[str, str]
) -> tuple[StreamKind | None, str]:
    """The stream kind of a (resolved) response at `ptr` and its item type, or (None, "Any").

    >>> response_stream({}, {"content": {"application/x-ndjson": {}}}, "/r", {})
    (<StreamKind.NDJSON: 'ndjson'>, 'Any')
    """
    content = as_mapping(response.get("content"))
    for media_type, node in content.items():
        kind = MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())
        if kind is None:
            continue
        media = as_mapping(node)
        key = "itemSchema" if "itemSchema" in media else "schema"
        if key not in media:
            return kind, "Any"
        site = join_pointer(ptr, "content", media_type, key)
        schema, target = deref(root, media[key], site)
        annotation = types.get(site) or types.get(target) or "Any"
        if as_mapping(schema).get("type") == "string" and kind is StreamKind.SSE:
            annotation = "str"
        return kind, annotation
    return None, "Any"
