"""A change between two contracts as a value, and the collector that locates it in both files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

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
    also: tuple[str, ...] = ()  # the other places one schema change reaches, e.g. `PUT /u body`
    also_operations: tuple[str, ...] = ()  # the operations of those places (`PUT /u`)


def also_text(places: Sequence[str]) -> str:
    """The suffix naming the other places a change reaches.

    >>> also_text(["PUT /a request body"]), also_text(list("abcde"))
    (' (also PUT /a request body)', ' (also a, b, c and 2 more)')
    """
    if not places:
        return ""
    shown = ", ".join(places[:3])
    return f" (also {shown}{f' and {len(places) - 3} more' if len(places) > 3 else ''})"


@dataclass(frozen=True)
class Reached:
    """One place a schema change is reached from, and what it means there."""

    place: str  # `PUT /users/{id} request body`
    rule: str
    message: str
    operation: str


@dataclass
class Collector:
    """Turns (rule, message, pointers) into located `Change`s, dropping exact repeats."""

    old: Spec
    new: Spec
    changes: list[Change] = field(default_factory=list)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)
    # (pointers, detail) → index in `changes`, and each place reached
    _merged: dict[tuple[str, str, str], tuple[int, list[Reached]]] = field(default_factory=dict)

    def merge(
        self,
        rule: str,
        message: str,
        old_pointer: str,
        new_pointer: str,
        *,
        operation: str,
        place: str,
        key: str,
    ) -> None:
        """Record a schema change once however many places reach it, in either direction.

        Issue 22: one new optional field of a shared schema was a line per response using it,
        and one changed item type a request line and a response line. The finding takes the
        worst rule among the places (who breaks decides), named at the first place with it;
        the other places are listed in `also`.
        """
        seen, here = (old_pointer, new_pointer, key), Reached(place, rule, message, operation)
        known = self._merged.get(seen)
        if known is None:
            self._merged[seen] = (len(self.changes), [here])
            self.changes.append(self._change(rule, message, old_pointer, new_pointer, operation))
            return
        index, reached = known
        if any(place == r.place for r in reached):
            return
        reached.append(here)
        worst = max(reached, key=lambda r: level_of(r.rule).rank)  # the first of the worst
        also = tuple(r.place for r in reached if r is not worst)
        message = worst.message + also_text(also)
        change = self._change(worst.rule, message, old_pointer, new_pointer, worst.operation)
        operations = tuple(dict.fromkeys(r.operation for r in reached if r is not worst))
        self.changes[index] = replace(change, also=also, also_operations=operations)

    def _change(
        self, rule: str, message: str, old_pointer: str, new_pointer: str, operation: str
    ) -> Change:
        return Change(
            rule=rule,
            level=level_of(rule),
            message=message,
            operation=operation,
            old_pointer=old_pointer,
            new_pointer=new_pointer,
            old=self.old.locate(old_pointer),
            new=self.new.locate(new_pointer),
        )

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
        self.changes.append(self._change(rule, message, old_pointer, new_pointer, operation))


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
