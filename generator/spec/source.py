"""One parsed contract file: its data, a pointer-to-position resolver and its diagnostics."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias, Union

from generator.diagnostics import Diagnostic, Level, Location
from generator.spec.catalogue import diagnostic
from generator.spec.pointers import split_pointer

# A resolver turns a JSON pointer *inside one file* into a position in that file, or None.
PointerResolver = Callable[[str], Location | None]


@dataclass
class Parsed:
    """What reading one file produced; `data` is only meaningful when `ok` is true."""

    display: str
    data: Any
    resolver: PointerResolver
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ok: bool = True


def no_positions(pointer: str) -> Location | None:
    """A resolver for a file that could not be parsed: it knows no position."""
    return None


def failed(display: str, diagnostic: Diagnostic) -> Parsed:
    """A `Parsed` for a file that yielded no document at all."""
    return Parsed(display, None, no_positions, [diagnostic], ok=False)


def error(
    rule: str,
    message: str,
    location: Location,
    pointer: str = "",
    related: tuple[Location, ...] = (),
) -> Diagnostic:
    """A loader finding of a catalogued rule (every one is an error)."""
    return diagnostic(rule, message, pointer, location, related, level=Level.ERROR)


class LineIndex:
    """Turns character offsets of a text into 1-based `Location`s; built on first use.

    >>> LineIndex("ab\\ncd").location("f", 4)
    Location(file='f', line=2, column=2)
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def location(self, file: str, offset: int) -> Location:
        """The 1-based position of `offset` in the text, named `file`."""
        if self._starts is None:
            text = self._text
            starts = [0]
            pos = text.find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._starts = starts
        line = bisect.bisect_right(self._starts, offset)
        return Location(file, line, offset - self._starts[line - 1] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its newline ("" when out of range)."""
        lines = self._text.split("\n", line)
        return lines[line - 1] if 0 < line <= len(lines) else ""


# A node's 1-based line and column plus the positions of its children: a dict for a
# mapping (each entry points at the *key*), a list for a sequence, None for a scalar.
PosIndex: TypeAlias = Union[dict[str, "Pos"], list["Pos"], None]  # noqa: UP007
Pos: TypeAlias = tuple[int, int, PosIndex]


class TreePositions:
    """Resolves a JSON pointer inside one file to `file:line:col` by walking its position tree.

    >>> tree = TreePositions("a.yaml", (1, 1, {"paths": (2, 1, {"/a": (3, 3, None)})}))
    >>> str(tree("/paths/~1a")), tree("/nope")
    ('a.yaml:3:3', None)
    """

    def __init__(self, display: str, root: Pos) -> None:
        self._display = display
        self._root = root

    def __call__(self, pointer: str) -> Location | None:
        line, col, index = self._root
        for token in split_pointer(pointer):
            entry: Pos | None = None
            if isinstance(index, dict):
                entry = index.get(token)
            elif isinstance(index, list) and token.isdigit() and token.isascii():
                position = int(token)
                entry = index[position] if position < len(index) else None
            if entry is None:
                return None
            line, col, index = entry
        return Location(self._display, line, col)
