"""Where each node of the converted document came from, and what could not be converted.

>>> trace = Trace()
>>> trace.record("/components/schemas/Pet", "/definitions/Pet")
>>> trace.source_of("/components/schemas/Pet/properties/id")
'/definitions/Pet/properties/id'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.diagnostics import Location

OPENAPI_VERSION = "3.0.3"


@dataclass(frozen=True)
class Note:
    """A Swagger 2.0 feature with no OpenAPI 3.0 equivalent, at its pointers in both documents.

    `source` is the pointer in the Swagger file (for the line), `target` the nearest pointer
    of the converted document (for rule configuration and `--format json`).
    """

    source: str
    target: str
    message: str


@dataclass
class Trace:
    """Converted pointer -> original pointer for every moved node, plus the conversion's notes.

    A pointer not recorded itself takes its longest recorded prefix and keeps the rest, so a
    subtree copied as is needs one record at its top. The root maps to the root.
    """

    origins: dict[str, str] = field(default_factory=lambda: {"": ""})
    notes: list[Note] = field(default_factory=list)

    def record(self, target: str, source: str) -> None:
        """The converted node at `target` came from the original node at `source`."""
        self.origins[target] = source

    def note(self, source: str, target: str, message: str) -> None:
        """Something at `source` had no 3.0 equivalent (it lands, if anywhere, near `target`)."""
        self.notes.append(Note(source, target, message))

    def source_of(self, target: str) -> str:
        """The original pointer of the converted node at `target`."""
        probe = target
        while probe not in self.origins:
            probe = probe.rsplit("/", 1)[0] if "/" in probe else ""
        return self.origins[probe] + target[len(probe) :]

    def resolver(
        self, original: Callable[[str], Location | None]
    ) -> Callable[[str], Location | None]:
        """`original` (a pointer->position map of the Swagger file) read through this trace.

        A converted pointer whose exact source has no position (a key added by the
        conversion) is placed at the nearest node above it that has one.
        """

        def resolve(target: str) -> Location | None:
            probe = target
            while probe not in self.origins:
                probe = probe.rsplit("/", 1)[0] if "/" in probe else ""
            base = self.origins[probe]
            source = base + target[len(probe) :]
            while True:
                found = original(source)
                if found is not None or len(source) <= len(base):
                    return found
                source = source.rsplit("/", 1)[0]

        return resolve
