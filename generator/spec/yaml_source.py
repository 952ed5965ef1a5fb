"""YAML files: PyYAML's safe event parser (libyaml when available) into a `Parsed`."""

from __future__ import annotations

from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Location
from generator.spec.source import LineIndex, Parsed, TreePositions, error, failed
from generator.spec.yaml_build import Builder, Fatal

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NESTING_LIMIT = "maximum nesting depth"  # libyaml's own refusal (PyYAML 6.0.3 and later)


def parse_yaml(text: str, display: str, *, max_nodes: int, max_depth: int) -> Parsed:
    """Parse one YAML document into plain data; never raises for any input text."""
    builder = Builder(display, max_nodes, max_depth)
    try:
        builder.feed(yaml.parse(text, Loader=_LOADER))
    except Fatal as fatal:
        return failed(display, fatal.diagnostic)
    except yaml.MarkedYAMLError as exc:
        if _NESTING_LIMIT in str(exc.problem):
            return failed(display, _too_deep(exc, text, display, max_depth))
        return failed(display, _syntax_error(exc, text, display))
    except yaml.YAMLError as exc:
        return failed(display, _reader_error(exc, text, display))
    if builder.root_pos is None or builder.root_empty:
        message = "the file holds no YAML document (empty or only comments)"
        return failed(display, error("empty-document", message, Location(display, 1, 1)))
    resolver = TreePositions(display, builder.root_pos)
    return Parsed(display, builder.root, resolver, builder.diagnostics)


def _too_deep(exc: yaml.MarkedYAMLError, text: str, display: str, max_depth: int) -> Diagnostic:
    """Nesting beyond libyaml's own limit, located where it first passes ours.

    libyaml scans flow collections far ahead of the events it hands out, so it can refuse a
    deep document before the builder has seen the level that crosses `max_depth`. Replaying
    the text up to libyaml's mark (which ends the scan early) lets the builder find it.
    """
    mark = exc.problem_mark
    end = mark.index if mark is not None else len(text)
    try:
        Builder(display, len(text) + 1, max_depth).feed(yaml.parse(text[:end], Loader=_LOADER))
    except Fatal as fatal:
        if fatal.diagnostic.rule == "too-deep":
            return fatal.diagnostic
    except yaml.YAMLError:
        pass
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = f"nesting is deeper than {max_depth} levels"
    return error("too-deep", message, Location(display, line, col))


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, display: str) -> Diagnostic:
    """PyYAML's problem at its mark, naming where the construct it was reading began."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    here = Location(display, line, col)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    source_line = LineIndex(text).line_text(line)
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if "\t" in indent or source_line[col - 1 : col] == "\t" or "tab" in problem:
        message = "tab character in indentation: YAML indents with spaces only"
        return error("yaml-tabs", message, here)
    context, began = exc.context, exc.context_mark
    if exc.problem and context and began is not None and began.line + 1 != line:
        message = f"{problem} ({context.strip()} started on line {began.line + 1})"
        related = (Location(display, began.line + 1, began.column + 1),)
        return error("yaml-syntax", message[:280], here, related=related)
    return error("yaml-syntax", problem[:280], here)


def _reader_error(exc: yaml.YAMLError, text: str, display: str) -> Diagnostic:
    position = getattr(exc, "position", 0)
    character = getattr(exc, "character", None)
    in_text = isinstance(character, int) and 0 <= position < len(text)
    if in_text and ord(text[position]) != character:  # libyaml reports a UTF-8 byte offset
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    reason = getattr(exc, "reason", "unreadable character")
    shown = f" #x{character:04x}" if isinstance(character, int) else ""
    location = LineIndex(text).location(display, max(0, min(position, len(text))))
    return error("yaml-syntax", f"{reason}{shown}", location)
