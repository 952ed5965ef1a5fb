"""Synthesizer: deterministic values for a schema of a wire view, each checked by a judge.

It reads one view of `wire.json` (JSON Schema 2020-12, direction applied: a property the
direction leaves out is `false`; OpenAPI 3.0 `nullable`, exclusive bounds and `int32`/`int64`
ranges already converted) and writes candidates best first: the contract's own examples and
defaults at each place (read from `source`, the contract, at the same pointer), then values
built from the keywords (`parts.gather` merges `$ref`, `allOf` and siblings). Open choices are
decided one at a time: each `anyOf`/`oneOf` branch in turn (null last; a discriminator's tag set
from the contract's mapping), `if` with `then`, else `else`. Wherever a keyword decides
(`parts.DECISIVE`: `oneOf` exclusivity, `not`, `pattern`, `format`, `enum`...) a candidate is
offered to the judge, `(view pointer, value) -> valid?`, at every schema of the place, and the
next one is tried when it is refused. Recursive schemas shrink to their required parts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.mock import containers
from generator.mock.containers import Walk, key
from generator.mock.numbers import numbers
from generator.mock.parts import Choice, Conjunction, Part, Unsatisfiable, gather, ref_pointer
from generator.mock.strings import texts
from generator.spec.pointers import resolve_pointer, split_pointer

MAX_NESTING = 40  # beyond this even required parts stop (a schema that requires itself)
MAX_TRIES = 24  # candidates tried at one place, all its choices together
Judge = Callable[[str, Any], bool]  # (view pointer, value) -> valid there?
_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")
_HINTS = {
    "object": ("properties", "required", "additionalProperties", "minProperties"),
    "array": ("items", "prefixItems", "minItems", "contains"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "string": ("pattern", "format", "minLength", "maxLength"),
}


@dataclass
class _Budget:
    """What one place has spent: candidates looked at, and their texts (each is judged once)."""

    left: int = MAX_TRIES
    tried: set[str] = field(default_factory=set)


@dataclass
class Synthesizer:
    """Candidate values for the schemas of one view (`view`), judged by `judge` when given."""

    view: Mapping[str, Any]
    judge: Judge | None = None
    source: Mapping[str, Any] | None = None  # the contract: examples, defaults, discriminators
    use_examples: bool = True

    def candidates(self, pointer: str) -> Iterator[Any]:
        """Values for the schema at `pointer` of the view, best first."""
        node = resolve_pointer(self.view, pointer)
        if node is not None:
            yield from self.values([Part(node, pointer)], Walk())

    def values(self, parts: list[Part], walk: Walk) -> Iterator[Any]:
        """Values that satisfy every part at once."""
        yield from self._values(parts, walk, _Budget())

    def _values(self, parts: list[Part], walk: Walk, budget: _Budget) -> Iterator[Any]:
        if walk.depth > MAX_NESTING:
            return
        try:
            conj = gather(self.view, parts)
        except Unsatisfiable:
            return
        if any(ref in walk.seen for ref in conj.refs):
            walk = replace(walk, minimal=True)  # recursion: required parts only from here
        walk = replace(walk, seen=walk.seen | frozenset(conj.refs))
        for example in self._examples(conj):
            if self._accept(conj, example, budget, judged=True):
                yield example
        if conj.choices or conj.conditions or self._inherited_pin(conj) is not None:
            yield from self._decide(conj, walk, budget)
            return
        judged = conj.decisive
        for value in self._built(conj, walk):
            if budget.left <= 0:
                return
            if self._accept(conj, value, budget, judged=judged):
                yield value

    def _accept(self, conj: Conjunction, value: Any, budget: _Budget, *, judged: bool) -> bool:
        text = key(value)
        if text in budget.tried:
            return False
        budget.tried.add(text)
        budget.left -= 1
        if not judged or self.judge is None:
            return True
        return all(self.judge(pointer, value) for pointer in conj.pointers)

    def _decide(self, conj: Conjunction, walk: Walk, budget: _Budget) -> Iterator[Any]:
        """Decide the first open choice, then go on with what remains open."""
        if conj.choices:
            choice = conj.choices[0]
            for branch, pin in self._branches(choice):
                if budget.left <= 0:
                    return
                extra = [branch] if pin is None else [branch, pin]
                parts = _swap(conj.parts, choice.holder, choice.holder.deciding(choice.keyword))
                yield from self._values(parts + extra, walk, budget)
            return
        if conj.conditions:
            holder = conj.conditions[0]
            parts = _swap(conj.parts, holder, holder.deciding("if", "then", "else"))
            condition = Part(holder.get("if"), holder.at("if"))
            yield from self._values([*parts, condition, *_sub(holder, "then")], walk, budget)
            yield from self._values([*parts, *_sub(holder, "else")], walk, budget)
            return
        pin = self._inherited_pin(conj)
        assert pin is not None
        yield from self._values([*conj.parts, pin], walk, budget)
        yield from self._values([*conj.parts, _UNPINNED], walk, budget)

    def _branches(self, choice: Choice) -> Iterator[tuple[Part, Part | None]]:
        """Branches, null last: each with its discriminator tag pinned, then each without."""
        order = sorted(choice.branches, key=lambda b: _is_null(b.node))
        pins = [self._pin(choice, b) for b in order]
        yield from ((b, pin) for b, pin in zip(order, pins, strict=True) if pin is not None)
        yield from ((b, None) for b in order)

    def _pin(self, choice: Choice, branch: Part) -> Part | None:
        """`{properties: {tag: {const: name}}}` for a discriminated branch (OAS 3.x §4.8.25)."""
        holder = self._source(choice.holder.pointer)
        discriminator = holder.get("discriminator")
        raw = holder.get(choice.keyword)
        if not isinstance(discriminator, Mapping) or not isinstance(raw, list):
            return None
        number = int(split_pointer(branch.pointer or "/-1")[-1])
        ref = (
            raw[number].get("$ref")
            if 0 <= number < len(raw) and isinstance(raw[number], Mapping)
            else None
        )
        return _tag_part(discriminator, ref)

    def _inherited_pin(self, conj: Conjunction) -> Part | None:
        """The tag of a schema inheriting (by `allOf`) a discriminator that names its children."""
        if not conj.parts or any(p.pointer is None for p in conj.parts):
            return None  # already pinned, or tried without a pin
        entry = conj.parts[0].pointer
        if "$ref" in conj.parts[0].node and conj.refs:
            entry = conj.refs[0]
        if entry is None:
            return None
        for part in conj.parts[1:]:
            source = self._source(part.pointer)
            discriminator = source.get("discriminator")
            inherited = part.pointer != entry and not {"oneOf", "anyOf"} & set(source)
            if isinstance(discriminator, Mapping) and inherited:
                return _tag_part(discriminator, "#" + entry)
        return None

    def _source(self, pointer: str | None) -> Mapping[str, Any]:
        """The contract's own schema at a view pointer (a 3.0 `nullable` wrap skipped)."""
        if self.source is None or pointer is None:
            return {}
        found = resolve_pointer(self.source, pointer)
        if found is None and "/anyOf/0" in pointer:
            found = resolve_pointer(self.source, pointer.replace("/anyOf/0", ""))
        return found if isinstance(found, Mapping) else {}

    def _examples(self, conj: Conjunction) -> Iterator[Any]:
        if not self.use_examples:
            return
        for pointer in conj.pointers:
            node = self._source(pointer)
            found = [node[k] for k in ("example", "default") if k in node]
            if isinstance(node.get("examples"), list):
                found += node["examples"]
            yield from (copy.deepcopy(value) for value in found)

    def _built(self, conj: Conjunction, walk: Walk) -> Iterator[Any]:
        """Values built from the keywords alone."""
        if conj.consts:
            yield conj.consts[0]
            return
        if conj.enums:
            allowed = [v for v in conj.enums[0] if all(v in other for other in conj.enums[1:])]
            ordered = sorted(allowed, key=lambda v: v is None)
            for n in range(len(ordered)):
                yield ordered[(walk.index + n) % len(ordered)]
            return
        for kind in _kinds(conj):
            yield from self._typed(kind, conj, walk)

    def _typed(self, kind: str, conj: Conjunction, walk: Walk) -> Iterator[Any]:
        if kind == "object":
            yield from containers.objects(self, conj, walk)
        elif kind == "array":
            yield from containers.arrays(self, conj, walk)
        elif kind in ("integer", "number"):
            yield from numbers(
                conj.numbers, conj.multiples, integer=kind == "integer", index=walk.index
            )
        elif kind == "string":
            counts = conj.counts
            low, high = counts.get("minLength"), counts.get("maxLength")
            yield from texts(conj.patterns, conj.formats, low, high, walk.index)
        elif kind == "boolean":
            yield walk.index % 2 == 0
            yield walk.index % 2 != 0
        else:
            yield None


_UNPINNED = Part({}, None)  # marks a conjunction tried without its inherited tag


def _swap(parts: list[Part], old: Part, new: Part) -> list[Part]:
    return [new if part is old else part for part in parts]


def _sub(holder: Part, keyword: str) -> list[Part]:
    node = holder.get(keyword)
    return [] if node is None else [Part(node, holder.at(keyword))]


def _is_null(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("type") == "null"


def _tag_part(discriminator: Mapping[str, Any], ref: Any) -> Part | None:
    """The pin for the branch `ref`: its name in the mapping, else its component name."""
    prop = discriminator.get("propertyName")
    if not isinstance(prop, str) or not isinstance(ref, str):
        return None
    name = (ref_pointer(ref) or ref).rsplit("/", 1)[-1]
    mapping = discriminator.get("mapping")
    targets = mapping.items() if isinstance(mapping, Mapping) else ()
    tag = next((k for k, v in targets if v in {ref, name}), name)
    return Part({"properties": {prop: {"const": tag}}, "required": [prop]}, None)


def _kinds(conj: Conjunction) -> list[str]:
    """The JSON types to try: those the keywords hint at, a string, the others of `_ORDER`.

    Without `type` every kind is allowed; the later ones are only reached when the judge
    refuses the earlier (`not: {type: string}`, say).
    """
    present = conj.keywords
    hinted = [k for k, words in _HINTS.items() if present.intersection(words)]
    allowed = conj.types if conj.types is not None else set(_ORDER)
    ordered = [k for k in _ORDER if k in allowed]
    return sorted(ordered, key=lambda k: (k not in hinted, k != "string", k == "null"))
