"""The two contracts side by side, and one operation matched across them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.compat.changes import Collector
from generator.compat.keywords import Direction
from generator.compat.schemas import SchemaDiffer
from generator.compat.typenames import TypeNames
from generator.compat.unchanged import Unchanged
from generator.compat.views import Views
from generator.spec.document import Spec


@dataclass
class Contracts:
    """Both contracts, their schema views, the two directional differs and the findings."""

    old: Views
    new: Views
    collector: Collector
    differs: dict[Direction, SchemaDiffer]

    @classmethod
    def from_specs(cls, old: Spec, new: Spec) -> Contracts:
        """Start a comparison of `old` with `new`."""
        old_views, new_views = Views(old.root), Views(new.root)
        unchanged, names = Unchanged(old.root, new.root), TypeNames(old.root, new.root)
        differs = {d: SchemaDiffer(old_views, new_views, d, unchanged, names) for d in Direction}
        return cls(old_views, new_views, Collector(old, new), differs)


@dataclass
class OperationPair:
    """One operation in both contracts: its label (`POST /users`), pointers and nodes.

    `path_names` maps the new path's parameter names to the old ones, position by position,
    so a renamed path parameter is compared with its old self.
    """

    contracts: Contracts
    label: str
    old_pointer: str
    new_pointer: str
    old: dict[str, Any]
    new: dict[str, Any]
    old_item: tuple[dict[str, Any], str]
    new_item: tuple[dict[str, Any], str]
    path_names: dict[str, str] = field(default_factory=dict)

    def report(
        self, rule: str, text: str, old_pointer: str, new_pointer: str, where: str = ""
    ) -> None:
        """Record a change of this operation, e.g. `GET /users parameter query 'q': removed`."""
        message = f"{self.label} {where}: {text}" if where else f"{self.label}: {text}"
        self.contracts.collector.add(rule, message, old_pointer, new_pointer, operation=self.label)

    def compare_schemas(
        self,
        direction: Direction,
        where: str,
        old_pointer: str | None,
        new_pointer: str | None,
        anchors: tuple[str, str] = ("", ""),
    ) -> None:
        """Report every change between two schemas as one finding wherever it is reached.

        A missing schema stands for "anything" (located at `anchors`). A change in a shared
        component reached from several operations (or twice in one) is one finding, named
        at the first place that reaches it, the others listed in its `also`.
        """
        differ = self.contracts.differs[direction]
        for change in differ.compare_optional(old_pointer, new_pointer, anchors):
            self.contracts.collector.merge(
                change.rule,
                f"{self.label} {where}: {change.text()}",
                change.old_pointer,
                change.new_pointer,
                operation=self.label,
                place=f"{self.label} {where}",
                key=change.detail,
            )
