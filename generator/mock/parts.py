"""Conjunctions: every schema a value must satisfy at one place, gathered and merged to generate from.

The synthesizer works on a wire view (JSON Schema 2020-12, see `generator/ir/wire_schemas.py`).
A value at one place of an instance must satisfy several schemas at once: a `$ref` and its
siblings, every `allOf` member, the branch chosen for an `anyOf`, the dependent schemas its
properties trigger. Each is a `Part` (a schema and where it sits in the view, so the judge can
check a candidate there); `gather` follows `$ref` and `allOf` and merges their keywords into
one `Conjunction`. Choices (`anyOf`/`oneOf`, `if`) stay open: the synthesizer decides them.

>>> view = {"A": {"type": "integer", "minimum": 2}, "B": {"$ref": "#/A", "maximum": 5}}
>>> merged = gather(view, [Part(view["B"], "/B")])
>>> merged.types, sorted(merged.numbers.items()), merged.pointers
({'integer'}, [('maximum', 5), ('minimum', 2)], ['/B', '/A'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from generator.spec.pointers import join_pointer, resolve_pointer

_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
_STRUCTURE = frozenset({"$ref", "allOf"})
# A candidate needs the judge where these keywords decide; elsewhere its parts were judged.
DECISIVE = frozenset(
    {
        "anyOf", "oneOf", "not", "if", "enum", "const", "pattern", "format", "uniqueItems",
        "contains", "dependentSchemas", "dependentRequired", "propertyNames", "multipleOf",
        "unevaluatedProperties", "unevaluatedItems", "patternProperties", "maxProperties",
    }
)  # fmt: skip
MAX_PARTS = 200  # a conjunction larger than this is a loop of `allOf`s


class Unsatisfiable(Exception):
    """No value satisfies the conjunction (a `false` schema, a `$ref` that resolves nowhere)."""


@dataclass(frozen=True)
class Part:
    """A schema of the view, where it sits (None: made up here) and keywords already decided."""

    node: Any
    pointer: str | None
    done: frozenset[str] = frozenset()

    def deciding(self, *keywords: str) -> Part:
        """This part with `keywords` marked decided (a branch was chosen for them)."""
        return Part(self.node, self.pointer, self.done | frozenset(keywords))

    def at(self, *tokens: str | int) -> str | None:
        """The pointer of a subschema of this part."""
        return join_pointer(self.pointer, *tokens) if self.pointer is not None else None

    def get(self, keyword: str) -> Any:
        """The keyword's value unless decided."""
        node = self.node
        return node.get(keyword) if isinstance(node, Mapping) and keyword not in self.done else None


@dataclass(frozen=True)
class Choice:
    """An open `anyOf`/`oneOf` of one part: decide it by adding a branch to the conjunction."""

    holder: Part
    keyword: str
    branches: tuple[Part, ...]


@dataclass
class Conjunction:
    """The merged keywords of every part, and the parts themselves (structure expanded)."""

    parts: list[Part] = field(default_factory=list)
    pointers: list[str] = field(default_factory=list)  # where the judge checks a candidate
    refs: list[str] = field(default_factory=list)  # the `$ref` targets followed
    types: set[str] | None = None  # None: any type
    consts: list[Any] = field(default_factory=list)
    enums: list[list[Any]] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)  # tightest bounds
    counts: dict[str, int] = field(default_factory=dict)  # tightest length/item/property counts
    multiples: list[Any] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    unique: bool = False
    choices: list[Choice] = field(default_factory=list)
    conditions: list[Part] = field(default_factory=list)  # parts holding an open `if`
    decisive: bool = False

    @property
    def keywords(self) -> set[str]:
        """Every keyword some part declares (decided ones left out)."""
        return {k for p in self.parts if isinstance(p.node, Mapping) for k in p.node} - {
            k for p in self.parts for k in p.done
        }

    def pieces(self, keyword: str) -> list[Part]:
        """The parts declaring `keyword`."""
        return [p for p in self.parts if p.get(keyword) is not None]


def ref_pointer(ref: str) -> str | None:
    """The view pointer a local `$ref` names, or None for any other reference.

    >>> ref_pointer("#/components/schemas/A%20B")
    '/components/schemas/A B'
    """
    return unquote(ref[1:]) if ref.startswith("#") else None


def gather(view: Mapping[str, Any], parts: list[Part]) -> Conjunction:
    """Expand `$ref` and `allOf` of `parts` and merge every keyword; Unsatisfiable on `false`."""
    out = Conjunction()
    pending = list(parts)
    seen: set[tuple[str | None, int, frozenset[str]]] = set()
    while pending:
        part = pending.pop(0)
        key = (part.pointer, id(part.node), part.done)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_PARTS:
            raise Unsatisfiable("too many schemas at one place")
        node = part.node
        if node is False:
            raise Unsatisfiable("a false schema")
        if not isinstance(node, Mapping):
            continue
        pending.extend(_expand(view, part, out))
        decided = part.deciding(*_STRUCTURE)  # gathering the parts again expands nothing twice
        out.parts.append(decided)
        out.decisive = out.decisive or bool(part.done & DECISIVE)  # a decided `oneOf` still is
        if part.pointer is not None and part.pointer not in out.pointers:
            out.pointers.append(part.pointer)
        _merge(out, decided)
    return out


def _expand(view: Mapping[str, Any], part: Part, out: Conjunction) -> list[Part]:
    """The parts a `$ref` and an `allOf` of `part` add."""
    found: list[Part] = []
    ref = part.get("$ref")
    if isinstance(ref, str):
        pointer = ref_pointer(ref)
        target = resolve_pointer(view, pointer) if pointer is not None else None
        if pointer is None or target is None:
            raise Unsatisfiable(f"unresolvable $ref {ref[:80]}")
        out.refs.append(pointer)
        found.append(Part(target, pointer))
    members = part.get("allOf")
    if isinstance(members, list):
        found.extend(Part(sub, part.at("allOf", i)) for i, sub in enumerate(members))
    return found


def _merge(out: Conjunction, part: Part) -> None:
    node = part.node
    for key in node:
        if key in part.done:
            continue
        value = node[key]
        out.decisive = out.decisive or key in DECISIVE
        if key == "type":
            kinds = {value} if isinstance(value, str) else set(value)
            out.types = kinds if out.types is None else _meet(out.types, kinds)
        elif key == "const":
            out.consts.append(value)
        elif key == "enum" and isinstance(value, list):
            out.enums.append(value)
        elif key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
            _tighten(out.numbers, key, value)
        elif key in _LOWER or key in _UPPER:
            _tighten(out.counts, key, value)
        elif key == "multipleOf":
            out.multiples.append(value)
        elif key == "pattern":
            out.patterns.append(value)
        elif key == "format":
            out.formats.append(value)
        elif key == "required":
            out.required += [name for name in value if name not in out.required]
        elif key == "uniqueItems":
            out.unique = out.unique or value is True
        elif key in ("anyOf", "oneOf") and isinstance(value, list):
            branches = tuple(Part(sub, part.at(key, i)) for i, sub in enumerate(value))
            out.choices.append(Choice(part, key, branches))
        elif key == "if":
            out.conditions.append(part)


def _meet(left: set[str], right: set[str]) -> set[str]:
    """Types both allow (an integer is a number)."""
    both = left & right
    if ("integer" in left and "number" in right) or ("integer" in right and "number" in left):
        both.add("integer")
    return both


def _tighten(bounds: dict[str, Any], key: str, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    current = bounds.get(key)
    if current is None:
        bounds[key] = value
    else:
        bounds[key] = max(current, value) if key in _LOWER else min(current, value)
