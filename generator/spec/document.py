"""The loaded contract: a bundled JSON-like tree plus a map from JSON pointers to source positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Location

# The model stage and the mock still import these two from here; everything else imports
# generator.spec.pointers, their home.
from generator.spec.pointers import join_pointer, split_pointer
from generator.spec.source import PointerResolver

__all__ = ["Mount", "SourceMap", "Spec", "join_pointer", "split_pointer"]


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
    file as given by the user (used in messages); `files` lists every file read;
    `converted_from` names the format the entry file was converted from ("" when none:
    "swagger 2.0" when `generator/swagger2` turned it into OpenAPI 3.0.3 on loading).
    """

    path: Path
    root: dict[str, Any]
    source_map: SourceMap
    files: list[Path] = field(default_factory=list)
    converted_from: str = ""

    @property
    def display_name(self) -> str:
        return str(self.path)

    def locate(self, pointer: str) -> Location:
        """Position of `pointer`, falling back to the top of the entry file."""
        return self.source_map.locate(pointer) or Location(self.display_name, 1, 1)
