"""Renders diagnostics the way compilers do: text with source excerpts, JSON, GitHub annotations."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, Level

MAX_EXCERPT = 160


def printable(text: str) -> str:
    """Escape control, format and separator characters so spec text cannot drive the terminal.

    >>> printable("a\\x1b[31mb\\u202ec")
    'a\\\\x1b[31mb\\\\u202ec'
    """
    out: list[str] = []
    for ch in text:
        if ch == "\t":
            out.append("    ")
        elif unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class SourceCache:
    """Reads each source file once to show the offending line under a diagnostic."""

    lines: dict[str, list[str] | None] = field(default_factory=dict)

    def line(self, file: str, number: int) -> str | None:
        if file not in self.lines:
            try:
                text = Path(file).read_text(encoding="utf-8", errors="replace")
                self.lines[file] = text.splitlines()
            except OSError:
                self.lines[file] = None
        content = self.lines[file]
        if content is None or not 1 <= number <= len(content):
            return None
        return content[number - 1]


def _excerpt(diag: Diagnostic, sources: SourceCache) -> list[str]:
    loc = diag.location
    if loc is None:
        return []
    raw = sources.line(loc.file, loc.line)
    if raw is None:
        return []
    shown = printable(raw[:MAX_EXCERPT])
    gutter = str(loc.line)
    caret_col = len(printable(raw[: loc.column - 1])) if loc.column <= MAX_EXCERPT else 0
    return [
        f" {gutter} | {shown}",
        f" {' ' * len(gutter)} | {' ' * caret_col}^",
    ]


def render_text(diagnostics: Sequence[Diagnostic], sources: SourceCache | None = None) -> str:
    """Compiler-style text: `file:line:col: level[rule] message`, the source line and a caret."""
    sources = sources or SourceCache()
    blocks: list[str] = []
    for diag in diagnostics:
        where = f"{diag.location}: " if diag.location else ""
        lines = [f"{where}{diag.level.value}[{diag.rule}] {printable(diag.message)}"]
        lines.extend(_excerpt(diag, sources))
        if diag.pointer:
            pointer = (
                diag.pointer
                if len(diag.pointer) <= MAX_EXCERPT
                else diag.pointer[:MAX_EXCERPT] + "..."
            )
            lines.append(f"  at #{printable(pointer)}")
        lines.extend(f"  note: see {related}" for related in diag.related)
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def summary_line(diagnostics: Sequence[Diagnostic], files: int, silenced: int = 0) -> str:
    """One line counting the findings, e.g. `2 errors, 1 warning, 3 silenced in 1 contract`.

    Notices (what is not generated yet) and findings silenced by `[tool.specfirst.rules]` or
    `x-specfirst-ignore` are counted only when there are some.
    """
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    warnings = sum(d.level is Level.WARNING for d in diagnostics)
    notices = sum(d.level is Level.NOTICE for d in diagnostics)
    noun = "contract" if files == 1 else "contracts"
    if not errors and not warnings and not notices and not silenced:
        return f"ok: {files} {noun}, no problems"
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    if notices:
        parts.append(f"{notices} notice{'s' * (notices != 1)}")
    if silenced:
        parts.append(f"{silenced} silenced")
    return f"{', '.join(parts)} in {files} {noun}"


def render_json(
    results: Iterable[tuple[str, Sequence[Diagnostic]]], silenced: Sequence[int] = ()
) -> str:
    """Machine-readable findings per contract (with its silenced count), stable key order."""
    payload = []
    for index, (name, diagnostics) in enumerate(results):
        payload.append(
            {
                "contract": name,
                "valid": not any(d.is_error for d in diagnostics),
                "silenced": silenced[index] if index < len(silenced) else 0,
                "diagnostics": [diagnostic_as_dict(d) for d in diagnostics],
            }
        )
    return json.dumps({"contracts": payload}, indent=2, ensure_ascii=False)


def diagnostic_as_dict(diag: Diagnostic) -> dict[str, object]:
    """A JSON-ready dict for one diagnostic."""
    loc = diag.location
    return {
        "rule": diag.rule,
        "level": diag.level.value,
        "message": diag.message,
        "pointer": diag.pointer,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "related": [{"file": r.file, "line": r.line, "column": r.column} for r in diag.related],
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (`::error file=...,line=...::message`)."""
    kinds = {
        Level.ERROR: "error",
        Level.WARNING: "warning",
        Level.NOTICE: "notice",
        Level.INFO: "notice",
    }
    out: list[str] = []
    for diag in diagnostics:
        props = [f"title={_escape_property(diag.rule)}"]
        if diag.location:
            loc = diag.location
            props = [
                f"file={_escape_property(loc.file)}",
                f"line={loc.line}",
                f"col={loc.column}",
                *props,
            ]
        out.append(f"::{kinds[diag.level]} {','.join(props)}::{_escape_data(diag.message)}")
    return "\n".join(out)
