"""A routing index in front of FastAPI's route-by-route matching (issue 23).

The router asks every route in turn whether it matches, so on a contract with 800 operations
a request to the last one pays for the 799 before it. `RouteIndex` stands first among the
router's routes and keeps the routes after it in a tree keyed on literal path segments: for a
request it asks, in their order, only the routes whose path could match (the same number of
segments, the same literal ones) and answers with the first that matches in full, which is
the route the router's own scan would have chosen, since every route it skips answers "no
match". Whatever else it declines (a 405's partial match, a redirect to the path with or
without its trailing slash, a 404, a mount, a root path, telemetry), and the router's scan
goes on as before, so the answer is FastAPI's either way:

    router.routes.insert(0, RouteIndex(router))

The tree is rebuilt when the routes change (their count or last route).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

_FULL, _NONE = Match.FULL, Match.NONE
_NO_MATCH: tuple[Match, Scope] = (_NONE, {})
# Convertors that match within one segment; any other (`path`, a custom one) may span several.
_SEGMENT_CONVERTORS = frozenset({"str", "int", "float", "uuid"})
_SEEN_PATHS = 1024  # request paths whose candidates are remembered (then forgotten at once)
_SEEN_LENGTH = 200  # ... when no longer than this


class _Node:
    """One segment position: literal children, the templated child, and the routes that end
    here (`ends`) or match anything below (`rest`), as positions in the router's list."""

    __slots__ = ("ends", "literal", "rest", "wild")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.wild: _Node | None = None
        self.ends: list[int] = []
        self.rest: list[int] = []

    def child(self, segment: str | None) -> _Node:
        if segment is None:
            self.wild = self.wild or _Node()
            return self.wild
        return self.literal.setdefault(segment, _Node())


def pattern(route: BaseRoute) -> tuple[list[str | None], bool] | None:
    """The segments `route` can match (None: any one segment) and whether anything may follow;
    None when the route is not keyed on its path (it is then asked for every request).

    >>> pattern(Route("/repos/{owner}/keys", lambda r: None))
    (['', 'repos', None, 'keys'], False)
    """
    if isinstance(route, Mount):
        if not route.path:
            return None
        return _segments(route.path)[0], True  # it matches whatever follows its path
    if isinstance(route, Route):
        return _segments(route.path)
    return None


def _segments(path: str) -> tuple[list[str | None], bool]:
    segments: list[str | None] = []
    for part in path.split("/"):
        if "{" not in part:
            segments.append(part)
            continue
        convertors = [p.split("}", 1)[0].partition(":")[2] or "str" for p in part.split("{")[1:]]
        if not set(convertors) <= _SEGMENT_CONVERTORS:
            return segments, True  # a `path` convertor: the rest of the path, slashes and all
        segments.append(None)
    return segments, False


class RouteIndex(BaseRoute):
    """The first route of the router: it finds the route a request matches in full without
    asking the others, and hands the request to it."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self._routes: list[BaseRoute] = []
        self._last: BaseRoute | None = None
        self._count = -1
        self._seen: dict[str, tuple[BaseRoute, ...]] = {}
        self._root = _Node()
        self._always: list[int] = []

    def _current(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = self.router.routes
        if routes is not self._routes or len(routes) != self._count or routes[-1] is not self._last:
            self._build(routes)
        return routes

    def _build(self, routes: list[BaseRoute]) -> None:
        self._routes, self._count, self._last = routes, len(routes), routes[-1]
        self._root, self._always, self._seen = _Node(), [], {}
        after = False
        for position, route in enumerate(routes):
            if route is self:
                after = True
                continue
            if not after:  # the router asks the routes before this one itself
                continue
            found = pattern(route)
            if found is None:
                self._always.append(position)
                continue
            node = self._root
            for segment in found[0]:
                node = node.child(segment)
            (node.rest if found[1] else node.ends).append(position)

    def candidates(self, path: str) -> tuple[BaseRoute, ...]:
        """The routes that could match `path`, in the router's order."""
        routes = self._current()
        known = self._seen.get(path)
        if known is not None:
            return known
        found = list(self._always)
        nodes = [self._root]
        for segment in path.split("/"):
            below = []
            for node in nodes:
                if node.rest:
                    found += node.rest
                literal = node.literal.get(segment)
                if literal is not None:
                    below.append(literal)
                if node.wild is not None:
                    below.append(node.wild)
            nodes = below
            if not nodes:
                break
        for node in nodes:
            found += node.ends
            found += node.rest
        found.sort()
        known = tuple(routes[i] for i in found)
        if len(path) <= _SEEN_LENGTH:  # a bounded memory, whatever paths clients send
            if len(self._seen) >= _SEEN_PATHS:
                self._seen.clear()
            self._seen[path] = known
        return known

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Declined: anything but a plain HTTP request (FastAPI's inclusion contexts and
        # telemetry keep their own state in the scope), and a path with a newline, which a
        # route's `$` matches before.
        if (
            scope["type"] != "http"
            or scope.get("root_path")
            or "fastapi" in scope
            or "fastapi.telemetry" in scope
        ):
            return _NO_MATCH
        path: str = scope["path"]
        if "\n" in path:
            return _NO_MATCH
        for route in self.candidates(path):
            match, child = route.matches(scope)
            if match is _FULL:
                # Only a route that names itself in the scope (an APIRoute) is handed on here;
                # the router's scan reaches any other the same way as before.
                return (match, child) if child.get("route") is route else _NO_MATCH
        return _NO_MATCH

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope["route"]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)


def install(router: Any) -> RouteIndex:
    """Put a `RouteIndex` in front of `router`'s routes."""
    index = RouteIndex(router)
    router.routes.insert(0, index)
    return index
