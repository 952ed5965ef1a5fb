"""Objects and arrays for a conjunction: which members to write, and the parts each member obeys.

A property's value obeys, in every part of the conjunction, the part's `properties` entry, each
`patternProperties` entry whose pattern matches the name, and `additionalProperties` where
neither applies (JSON Schema 2020-12 §10.3.2). An item obeys `prefixItems[i]` or `items`, and
the first `minContains` items also the `contains` schemas. `dependentRequired` adds names,
`minProperties` optional then made-up ones, `maxProperties` drops optional ones again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from generator.mock.parts import Conjunction, Part
from generator.mock.strings import pattern_regex

MAX_DEPTH = 6  # optional properties below this depth are left out
MAX_TRIES = 12  # candidates looked at for one member before giving up on it
MISSING: Any = object()


@dataclass(frozen=True)
class Walk:
    """Where the synthesizer is: depth, `$ref` targets on the way, shrinking, variation index."""

    depth: int = 0
    seen: frozenset[str] = frozenset()
    minimal: bool = False
    index: int = 0

    def deeper(self, index: int = 0) -> Walk:
        return replace(self, depth=self.depth + 1, index=index)


class Values(Protocol):
    """What the containers need of the synthesizer."""

    def values(self, parts: list[Part], walk: Walk) -> Iterator[Any]: ...


def first(synth: Values, parts: list[Part], walk: Walk) -> Any:
    """The first accepted value for `parts`, or MISSING."""
    return next(iter(synth.values(parts, walk)), MISSING)


def key(value: Any) -> str:
    """A canonical text of a JSON value, to compare values (`uniqueItems`, repeats)."""
    return json.dumps(value, sort_keys=True, default=str)


def property_parts(conj: Conjunction, name: str) -> list[Part]:
    """The parts the value of property `name` obeys."""
    found: list[Part] = []
    for part in conj.parts:
        props, patterns = part.get("properties"), part.get("patternProperties")
        declared = isinstance(props, Mapping) and name in props
        if declared:
            found.append(Part(props[name], part.at("properties", name)))
        matched = False
        for pattern, sub in patterns.items() if isinstance(patterns, Mapping) else ():
            compiled = pattern_regex(pattern)
            if compiled is not None and compiled.search(name):
                found.append(Part(sub, part.at("patternProperties", pattern)))
                matched = True
        extra = part.get("additionalProperties")
        if not declared and not matched and extra is not None:
            found.append(Part(extra, part.at("additionalProperties")))
    return found


def item_parts(conj: Conjunction, index: int) -> list[Part]:
    """The parts item `index` of an array obeys (`contains` left to the caller)."""
    found: list[Part] = []
    for part in conj.parts:
        prefix, items = part.get("prefixItems"), part.get("items")
        if isinstance(prefix, list) and index < len(prefix):
            found.append(Part(prefix[index], part.at("prefixItems", index)))
        elif items is not None:
            found.append(Part(items, part.at("items")))
    return found


def objects(synth: Values, conj: Conjunction, walk: Walk) -> Iterator[dict[str, Any]]:
    """Objects: with optional properties (shallow and not shrinking), then required ones only."""
    variants = (False,) if walk.minimal or walk.depth >= MAX_DEPTH else (True, False)
    for full in variants:
        built = _object(synth, conj, walk, full)
        if built is not None:
            yield built


def _declared(conj: Conjunction) -> tuple[list[str], set[str]]:
    names: list[str] = []
    forbidden: set[str] = set()
    for part in conj.parts:
        props = part.get("properties")
        for name, sub in props.items() if isinstance(props, Mapping) else ():
            if sub is False:
                forbidden.add(name)  # a direction leaves it out (readOnly, writeOnly)
            if name not in names:
                names.append(name)
    return [n for n in names if n not in forbidden], forbidden


def _object(synth: Values, conj: Conjunction, walk: Walk, full: bool) -> dict[str, Any] | None:
    declared, forbidden = _declared(conj)
    least, most = conj.counts.get("minProperties", 0), conj.counts.get("maxProperties")
    names = list(conj.required)
    optional = [n for n in declared if n not in names]
    if full or len(names) < least:
        names += optional if full else optional[: least - len(names)]
    _depend(conj, names)
    needed = set(names) - set(optional)
    place = {name: n for n, name in enumerate(declared)}
    names.sort(key=lambda name: place.get(name, len(place)))  # the contract's order
    out: dict[str, Any] = {}
    for name in names:
        value = first(synth, property_parts(conj, name), walk.deeper())
        if value is MISSING:
            if name in needed:
                return None
            continue
        out[name] = value
    for number in range(least + MAX_TRIES):
        if len(out) >= least:
            break
        made = _made_up_name(synth, conj, walk, number)
        if made is None or made in out or made in forbidden:
            continue
        value = first(synth, property_parts(conj, made), walk.deeper())
        if value is not MISSING:
            out[made] = value
    if len(out) < least:
        return None
    for name in reversed(optional):
        if most is not None and len(out) > most and name in out and name not in needed:
            del out[name]
    return out


def _depend(conj: Conjunction, names: list[str]) -> None:
    """Add what `dependentRequired` asks of the names present (until nothing changes)."""
    for name in names:  # the list grows while it is walked: dependents of dependents count
        for part in conj.pieces("dependentRequired"):
            for extra in part.get("dependentRequired").get(name) or []:
                if extra not in names:
                    names.append(extra)


def _made_up_name(synth: Values, conj: Conjunction, walk: Walk, number: int) -> str | None:
    """A name for a property nobody declared: one `propertyNames` allows, else `key<n>`."""
    rules = [
        Part(p.get("propertyNames"), p.at("propertyNames")) for p in conj.pieces("propertyNames")
    ]
    patterns = [p.get("patternProperties") for p in conj.pieces("patternProperties")]
    for table in patterns:
        if isinstance(table, Mapping) and table:
            rules.append(Part({"type": "string", "pattern": next(iter(table))}, None))
    if rules:
        name = first(synth, rules, replace(walk, index=number))
        return name if isinstance(name, str) else None
    return f"key{number}"


def arrays(synth: Values, conj: Conjunction, walk: Walk) -> Iterator[list[Any]]:
    """Arrays of the fewest items allowed (at least one unless shrinking), then of the minimum."""
    low, high = conj.counts.get("minItems", 0), conj.counts.get("maxItems")
    contains = [Part(p.get("contains"), p.at("contains")) for p in conj.pieces("contains")]
    need = conj.counts.get("minContains", 1) if contains else 0
    counts = [max(low, need, 0 if walk.minimal else 1), max(low, need)]
    for count in dict.fromkeys(counts):
        if high is not None and count > high:
            continue
        items = _items(synth, conj, walk, count, contains, need)
        if items is not None:
            yield items


def _items(
    synth: Values, conj: Conjunction, walk: Walk, count: int, contains: list[Part], need: int
) -> list[Any] | None:
    out: list[Any] = []
    taken: set[str] = set()
    for index in range(count):
        parts = item_parts(conj, index) + (contains if index < need else [])
        chosen = MISSING
        for tries, value in enumerate(synth.values(parts, walk.deeper(index))):
            if not conj.unique or key(value) not in taken:
                chosen = value
                break
            if tries >= MAX_TRIES:
                break
        if chosen is MISSING:
            return None
        out.append(chosen)
        taken.add(key(chosen))
    return out
