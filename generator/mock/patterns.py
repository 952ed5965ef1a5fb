"""Strings that an ECMA-262 `pattern` accepts: a small deterministic generator over the regex.

The pattern is parsed into a tree (alternation, groups, classes, quantifiers, anchors,
lookarounds, back-references) and each node writes its shortest text: a quantifier repeats its
minimum, an alternation takes its first branch, a class its first readable member. `index`
rotates class choices, so `index` 0, 1, 2 give distinct strings where the pattern allows it.
Length bounds are met by stretching one quantifier, or padding an unanchored end. Every result
is verified (Python `re` over the ECMA translation, search semantics as JSON Schema asks); what
the generator cannot parse or satisfy (`\\p{...}`, lookaheads it does not write) returns None.

>>> example("^[A-Z]{3}-[0-9]{2}$"), example("^[A-Z]{3}-[0-9]{2}$", index=1)
('AAA-00', 'BBB-11')
>>> example("^a+$", min_length=4), example("(ab|c)d", max_length=2)
('aaaa', 'cd')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.ir.params import ecma_to_python
from generator.mock.regex import Node, Unsupported, parse

# Class members are chosen in this order: readable first, then any printable ASCII.
PREFERRED = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + "-_.~ "
    + "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum() and chr(c) not in "-_.~")
)


@dataclass
class _Plan:
    """Choices for one rendering: class rotation, extra repetitions, shortest alternatives."""

    index: int = 0
    stretch: dict[int, int] = field(default_factory=dict)  # id(rep node) -> extra count
    shortest: bool = False
    branch: int = 0  # which alternative each alternation takes (its last when it has fewer)
    groups: dict[str, str] = field(default_factory=dict)


def _choice(node: Node, index: int) -> str:
    assert node.member is not None
    found = [c for c in PREFERRED if node.member(c)]
    found += [c for c in node.starts if c not in found and node.member(c)]
    if not found:
        raise Unsupported("no member found for a class")
    return found[index % len(found)]


def _render(node: Node, plan: _Plan) -> str:
    kind = node.kind
    if kind == "lit":
        return node.text
    if kind == "set":
        return _choice(node, plan.index)
    if kind == "seq":
        return "".join(_render(part, plan) for part in node.parts)
    if kind == "alt":
        options = node.parts
        if plan.shortest:
            return min((_render(o, plan) for o in options), key=len)
        return _render(options[min(plan.branch, len(options) - 1)], plan)
    if kind == "rep":
        count = node.low + plan.stretch.get(id(node), 0)
        return "".join(_render(node.parts[0], plan) for _ in range(count))
    if kind == "group":
        written = _render(node.parts[0], plan)
        number, _, name = node.name.partition(":")
        plan.groups[number] = written
        if name:
            plan.groups[name] = written
        return written
    if kind == "backref":
        return plan.groups.get(node.text, "")
    return ""  # anchors and lookarounds are zero-width


def _repeats(node: Node) -> Iterator[Node]:
    if node.kind == "rep" and (node.high is None or node.high > node.low):
        yield node
    for part in node.parts:
        if node.kind != "look":
            yield from _repeats(part)


def example(
    pattern: str, min_length: int | None = None, max_length: int | None = None, index: int = 0
) -> str | None:
    """A string that `pattern` (searched, as JSON Schema asks) accepts within the length bounds."""
    python = ecma_to_python(pattern)
    try:
        tree = parse(pattern)
    except (Unsupported, ValueError, RecursionError):
        return None
    if python is None:
        return None
    compiled = re.compile(python)
    low, high = min_length or 0, max_length

    def fits(text: str) -> bool:
        return (
            len(text) >= low and (high is None or len(text) <= high) and bool(compiled.search(text))
        )

    try:
        for text in _attempts(tree, pattern, low, index):
            if fits(text):
                return text
    except (Unsupported, RecursionError):
        return None
    return None


def _attempts(tree: Node, pattern: str, low: int, index: int) -> Iterator[str]:
    """Renderings to try: plain, shortest branches, then for each choice of alternatives each
    quantifier stretched and the unanchored ends padded up to the minimum length."""
    yield _render(tree, _Plan(index))
    yield _render(tree, _Plan(index, shortest=True))
    for branch in range(_widest(tree)):
        plain = _render(tree, _Plan(index, branch=branch))
        yield plain
        missing = low - len(plain)
        if missing <= 0:
            continue
        for rep in _repeats(tree):
            unit = len(_render(rep.parts[0], _Plan(index, branch=branch))) or 1
            extra = math.ceil(missing / unit)
            if rep.high is not None:
                extra = min(extra, rep.high - rep.low)
            yield _render(tree, _Plan(index, stretch={id(rep): extra}, branch=branch))
        if not pattern.endswith("$") or pattern.endswith("\\$"):
            yield plain + "a" * missing
        if not pattern.startswith("^"):
            yield "a" * missing + plain


def _widest(node: Node) -> int:
    own = len(node.parts) if node.kind == "alt" else 1
    return max([own, *(_widest(part) for part in node.parts)])


def written_exactly(pattern: str) -> bool:
    """True when `example` writes what the pattern asks (it parses, and has no lookaround or
    back-reference): a None from `example` is then not worth a slow search.

    >>> written_exactly("^[a-z]+$"), written_exactly("^(?=.*[0-9]).{8,}$")
    (True, False)
    """
    try:
        tree = parse(pattern)
    except (Unsupported, ValueError, RecursionError):
        return False
    return not any(node.kind in {"look", "backref"} for node in _nodes(tree))


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    for part in node.parts:
        yield from _nodes(part)
