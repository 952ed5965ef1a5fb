"""Strict JSON files: `json.loads` semantics, duplicate keys and NaN refused, positions found lazily.

Positions are not precomputed: a pointer lookup scans only the objects on its way (C-speed
skipping of everything else) and remembers what it scanned, so a 4 MB file costs nothing
until a diagnostic asks where something is.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from typing import Any

from generator.diagnostics import Diagnostic, Location, quote
from generator.spec.pointers import join_pointer, split_pointer
from generator.spec.source import LineIndex, Parsed, error, failed

_WS = re.compile(r"[ \t\n\r]*")
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_STRINGS = re.compile(_STRING)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_BRACKETS = re.compile(_STRING + r"|[\[\]{}]")
_CONSTANTS = re.compile(_STRING + r"|-?Infinity|NaN")
_DEPTH = str.maketrans({"[": "\x02", "{": "\x02", "]": "\x00", "}": "\x00"})
_DECODER = json.JSONDecoder()


class _Constant(Exception):
    """`NaN`, `Infinity` or `-Infinity`: Python accepts them, JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


class JsonPositions:
    """Resolves a JSON pointer to the position of its key (or array item) in a JSON text."""

    def __init__(self, text: str, display: str) -> None:
        self._text = text
        self._display = display
        self._lines = LineIndex(text)
        self._objects: dict[int, dict[str, tuple[int, int]]] = {}
        self._arrays: dict[int, list[int]] = {}

    def __call__(self, pointer: str) -> Location | None:
        offset = target = self._ws(0)
        for token in split_pointer(pointer):
            kind = self._text[offset : offset + 1]
            if kind == "{":
                entry = self._object(offset).get(token)
                if entry is None:
                    return None
                target, offset = entry
            elif kind == "[" and token.isdigit() and token.isascii():
                items = self._array(offset)
                if int(token) >= len(items):
                    return None
                target = offset = items[int(token)]
            else:
                return None
        return self._lines.location(self._display, target)

    def location(self, offset: int) -> Location:
        """The position of a character offset in this file."""
        return self._lines.location(self._display, offset)

    def _ws(self, offset: int) -> int:
        match = _WS.match(self._text, offset)
        return match.end() if match else offset

    def entries(self, offset: int) -> list[tuple[str, int, int]]:
        """(key, key offset, value offset) for the object starting at `offset`, in order."""
        text, out = self._text, []
        i = self._ws(offset + 1)
        while text[i] == '"':
            key, end = _DECODER.raw_decode(text, i)
            value = self._ws(self._ws(end) + 1)  # skip the ':'
            out.append((key, i, value))
            i = self._ws(_DECODER.raw_decode(text, value)[1])
            if text[i] != ",":
                break
            i = self._ws(i + 1)
        return out

    def items(self, offset: int) -> list[int]:
        """Value offsets of the array starting at `offset`."""
        text, out = self._text, []
        i = self._ws(offset + 1)
        while text[i] != "]":
            out.append(i)
            i = self._ws(_DECODER.raw_decode(text, i)[1])
            if text[i] != ",":
                break
            i = self._ws(i + 1)
        return out

    def _object(self, offset: int) -> dict[str, tuple[int, int]]:
        found = self._objects.get(offset)
        if found is None:
            found = {key: (k, v) for key, k, v in self.entries(offset)}
            self._objects[offset] = found
        return found

    def _array(self, offset: int) -> list[int]:
        found = self._arrays.get(offset)
        if found is None:
            found = self._arrays[offset] = self.items(offset)
        return found

    def duplicates(self) -> list[Diagnostic]:
        """Every repeated key, located at the second occurrence (slow: only run when needed)."""
        found: list[Diagnostic] = []
        stack = [(self._ws(0), "")]
        while stack:
            offset, pointer = stack.pop()
            children: list[tuple[int, str]] = []
            if self._text[offset] == "{":
                seen: dict[str, int] = {}
                for key, key_at, value_at in self.entries(offset):
                    if key in seen:
                        found.append(self._duplicate(key, key_at, seen[key], pointer))
                    seen[key] = key_at
                    children.append((value_at, join_pointer(pointer, key)))
            elif self._text[offset] == "[":
                children = [
                    (at, join_pointer(pointer, n)) for n, at in enumerate(self.items(offset))
                ]
            stack.extend(c for c in reversed(children) if self._text[c[0]] in "{[")
        return found

    def _duplicate(self, key: str, here: int, first: int, pointer: str) -> Diagnostic:
        first_loc = self.location(first)
        message = f"duplicate key {quote(key)} (first defined on line {first_loc.line})"
        return error(
            "duplicate-key", message, self.location(here), join_pointer(pointer, key), (first_loc,)
        )


def parse_json(text: str, display: str, *, max_nodes: int, max_depth: int) -> Parsed:
    """Parse one strict JSON document; never raises for any input text."""
    if not text.strip():
        message = "the file holds no JSON document (it is empty)"
        return failed(display, error("empty-document", message, Location(display, 1, 1)))
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        result = dict(items)
        if len(result) != len(items):
            repeated = True
        return result

    lines = LineIndex(text)
    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        return failed(display, _syntax_error(exc, text, display, lines))
    except _Constant as exc:
        offset = next((m.start() for m in _CONSTANTS.finditer(text) if m[0][0] != '"'), 0)
        message = f"{exc.args[0]} is not valid JSON (only finite numbers are)"
        return failed(display, error("json-syntax", message, lines.location(display, offset)))
    except RecursionError:
        return failed(display, _too_deep(text, display, lines, max_depth))
    skeleton = _STRINGS.sub("", text)
    depth = _max_depth(skeleton)
    if depth > max_depth:
        return failed(display, _too_deep(text, display, lines, max_depth))
    nodes = sum(skeleton.count(c) for c in ",:[{") + 1
    if nodes > max_nodes:
        message = f"the document has more than {max_nodes} nodes"
        return failed(display, error("too-large", message, Location(display, 1, 1)))
    positions = JsonPositions(text, display)
    return Parsed(display, data, positions, positions.duplicates() if repeated else [])


def _syntax_error(
    exc: json.JSONDecodeError, text: str, display: str, lines: LineIndex
) -> Diagnostic:
    """Python's message, except for a trailing comma, which it words confusingly."""
    comma = exc.pos - 1
    while comma >= 0 and text[comma] in " \t\r\n":
        comma -= 1
    if comma >= 0 and text[comma] == "," and text[exc.pos : exc.pos + 1] in ("}", "]"):
        message = "trailing comma: JSON allows no comma before a closing bracket"
        return error("json-syntax", message, lines.location(display, comma))
    return error("json-syntax", exc.msg[:200], Location(display, exc.lineno, exc.colno))


def _max_depth(skeleton: str) -> int:
    """Deepest bracket nesting of a JSON text with its strings removed (C-speed)."""
    steps = _NOT_BRACKETS.sub("", skeleton).translate(_DEPTH).encode("latin-1")
    levels = itertools.accumulate(map(operator.sub, steps, itertools.repeat(1)))
    return max(levels, default=0)


def _too_deep(text: str, display: str, lines: LineIndex, max_depth: int) -> Diagnostic:
    depth, offset = 0, 0
    for match in _BRACKETS.finditer(text):
        char = match[0][0]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                offset = match.start()
                break
        elif char in "]}":
            depth -= 1
    message = f"nesting is deeper than {max_depth} levels"
    return error("too-deep", message, lines.location(display, offset))
