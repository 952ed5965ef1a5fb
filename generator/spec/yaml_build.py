"""Turning PyYAML's safe parser events into plain JSON-like data and a position tree.

Working from events (not `yaml.load`) lets us refuse unsafe tags, report duplicate keys, count
nodes expanded through aliases and bound nesting before anything explodes, and keep the
position of every key without holding PyYAML's node objects.
"""

from __future__ import annotations

from typing import Any

from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from generator.diagnostics import Diagnostic, Location, quote
from generator.spec.pointers import join_pointer
from generator.spec.source import Pos, PosIndex, error
from generator.spec.yaml_scalars import (
    MAP_TAGS,
    SEQ_TAGS,
    ScalarProblem,
    key_tag_ok,
    resolve_scalar,
    short_tag,
)


class Fatal(Exception):
    """Stops building: the document cannot be turned into data safely."""

    def __init__(self, rule: str, message: str, location: Location, pointer: str = "") -> None:
        super().__init__(message)
        self.diagnostic = error(rule, message, location, pointer)


class _Anchor:
    """A finished anchored node: its value, positions, expanded size and height."""

    __slots__ = ("height", "index", "size", "text", "value")

    def __init__(
        self, value: Any, index: PosIndex, size: int, height: int, text: str | None
    ) -> None:
        self.value = value
        self.index = index
        self.size = size  # nodes it expands to wherever it is used
        self.height = height  # nesting levels it adds wherever it is used
        self.text = text  # the scalar's source text (None for a collection)


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = (
        "anchor",
        "bad_tag",
        "col",
        "height",
        "index",
        "is_map",
        "key",
        "key_col",
        "key_line",
        "line",
        "merges",
        "merging",
        "start",
        "token",
        "value",
    )

    def __init__(self, is_map: bool, token: str, line: int, col: int, start: int) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.index: Any = {} if is_map else []
        self.token, self.line, self.col, self.start = token, line, col, start
        self.key: str | None = None
        self.key_line = self.key_col = self.height = 0
        self.merging = self.bad_tag = False
        self.merges: list[tuple[Any, Pos]] = []
        self.anchor: str | None = None


class Builder:
    """Consumes parser events and builds the document, its positions and its findings."""

    def __init__(self, display: str, max_nodes: int, max_depth: int) -> None:
        self.display, self.max_nodes, self.max_depth = display, max_nodes, max_depth
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: set[str] = set()
        self.count = 0
        self.aliased = False
        self.documents = 0
        self.root: Any = None
        self.root_pos: Pos | None = None
        self.root_empty = False
        self.diagnostics: list[Diagnostic] = []

    def feed(self, events: Any) -> None:
        """Consume every event of the stream; raises `Fatal` when the document is unsafe."""
        stack = self.stack
        for ev in events:
            kind = type(ev)
            if kind is ScalarEvent:
                if stack and stack[-1].is_map and stack[-1].key is None and not stack[-1].merging:
                    self._key(stack[-1], ev)
                else:
                    self._scalar(ev)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self._start(ev, kind is MappingStartEvent)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                self._end()
            elif kind is AliasEvent:
                self._alias(ev)
            elif kind is DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise Fatal(
                        "yaml-syntax",
                        "a contract file must hold a single YAML document",
                        self._loc(ev.start_mark),
                    )

    def _loc(self, mark: Any) -> Location:
        return Location(self.display, mark.line + 1, mark.column + 1)

    def _pointer(self, *extra: str | int) -> str:
        return join_pointer("", *[f.token for f in self.stack[1:]], *extra)

    def _child_token(self) -> str:
        if not self.stack:
            return ""
        top = self.stack[-1]
        return top.key if top.is_map and top.key is not None else str(len(top.value))

    def _tick(self, amount: int, mark: Any) -> None:
        self.count += amount
        if self.count > self.max_nodes:
            if self.aliased:
                message = f"aliases expand the document beyond {self.max_nodes} nodes"
                raise Fatal("yaml-aliases", message, self._loc(mark), self._pointer())
            message = f"the document has more than {self.max_nodes} nodes"
            raise Fatal("too-large", message, self._loc(mark), self._pointer())

    def _key(self, top: _Frame, ev: Any) -> None:
        self._tick(1, ev.start_mark)
        top.key_line, top.key_col = ev.start_mark.line + 1, ev.start_mark.column + 1
        if ev.tag is None and ev.implicit[0] and ev.value == "<<":
            top.merging = True
            return
        if not key_tag_ok(ev.tag):
            self._bad_tag(ev.tag, ev.start_mark, self._pointer(ev.value))
        top.key = ev.value
        if ev.anchor:
            self.anchors[ev.anchor] = _Anchor(ev.value, None, 1, 0, ev.value)

    def _bad_tag(self, tag: str, mark: Any, pointer: str) -> None:
        message = f"tag {short_tag(tag)} is not allowed: a contract holds plain data only"
        self.diagnostics.append(error("yaml-tag", message, self._loc(mark), pointer))

    def _scalar(self, ev: Any) -> None:
        self._tick(1, ev.start_mark)
        try:
            value = resolve_scalar(ev.tag, ev.value, ev.implicit)
        except ScalarProblem as problem:
            value = None
            if problem.bad_tag:
                self._bad_tag(ev.tag, ev.start_mark, self._pointer_here())
            else:
                message = f"{quote(ev.value)} is not a valid {short_tag(ev.tag)}"
                loc = self._loc(ev.start_mark)
                self.diagnostics.append(error("yaml-tag", message, loc, self._pointer_here()))
        if ev.anchor:
            self.anchors[ev.anchor] = _Anchor(value, None, 1, 0, ev.value)
        if not self.stack:
            self.root_empty = ev.value == "" and ev.tag is None and ev.implicit[0]
        self._attach(value, (ev.start_mark.line + 1, ev.start_mark.column + 1, None), 0)

    def _pointer_here(self) -> str:
        return self._pointer(self._child_token()) if self.stack else ""

    def _start(self, ev: Any, is_map: bool) -> None:
        mark = ev.start_mark
        if len(self.stack) >= self.max_depth:
            message = f"nesting is deeper than {self.max_depth} levels"
            raise Fatal("too-deep", message, self._loc(mark), self._pointer_here())
        token = self._child_token()
        frame = _Frame(is_map, token, mark.line + 1, mark.column + 1, self.count)
        self._tick(1, mark)
        if ev.tag is not None and ev.tag not in (MAP_TAGS if is_map else SEQ_TAGS):
            self._bad_tag(ev.tag, mark, self._pointer_here())
            frame.bad_tag = True
        if ev.anchor:
            frame.anchor = ev.anchor
            self.open_anchors.add(ev.anchor)
        self.stack.append(frame)

    def _end(self) -> None:
        frame = self.stack.pop()
        value, index = frame.value, frame.index
        if frame.merges:
            value, index = self._merge(frame)
        if frame.bad_tag:
            value = None
        height = frame.height + 1
        if frame.anchor is not None:
            size = self.count - frame.start
            self.anchors[frame.anchor] = _Anchor(value, index, size, height, None)
            self.open_anchors.discard(frame.anchor)
        self._attach(value, (frame.line, frame.col, index), height)

    def _alias(self, ev: Any) -> None:
        name = ev.anchor
        anchor = self.anchors.get(name)
        if anchor is None:
            rule, what = (
                ("yaml-aliases", "refers to a node that contains it")
                if name in self.open_anchors
                else ("yaml-syntax", "has no anchor defined before it")
            )
            raise Fatal(rule, f"alias *{name} {what}", self._loc(ev.start_mark), self._pointer())
        self.aliased = True
        self._tick(anchor.size, ev.start_mark)
        if len(self.stack) + anchor.height > self.max_depth:
            message = f"alias *{name} nests the document deeper than {self.max_depth} levels"
            raise Fatal("too-deep", message, self._loc(ev.start_mark), self._pointer_here())
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None and not top.merging:
            top.key_line, top.key_col = ev.start_mark.line + 1, ev.start_mark.column + 1
            if anchor.text is None:
                self._complex_key(top, ev.start_mark)
            else:
                top.key = anchor.text
            return
        line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
        self._attach(anchor.value, (line, col, anchor.index), anchor.height)

    def _complex_key(self, top: _Frame, mark: Any) -> None:
        message = "mapping keys must be plain scalars (strings, numbers)"
        self.diagnostics.append(error("yaml-key", message, self._loc(mark), self._pointer()))
        top.key = f"<complex key at line {mark.line + 1}>"

    def _attach(self, value: Any, pos: Pos, height: int) -> None:
        if not self.stack:
            self.root, self.root_pos = value, pos
            return
        top = self.stack[-1]
        if height >= top.height:
            top.height = height
        if not top.is_map:
            top.value.append(value)
            top.index.append(pos)
            return
        if top.merging:
            top.merging = False
            top.merges.append((value, pos))
            return
        key = top.key
        if key is None:  # a container in key position (`? [a, b]`)
            self._complex_key(top, _Mark(pos[0] - 1, pos[1] - 1))
            return
        top.key = None
        if key in top.value:
            self._duplicate(top, key)
        top.value[key] = value
        top.index[key] = (top.key_line, top.key_col, pos[2])

    def _duplicate(self, top: _Frame, key: str) -> None:
        first_line, first_col, _ = top.index[key]
        first = Location(self.display, first_line, first_col)
        here = Location(self.display, top.key_line, top.key_col)
        message = f"duplicate key {quote(key)} (first defined on line {first_line})"
        diag = error("duplicate-key", message, here, self._pointer(key), (first,))
        self.diagnostics.append(diag)

    def _merge(self, frame: _Frame) -> tuple[dict[str, Any], dict[str, Pos]]:
        """Apply `<<` merge keys the way PyYAML does: explicit keys win, then earlier sources."""
        sources: list[tuple[Any, Any]] = []
        for value, pos in frame.merges:
            if isinstance(value, dict):
                sources.append((value, pos[2]))
            elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
                sources.extend((v, p[2]) for v, p in zip(value, pos[2] or [], strict=False))
            else:
                message = "a merge key `<<` needs a mapping or a list of mappings"
                loc = Location(self.display, pos[0], pos[1])
                self.diagnostics.append(error("yaml-key", message, loc, self._pointer()))
        merged: dict[str, Any] = {}
        index: dict[str, Pos] = {}
        for value, sub in sources:
            for key, item in value.items():
                if key not in merged and key not in frame.value:
                    merged[key] = item
                    index[key] = (
                        sub[key] if isinstance(sub, dict) else (frame.line, frame.col, None)
                    )
        merged.update(frame.value)
        index.update(frame.index)
        return merged, index


class _Mark:
    """A stand-in for a PyYAML mark when only a position is known."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column
