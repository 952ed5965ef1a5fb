"""Which operations page, and how: the markers the generated client follows (issue 21).

Two markers are understood, in this order:

* `x-specfirst-pagination: {cursor: <query parameter>, next: <body property>}` on the
  operation: the success body's property carries the cursor of the next page, sent back in
  the named query parameter; a missing, null or empty cursor ends the iteration;
* a `Link` header documented on a 2xx response: the next page is the `rel="next"` target of
  the RFC 8288 `Link` header, until a response has none.

A malformed extension is ignored (the operation then pages by `Link` if it documents one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.ir.nodes import Location, Paging, PagingKind, Parameter, Response

EXTENSION = "x-specfirst-pagination"


def build_paging(
    op: Mapping[str, Any], parameters: tuple[Parameter, ...], responses: tuple[Response, ...]
) -> Paging | None:
    """The operation's paging, or None when the contract marks none.

    >>> from generator.ir.nodes import Location, Parameter
    >>> p = Parameter("cursor", "cursor", Location.QUERY, False, "str")
    >>> build_paging({EXTENSION: {"cursor": "cursor", "next": "next"}}, (p,), ())
    Paging(kind=<PagingKind.CURSOR: 'cursor'>, cursor='cursor', next_field='next')
    """
    marker = op.get(EXTENSION)
    if isinstance(marker, Mapping):
        wire, field = marker.get("cursor"), marker.get("next")
        query = {p.wire: p.name for p in parameters if p.location is Location.QUERY}
        if isinstance(wire, str) and wire in query and isinstance(field, str) and field:
            return Paging(PagingKind.CURSOR, cursor=query[wire], next_field=field)
    for response in responses:
        success = response.status is not None and 200 <= response.status < 300
        if success and any(h.wire.lower() == "link" for h in response.headers):
            return Paging(PagingKind.LINK)
    return None
