"""A change between two contracts as a value, and the collector that locates it in both files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from generator.compat.rules import Severity, level_of
from generator.diagnostics import Location
from generator.spec.document import Spec


@dataclass(frozen=True)
class Change:
    """One classified difference: rule, level, a one-line message and where it is on each side.

    `old`/`new` point at the changed element, or at its nearest parent on the side where it
    does not exist (a removed operation's `new` is its path item in the new contract).
    """

    rule: str
    level: Severity
    message: str
    operation: str = ""
    old_pointer: str = ""
    new_pointer: str = ""
    old: Location | None = None
    new: Location | None = None


@dataclass
class Collector:
    """Turns (rule, message, pointers) into located `Change`s, dropping exact repeats."""

    old: Spec
    new: Spec
    changes: list[Change] = field(default_factory=list)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    def add(
        self,
        rule: str,
        message: str,
        old_pointer: str,
        new_pointer: str,
        *,
        operation: str = "",
        key: str | None = None,
    ) -> None:
        """Record a change once; `key` (default: the message) says what counts as a repeat."""
        seen = (rule, old_pointer, new_pointer, message if key is None else key)
        if seen in self._seen:
            return
        self._seen.add(seen)
        self.changes.append(
            Change(
                rule=rule,
                level=level_of(rule),
                message=message,
                operation=operation,
                old_pointer=old_pointer,
                new_pointer=new_pointer,
                old=self.old.locate(old_pointer),
                new=self.new.locate(new_pointer),
            )
        )


def count(changes: Iterable[Change]) -> dict[Severity, int]:
    """How many changes there are of each level (every level present, possibly 0)."""
    counts = dict.fromkeys(Severity, 0)
    for change in changes:
        counts[change.level] += 1
    return counts


def fails(changes: Sequence[Change], fail_on: Severity) -> bool:
    """True when a change is at least as serious as `fail_on`."""
    return any(change.level.rank >= fail_on.rank for change in changes)


def by_severity(changes: Sequence[Change]) -> list[Change]:
    """Breaking first, then warnings, then info; the order of discovery within a level."""
    return sorted(changes, key=lambda change: -change.level.rank)
