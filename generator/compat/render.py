"""Rendering a list of changes: text for a terminal, JSON, a Markdown table, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator.compat.changes import Change, by_severity, count
from generator.compat.rules import Severity
from generator.diagnostics import Diagnostic, Level, Location
from generator.report import printable, render_github

_LEVELS = {Severity.BREAKING: Level.ERROR, Severity.WARNING: Level.WARNING}


def _where(location: Location | None) -> str:
    return f"{location.file}:{location.line}" if location else "-"


def summary(changes: Sequence[Change]) -> str:
    """One line, e.g. `2 breaking, 1 warning, 3 info` (or `no changes`)."""
    if not changes:
        return "no changes"
    counts = count(changes)
    warnings = counts[Severity.WARNING]
    return (
        f"{counts[Severity.BREAKING]} breaking, {warnings} warning{'s' * (warnings != 1)}, "
        f"{counts[Severity.INFO]} info"
    )


def render_text(changes: Sequence[Change], old: str, new: str) -> str:
    """Each change as `level[rule] message` with `old file:line → new file:line` under it."""
    lines: list[str] = []
    for change in changes:
        lines.append(f"{change.level.value}[{change.rule}] {printable(change.message)}")
        lines.append(f"  old {printable(_where(change.old))} → new {printable(_where(change.new))}")
    lines.append(f"{printable(old)} → {printable(new)}: {summary(changes)}")
    return "\n".join(lines)


def _location(location: Location | None, pointer: str) -> dict[str, object] | None:
    if location is None:
        return None
    return {
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "pointer": pointer,
    }


def render_json(changes: Sequence[Change], old: str, new: str) -> str:
    """Machine-readable changes with counts per level, stable key order."""
    counts = count(changes)
    payload = {
        "old": old,
        "new": new,
        "summary": {level.value: counts[level] for level in Severity},
        "changes": [
            {
                "rule": c.rule,
                "level": c.level.value,
                "operation": c.operation,
                "message": c.message,
                "also": list(c.also),
                "old": _location(c.old, c.old_pointer),
                "new": _location(c.new, c.new_pointer),
            }
            for c in changes
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipes, newlines or raw HTML)."""
    escaped = printable(text).replace("\\", "\\\\").replace("|", "\\|")
    return escaped.replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def render_markdown(changes: Sequence[Change], old: str, new: str) -> str:
    """A pull-request comment: a title, a summary line and a table, breaking changes first."""
    counts = count(changes)
    title = f"### API changes: `{_cell(old)}` → `{_cell(new)}`"
    if not changes:
        return f"{title}\n\nNo changes."
    breaking, warnings = counts[Severity.BREAKING], counts[Severity.WARNING]
    verdict = f"**{breaking} breaking**" if breaking else "No breaking changes"
    rows = [
        title,
        "",
        f"{verdict}, {warnings} warning{'s' * (warnings != 1)}, {counts[Severity.INFO]} info",
        "",
        "| level | rule | change | old | new |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in by_severity(changes):
        level = f"**{c.level.value}**" if c.level is Severity.BREAKING else c.level.value
        rows.append(
            f"| {level} | `{_cell(c.rule)}` | {_cell(c.message)} "
            f"| `{_cell(_where(c.old))}` | `{_cell(_where(c.new))}` |"
        )
    return "\n".join(rows)


def render_annotations(changes: Sequence[Change]) -> str:
    """GitHub workflow commands on NEW's file and line for breaking changes and warnings."""
    diagnostics = [
        Diagnostic(c.rule, _LEVELS[c.level], c.message, c.new_pointer, _annotated(c.new))
        for c in changes
        if c.level in _LEVELS
    ]
    return render_github(diagnostics)


def _annotated(location: Location | None) -> Location | None:
    """A git side's `git:REF:path` is annotated at `path` (the file the pull request changes)."""
    if location is None or not location.file.startswith("git:"):
        return location
    return Location(location.file.split(":", 2)[-1], location.line, location.column)
