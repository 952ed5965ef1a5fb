"""The order routes are tried in, OpenAPI's: the path before the method, concrete first.

OpenAPI 3.x, Paths Object: "When matching URLs, concrete (non-templated) paths would be matched
before their templated counterparts", and templates equal but for names are the same path.
`serve_in_order` sorts the router's routes so, and gives each templated route the more concrete
templates it must leave its paths to (`ContractRoute.shadows`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi import APIRouter

from .routes import ContractRoute


def serve_in_order(
    router: APIRouter, prefix: str, order: Sequence[tuple[str, Sequence[str]]]
) -> None:
    """Try the routes in OpenAPI's order: at the first segment where two paths differ in being
    templated, the concrete one first; paths alike in that (`/g/{id}.json`, `/g/{name}.json`)
    in contract order (`order`), so the later one's methods are shadowed, as validate warns.
    """
    position = {prefix + path: index for index, (path, _methods) in enumerate(order)}

    def key(route: object) -> tuple[tuple[bool, ...], int]:
        path = str(getattr(route, "path", ""))
        return templated_segments(path), position.get(path, len(position))

    router.routes.sort(key=key)
    _shadow(router.routes)


def templated_segments(path: str) -> tuple[bool, ...]:
    """Which segments of a path are templated: OpenAPI tries the concrete one first where two
    paths differ.

    >>> templated_segments("/p/{k}/avatar/temporary")
    (False, False, True, False, False)
    """
    return tuple("{" in s for s in path.split("/"))


def _shadow(routes: Sequence[object]) -> None:
    """Give each templated route the more concrete templates whose paths it could also match.

    OpenAPI 3.x, Paths Object: concrete paths are matched before templated ones, and the path
    is matched before the method, so `DELETE /p/1/avatar/temporary` belongs to
    `/p/{k}/avatar/temporary` (405 when it has no DELETE), never to `/p/{k}/avatar/{id}`.
    """
    seen: dict[int, dict[str, tuple[tuple[bool, ...], re.Pattern[str]]]] = {}
    for route in routes:
        if not isinstance(route, ContractRoute):
            continue
        flags = templated_segments(route.path)
        alike = seen.setdefault(len(flags), {})  # only paths of as many segments can overlap
        if route.templated:
            found = tuple(
                regex
                for path, (other, regex) in alike.items()
                if other != flags and _overlap(path, route.path)
            )
            if found:
                route.shadows = found
        alike.setdefault(route.path, (flags, route.path_regex))


def _overlap(concrete: str, templated: str) -> bool:
    """Whether two paths of as many segments can match one request path (a literal segment of
    either equals the other's, or the other's is templated)."""
    return all(
        a == b or "{" in a or "{" in b
        for a, b in zip(concrete.split("/"), templated.split("/"), strict=True)
    )
