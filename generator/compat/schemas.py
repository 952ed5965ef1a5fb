"""Comparing two schemas in one direction, following `$ref`s, properties, items and branches.

Each pair of schemas is compared once per direction however many operations use it, and
every walk visits a pair at most once, so recursive schemas end.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

from generator.compat.branches import branch_key, compare_discriminator, match_branches
from generator.compat.keywords import (
    Direction,
    Finding,
    compare_types,
    compare_values,
    disjoint_types,
    show,
)
from generator.compat.typenames import TypeNames
from generator.compat.unchanged import Unchanged
from generator.compat.views import SchemaView, Views

MAX_DEPTH = 200


@dataclass(frozen=True)
class SchemaChange:
    """A change inside a schema: rule, the property path to it, a detail text and pointers."""

    rule: str
    path: tuple[str, ...]
    detail: str
    old_pointer: str
    new_pointer: str

    def under(self, *segments: str) -> SchemaChange:
        """The same change seen from an enclosing schema (`segments` prepended to the path)."""
        return replace(self, path=(*segments, *self.path)) if segments else self

    def text(self) -> str:
        """The change in words, e.g. `property 'email' maxLength 254 → 100` or `schema type ...`."""
        return f"{describe(self.path)} {self.detail}" if self.path else f"schema {self.detail}"


def describe(path: tuple[str, ...]) -> str:
    """How a property path reads in a message.

    >>> describe(("tags", "[]", "name")), describe(("[]",))
    ("property 'tags[].name'", 'items')
    """
    text = ""
    for segment in path:
        glue = "" if not text or segment.startswith(("[", "(")) else "."
        text += glue + segment
    named = any(not s.startswith(("[", "(")) for s in path)  # "*": additionalProperties
    if named:
        return f"property {text!r}"
    return "items" if path == ("[]",) else f"schema {text!r}"


# One edge from a schema pair to a subschema pair: the path segment, both pointers (None:
# absent, i.e. "anything") and where an absent side is located.
Edge = tuple[str, str | None, str | None, tuple[str, str]]


@dataclass(frozen=True)
class Local:
    """What one schema pair says by itself: its own changes and the subschema pairs below it."""

    changes: tuple[SchemaChange, ...]
    edges: tuple[Edge, ...]


class SchemaDiffer:
    """Compares schemas of the old and new contract for one direction.

    Each schema pair is looked at once (its `Local` result is memoised); a comparison walks
    the pairs reachable from its root breadth-first, each pair once, so recursive schemas end,
    a component reached twice is reported at its shortest path, and nothing depends on which
    operation happened to be compared first.
    """

    def __init__(
        self,
        old: Views,
        new: Views,
        direction: Direction,
        unchanged: Unchanged | None = None,
        names: TypeNames | None = None,
    ) -> None:
        self.old, self.new, self.direction = old, new, direction
        self.unchanged = unchanged or Unchanged(old.root, new.root)
        self.names = names or TypeNames(old.root, new.root)
        self._memo: dict[tuple[str, str], Local] = {}
        self._walks: dict[tuple[str, str], list[SchemaChange]] = {}

    def compare(self, old_pointer: str, new_pointer: str) -> list[SchemaChange]:
        """Every change from the old schema at `old_pointer` to the new one at `new_pointer`."""
        return self.compare_optional(old_pointer, new_pointer, (old_pointer, new_pointer))

    def compare_optional(
        self, old: str | None, new: str | None, anchors: tuple[str, str]
    ) -> list[SchemaChange]:
        """Compare two optional schemas; a missing one stands for "anything" (at its anchor)."""
        if self._same(old, new):
            return []
        if old is None or new is None:
            return self._walk(("", old, new, anchors))
        key = (self.old.view(old).pointer, self.new.view(new).pointer)
        found = self._walks.get(key)
        if found is None:  # many operations share a component: walk it once
            found = self._walks[key] = self._walk(("", old, new, anchors))
        return found

    def _walk(self, start: Edge) -> list[SchemaChange]:
        """Breadth-first over the schema pairs below `start`, each pair once."""
        found: list[SchemaChange] = []
        seen: set[tuple[str, str]] = set()
        queue: deque[tuple[tuple[str, ...], Edge]] = deque([((), start)])
        while queue:
            path, (_, old_ptr, new_ptr, where) = queue.popleft()
            if len(path) > MAX_DEPTH:
                continue
            old_view = self.old.view(old_ptr) if old_ptr is not None else SchemaView(where[0])
            new_view = self.new.view(new_ptr) if new_ptr is not None else SchemaView(where[1])
            key = (_key(old_view, old_ptr), _key(new_view, new_ptr))
            if key in seen:
                continue
            seen.add(key)
            local = self._memo.get(key)
            if local is None:
                local = self._local(old_view, new_view)
                self._memo[key] = local
            found.extend(change.under(*path) for change in local.changes)
            queue.extend(((*path, edge[0]), edge) for edge in local.edges)
        return found

    def _same(self, old: str | None, new: str | None) -> bool:
        """True when both schemas are absent, or present and unchanged."""
        if old is None or new is None:
            return old is None and new is None
        return self.unchanged.same(self.old.node(old), self.new.node(new))

    def _local(self, old: SchemaView, new: SchemaView) -> Local:
        """The pair's own changes, and the subschema pairs that may hide more."""
        changes: list[SchemaChange] = []
        edges: list[Edge] = []
        renamed = self.names.renamed(old.pointer, new.pointer)
        if renamed is not None:
            detail = f"generated type {renamed[0]!r} → {renamed[1]!r}"
            changes.append(
                SchemaChange("generated-type-renamed", (), detail, old.pointer, new.pointer)
            )
        if disjoint_types(old, new):  # string → object: what lies below is not a change of it
            changes.extend(_change(f) for f in compare_types(old, new, self.direction))
            return Local(tuple(changes), ())
        changes.extend(_change(f) for f in compare_discriminator(old, new, self.direction))
        old_branches, new_branches = old.one_of or old.any_of, new.one_of or new.any_of
        if bool(old_branches) == bool(new_branches):  # else only the alternatives compare
            self._own(old, new, changes, edges)
        if old_branches or new_branches:
            self._branches(old, new, changes, edges)
        kept = tuple(edge for edge in edges if not self._same(edge[1], edge[2]))
        return Local(tuple(changes), kept)

    def _own(
        self, old: SchemaView, new: SchemaView, changes: list[SchemaChange], edges: list[Edge]
    ) -> None:
        changes.extend(_change(f) for f in compare_values(old, new, self.direction))
        for keyword in ("description", "title"):
            if old.value(keyword) != new.value(keyword):
                where = old.where(keyword), new.where(keyword)
                changes.append(
                    SchemaChange("description-changed", (), f"{keyword} changed", *where)
                )
        self._properties(old, new, changes, edges)
        self._additional(old, new, changes, edges)
        if old.items is not None or new.items is not None:
            edges.append(("[]", old.items, new.items, (old.pointer, new.pointer)))

    def _hidden(self, views: Views, pointer: str | None) -> bool:
        """True for a property this direction never carries (readOnly in requests and so on)."""
        if pointer is None:
            return False
        flag = "readOnly" if self.direction is Direction.REQUEST else "writeOnly"
        return views.view(pointer).value(flag) is True

    def _properties(
        self, old: SchemaView, new: SchemaView, changes: list[SchemaChange], edges: list[Edge]
    ) -> None:
        side = self.direction.value
        new_names = set(new.names())
        for name in old.names():
            old_ptr, new_ptr = old.properties.get(name), new.properties.get(name)
            if name not in new_names:
                if not self._hidden(self.old, old_ptr):
                    where = old_ptr or old.pointer, new.pointer
                    changes.append(
                        SchemaChange(f"{side}-property-removed", (name,), "removed", *where)
                    )
                continue
            was, now = name in old.required, name in new.required
            if was != now and not self._hidden(self.new, new_ptr):
                verb = "required" if now else "optional"
                where = old_ptr or old.pointer, new_ptr or new.pointer
                changes.append(
                    SchemaChange(f"{side}-property-made-{verb}", (name,), f"made {verb}", *where)
                )
            if old_ptr is not None and new_ptr is not None:
                edges.append((name, old_ptr, new_ptr, (old_ptr, new_ptr)))
        old_names = set(old.names())
        for name in new.names():
            new_ptr = new.properties.get(name)
            if name in old_names or self._hidden(self.new, new_ptr):
                continue
            required = name in new.required and self.direction is Direction.REQUEST
            rule = f"{side}-property-added" + ("-required" if required else "")
            detail = "added as required" if required else "added"
            changes.append(SchemaChange(rule, (name,), detail, old.pointer, new_ptr or new.pointer))

    def _additional(
        self, old: SchemaView, new: SchemaView, changes: list[SchemaChange], edges: list[Edge]
    ) -> None:
        before, after = old.additional, new.additional
        where = old.pointer, new.pointer
        if after is False and before is not False:
            request = self.direction is Direction.REQUEST
            rule = "request-additional-properties-closed" if request else self.direction.rule(True)
            changes.append(SchemaChange(rule, (), "additionalProperties closed", *where))
        elif before is False and after is not False:
            rule = self.direction.rule(False)
            changes.append(SchemaChange(rule, (), "additionalProperties opened", *where))
        elif isinstance(before, str) or isinstance(after, str):
            old_ptr = before if isinstance(before, str) else None
            new_ptr = after if isinstance(after, str) else None
            edges.append(("*", old_ptr, new_ptr, where))

    def _branches(
        self, old: SchemaView, new: SchemaView, changes: list[SchemaChange], edges: list[Edge]
    ) -> None:
        """oneOf/anyOf alternatives, matched by component name, else by type, else in order."""
        old_list = old.one_of or old.any_of or [old.pointer]
        new_list = new.one_of or new.any_of or [new.pointer]
        kind = "oneOf" if (old.one_of or new.one_of) else "anyOf"
        old_keys = [branch_key(self.old, p) for p in old_list]
        new_keys = [branch_key(self.new, p) for p in new_list]
        pairs, free_old, free_new = match_branches(old_keys, new_keys)
        for i, j in pairs:
            label = f"({f'#{j + 1}' if old_keys[i].startswith('type:') else old_keys[i]})"
            if old_list[i] != old.pointer or new_list[j] != new.pointer:
                edges.append((label, old_list[i], new_list[j], (old_list[i], new_list[j])))
        side = self.direction.value
        for i in free_old:
            where = old_list[i], new.pointer
            changes.append(self._lost_or_gained(side, kind, "removed", old_keys[i], i, *where))
        for j in free_new:
            where = old.pointer, new_list[j]
            changes.append(self._lost_or_gained(side, kind, "added", new_keys[j], j, *where))

    def _lost_or_gained(
        self, side: str, kind: str, verb: str, key: str, index: int, old: str, new: str
    ) -> SchemaChange:
        """An unmatched alternative; a lone `type: 'null'` one means nullability changed."""
        if key == "type:null":
            return SchemaChange(
                f"{side}-nullable-{verb}", (), f"nullable {verb} ({kind} null)", old, new
            )
        shown = show(key) if not key.startswith("type:") else f"#{index + 1}"
        return SchemaChange(
            f"{side}-schema-branch-{verb}", (), f"{kind} alternative {shown} {verb}", old, new
        )


def _change(finding: Finding) -> SchemaChange:
    """A keyword-level finding as a change of the schema it was found in."""
    return SchemaChange(finding.rule, (), finding.detail, finding.old_pointer, finding.new_pointer)


def _key(view: SchemaView, pointer: str | None) -> str:
    """A schema's identity in the walk; an absent one is "anything" at its anchor."""
    return view.pointer if pointer is not None else "-" + view.pointer
