"""The files one contract is made of: each read once, named relative to the entry file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Location, quote
from generator.spec.read import LoadLimits, read_source
from generator.spec.source import Parsed, error


@dataclass
class SourceFile:
    """One parsed file: its real path (identity), display name (for messages) and content."""

    real: Path
    display: str
    parsed: Parsed

    def locate(self, pointer: str) -> Location:
        """Position of `pointer` in this file, falling back to its first line."""
        return self.parsed.resolver(pointer) or Location(self.display, 1, 1)


class FileSet:
    """Reads referenced files on demand, at most `max_files` of them, each only once.

    Reading (`peek`) and reporting (`get`) are separate, so the bundler can size up a
    fragment before inlining it and still report a file's problems at the `$ref` that
    first pulls the file into the bundle.
    """

    def __init__(self, entry: SourceFile, limits: LoadLimits) -> None:
        self.entry = entry
        self.root_dir = entry.real.parent
        self._limits = limits
        self._entry_dir = os.path.dirname(entry.display)
        self._read: dict[Path, SourceFile | None] = {entry.real: entry}
        self._reported: set[Path] = {entry.real}
        self.order: list[SourceFile] = [entry]

    def display(self, real: Path) -> str:
        """How a file is named in messages: relative to the entry file, as the user gave it.

        The entry `specs/api.yaml` makes `<root>/schemas/user.yaml` read `specs/schemas/user.yaml`.
        """
        relative = os.path.relpath(real, self.root_dir)
        return os.path.normpath(os.path.join(self._entry_dir, relative))

    def relative(self, real: Path) -> str:
        """A file's path relative to the contract folder, for short messages."""
        return os.path.relpath(real, self.root_dir)

    def peek(self, real: Path) -> SourceFile | None:
        """The parsed file at `real` if it can be read and parsed, reporting nothing."""
        if real not in self._read:
            if len(self._read) >= self._limits.max_files or not real.exists():
                return None
            parsed = read_source(real, self.display(real), self._limits)
            self._read[real] = SourceFile(real, self.display(real), parsed)
        found = self._read[real]
        return found if found is not None and found.parsed.ok else None

    def get(
        self, real: Path, site: Callable[[], Location], pointer: str
    ) -> tuple[SourceFile | None, list[Diagnostic]]:
        """The parsed file at `real` (None if unusable) and its findings, located at the `$ref`.

        Findings come only the first time a file is asked for.
        """
        if real in self._reported:
            return self.peek(real) if real in self._read else None, []
        self._reported.add(real)
        if real not in self._read and len(self._read) >= self._limits.max_files:
            message = f"more than {self._limits.max_files} files are referenced"
            return None, [error("too-many-files", message, site(), pointer)]
        if real not in self._read and not real.exists():
            message = f"$ref target file {quote(self.relative(real), 120)} does not exist"
            return None, [error("unresolved-ref", message, site(), pointer)]
        source = self.peek(real)
        found = self._read[real]
        findings = []
        if found is not None:
            findings = [_at_site(d, site(), pointer) for d in found.parsed.diagnostics]
            if source is not None:
                self.order.append(source)
        return source, findings


def _at_site(diagnostic: Diagnostic, site: Location, pointer: str) -> Diagnostic:
    """Re-anchor a file-level failure to the `$ref` that pulled the file in."""
    if diagnostic.rule == "io-error":
        message = f"{diagnostic.location.file if diagnostic.location else ''}: {diagnostic.message}"
        return error("io-error", message[-280:], site, pointer)
    return error(
        diagnostic.rule,
        diagnostic.message,
        diagnostic.location or site,
        pointer,
        (*diagnostic.related, site),
    )
