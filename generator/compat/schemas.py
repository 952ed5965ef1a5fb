"""Comparing two schemas in one direction, following `$ref`s, properties, items and branches.

Results are memoised per pair of schema pointers, so a shared component is compared once per
direction however many operations use it; a pair already being compared higher up the stack
(a recursive schema) contributes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from generator.compat.keywords import Direction, compare_values, show
from generator.compat.unchanged import Unchanged
from generator.compat.views import SchemaView, Views, deref
from generator.spec.document import split_pointer

MAX_DEPTH = 200
_SCHEMAS = "/components/schemas/"


@dataclass(frozen=True)
class SchemaChange:
    """A change inside a schema: rule, the property path to it, a detail text and pointers."""

    rule: str
    path: tuple[str, ...]
    detail: str
    old_pointer: str
    new_pointer: str

    def under(self, segment: str) -> SchemaChange:
        """The same change seen from the parent schema (`segment` prepended to the path)."""
        return replace(self, path=(segment, *self.path))

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
    named = any(not s.startswith(("[", "(")) and s != "*" for s in path)
    if named:
        return f"property {text!r}"
    return "items" if path == ("[]",) else f"schema {text!r}"


def component_name(views: Views, pointer: str) -> str | None:
    """The name of the component schema `pointer` ends up at, if any (for branch matching)."""
    target = deref(views.root, pointer)[1]
    if target.startswith(_SCHEMAS) and target.count("/") == 3:
        return split_pointer(target)[-1]
    return None


class SchemaDiffer:
    """Compares schemas of the old and new contract for one direction, with a memo."""

    def __init__(
        self, old: Views, new: Views, direction: Direction, unchanged: Unchanged | None = None
    ) -> None:
        self.old, self.new, self.direction = old, new, direction
        self.unchanged = unchanged or Unchanged(old.root, new.root)
        self._memo: dict[tuple[str, str], tuple[SchemaChange, ...]] = {}
        self._active: set[tuple[str, str]] = set()

    def compare(self, old_pointer: str, new_pointer: str) -> tuple[SchemaChange, ...]:
        """Every change from the old schema at `old_pointer` to the new one at `new_pointer`."""
        if self.unchanged.same(self.old.node(old_pointer), self.new.node(new_pointer)):
            return ()
        old_view, new_view = self.old.view(old_pointer), self.new.view(new_pointer)
        key = (old_view.pointer, new_view.pointer)
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._active or len(self._active) > MAX_DEPTH:
            return ()
        self._active.add(key)
        try:
            found = tuple(self._views(old_view, new_view))
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def compare_optional(
        self, old: str | None, new: str | None, anchors: tuple[str, str]
    ) -> Iterator[SchemaChange]:
        """Compare two optional schemas; a missing one stands for "anything" (at its anchor)."""
        if old is not None and new is not None:
            yield from self.compare(old, new)
        elif old is not None or new is not None:
            old_view = self.old.view(old) if old is not None else SchemaView(anchors[0])
            new_view = self.new.view(new) if new is not None else SchemaView(anchors[1])
            yield from self._views(old_view, new_view)

    def _views(self, old: SchemaView, new: SchemaView) -> Iterator[SchemaChange]:
        old_branches, new_branches = old.one_of or old.any_of, new.one_of or new.any_of
        if bool(old_branches) != bool(new_branches):  # only the alternatives are comparable
            yield from self._branches(old, new)
            return
        for finding in compare_values(old, new, self.direction):
            yield SchemaChange(
                finding.rule, (), finding.detail, finding.old_pointer, finding.new_pointer
            )
        for keyword in ("description", "title"):
            if old.value(keyword) != new.value(keyword):
                where = old.where(keyword), new.where(keyword)
                yield SchemaChange("description-changed", (), f"{keyword} changed", *where)
        yield from self._properties(old, new)
        yield from self._additional(old, new)
        if old.items is not None or new.items is not None:
            anchors = (old.pointer, new.pointer)
            yield from (c.under("[]") for c in self.compare_optional(old.items, new.items, anchors))
        if old_branches:
            yield from self._branches(old, new)

    def _hidden(self, views: Views, pointer: str | None) -> bool:
        """True for a property this direction never carries (readOnly in requests and so on)."""
        if pointer is None:
            return False
        flag = "readOnly" if self.direction is Direction.REQUEST else "writeOnly"
        return views.view(pointer).value(flag) is True

    def _properties(self, old: SchemaView, new: SchemaView) -> Iterator[SchemaChange]:
        side = self.direction.value
        new_names = set(new.names())
        for name in old.names():
            old_ptr, new_ptr = old.properties.get(name), new.properties.get(name)
            if name not in new_names:
                if not self._hidden(self.old, old_ptr):
                    yield SchemaChange(
                        f"{side}-property-removed",
                        (name,),
                        "removed",
                        old_ptr or old.pointer,
                        new.pointer,
                    )
                continue
            was, now = name in old.required, name in new.required
            if was != now and not self._hidden(self.new, new_ptr):
                verb = "required" if now else "optional"
                where = old_ptr or old.pointer, new_ptr or new.pointer
                yield SchemaChange(f"{side}-property-made-{verb}", (name,), f"made {verb}", *where)
            if old_ptr is not None and new_ptr is not None:
                yield from (c.under(name) for c in self.compare(old_ptr, new_ptr))
        old_names = set(old.names())
        for name in new.names():
            new_ptr = new.properties.get(name)
            if name in old_names or self._hidden(self.new, new_ptr):
                continue
            required = name in new.required and self.direction is Direction.REQUEST
            rule = f"{side}-property-added" + ("-required" if required else "")
            detail = "added as required" if required else "added"
            yield SchemaChange(rule, (name,), detail, old.pointer, new_ptr or new.pointer)

    def _additional(self, old: SchemaView, new: SchemaView) -> Iterator[SchemaChange]:
        before, after = old.additional, new.additional
        where = old.pointer, new.pointer
        if after is False and before is not False:
            request = self.direction is Direction.REQUEST
            rule = "request-additional-properties-closed" if request else self.direction.rule(True)
            yield SchemaChange(rule, (), "additionalProperties closed", *where)
        elif before is False and after is not False:
            yield SchemaChange(
                self.direction.rule(False), (), "additionalProperties opened", *where
            )
        elif isinstance(before, str) or isinstance(after, str):
            old_ptr = before if isinstance(before, str) else None
            new_ptr = after if isinstance(after, str) else None
            yield from (c.under("*") for c in self.compare_optional(old_ptr, new_ptr, where))

    def _branches(self, old: SchemaView, new: SchemaView) -> Iterator[SchemaChange]:
        """oneOf/anyOf alternatives matched by component name, inline ones by position."""
        old_list = old.one_of or old.any_of or [old.pointer]
        new_list = new.one_of or new.any_of or [new.pointer]
        kind = "oneOf" if (old.one_of or new.one_of) else "anyOf"
        old_names = [component_name(self.old, p) for p in old_list]
        new_names = [component_name(self.new, p) for p in new_list]
        pairs: list[tuple[int, int]] = []
        free_new = list(range(len(new_list)))
        for i, name in enumerate(old_names):
            match = next((j for j in free_new if new_names[j] == name), None)
            if match is not None:
                pairs.append((i, match))
                free_new.remove(match)
        free_old = [i for i in range(len(old_list)) if i not in {p[0] for p in pairs}]
        side = self.direction.value
        for i, j in pairs:
            label = f"({old_names[i] or f'#{j + 1}'})"
            if old_list[i] != old.pointer or new_list[j] != new.pointer:
                yield from (c.under(label) for c in self.compare(old_list[i], new_list[j]))
        for i in free_old:
            yield SchemaChange(
                f"{side}-schema-branch-removed",
                (),
                f"{kind} alternative {_branch(old_names[i], i)} removed",
                old_list[i],
                new.pointer,
            )
        for j in free_new:
            yield SchemaChange(
                f"{side}-schema-branch-added",
                (),
                f"{kind} alternative {_branch(new_names[j], j)} added",
                old.pointer,
                new_list[j],
            )


def _branch(name: str | None, index: int) -> str:
    return show(name) if name is not None else f"#{index + 1}"
