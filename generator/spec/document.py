"""The loaded contract: a bundled JSON-like tree plus a map from JSON pointers to source positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Location

# A resolver turns a JSON pointer *inside one file* into a position in that file, or None.
PointerResolver = Callable[[str], Location | None]


def escape_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901).

    >>> escape_token("/users/{id}")
    '~1users~1{id}'
    """
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo `escape_token`.

    >>> unescape_token("~1users~1{id}")
    '/users/{id}'
    """
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append tokens to a JSON pointer.

    >>> join_pointer("/paths", "/a/{b}", "get")
    '/paths/~1a~1{b}/get'
    """
    return pointer + "".join("/" + escape_token(str(t)) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer into unescaped tokens ("" is the root).

    >>> split_pointer("/paths/~1a/get")
    ['paths', '/a', 'get']
    """
    if not pointer:
        return []
    return [unescape_token(t) for t in pointer[1:].split("/")]


def resolve_pointer(root: Any, pointer: str) -> Any:
    """The value at `pointer` in `root`, or None when any step is missing.

    >>> resolve_pointer({"a": [{"b": 1}]}, "/a/0/b")
    1
    """
    node: Any = root
    for token in split_pointer(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


@dataclass(frozen=True)
class Mount:
    """Content under `prefix` in the bundle came from `resolver`'s file under `source_prefix`."""

    prefix: str
    source_prefix: str
    resolver: PointerResolver


@dataclass
class SourceMap:
    """Maps a JSON pointer of the bundled document to `file:line:col`.

    The root file is mounted at "" and every bundled external fragment at the pointer it was
    placed under; a lookup takes the longest mounted prefix, then walks up the pointer until
    the resolver knows a position (a missing key points at its parent).
    """

    mounts: list[Mount] = field(default_factory=list)
    _sorted: bool = False

    def mount(self, prefix: str, source_prefix: str, resolver: PointerResolver) -> None:
        self.mounts.append(Mount(prefix, source_prefix, resolver))
        self._sorted = False

    def locate(self, pointer: str) -> Location | None:
        """Best known position for `pointer`, or None when nothing is mounted."""
        if not self._sorted:  # longest prefix first; sorted once, not on every mount
            self.mounts.sort(key=lambda m: len(m.prefix), reverse=True)
            self._sorted = True
        for mount in self.mounts:
            if pointer == mount.prefix or pointer.startswith(mount.prefix + "/"):
                rest = pointer[len(mount.prefix) :]
                probe = mount.source_prefix + rest
                while True:
                    found = mount.resolver(probe)
                    if found is not None:
                        return found
                    if not probe:
                        return None
                    probe = probe.rsplit("/", 1)[0]
        return None


@dataclass
class Spec:
    """A contract after loading and bundling: one self-contained tree and where it came from.

    `root` is the bundled document (every `$ref` is local, `#/...`); `path` is the entry
    file as given by the user (used in messages); `files` lists every file read.
    """

    path: Path
    root: dict[str, Any]
    source_map: SourceMap
    files: list[Path] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return str(self.path)

    def locate(self, pointer: str) -> Location:
        """Position of `pointer`, falling back to the top of the entry file."""
        return self.source_map.locate(pointer) or Location(self.display_name, 1, 1)
