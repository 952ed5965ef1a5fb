"""ECMA-262 regular expressions as a tree, for writing strings they accept (see `patterns`).

The subset JSON Schema patterns use: alternation, groups (capturing, named, non-capturing),
lookarounds, classes with ranges and escapes (`\\d` and `\\w` are ASCII, as ECMA-262 says),
quantifiers (`*`, `+`, `?`, `{n,m}`, lazy or not), anchors, back-references and the
code-point escapes. A `{` that starts no quantifier is a literal (ECMA-262 Annex B). Unicode
property escapes (`\\p{L}`) are not written: parsing raises Unsupported.

>>> [node.kind for node in parse("^a[0-9]{2}$").parts]
['anchor', 'lit', 'rep', 'anchor']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_LINE_BREAKS = "\n\r\u2028\u2029"
_SPACES = " \t\n\r\f\v\u00a0\ufeff"
Member = Callable[[str], bool]


class Unsupported(Exception):
    """A construct this generator does not write (the caller falls back or gives up)."""


@dataclass(frozen=True)
class Node:
    """A regex tree node: `kind` says which of the fields below matter."""

    kind: str  # lit | set | seq | alt | rep | group | look | anchor | backref
    text: str = ""  # lit: the character; backref: the group's number or name
    member: Member | None = None  # set: does a character belong?
    starts: tuple[str, ...] = ()  # set: first characters of its ranges (for non-ASCII sets)
    parts: tuple[Node, ...] = ()
    low: int = 0  # rep: minimum count
    high: int | None = None  # rep: maximum count (None: unbounded)
    name: str = ""  # group: its number and name, for back-references


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.src, self.pos, self.count = pattern, 0, 0

    def peek(self, k: int = 0) -> str:
        at = self.pos + k
        return self.src[at] if at < len(self.src) else ""

    def take(self) -> str:
        ch = self.peek()
        if not ch:
            raise Unsupported("unexpected end")
        self.pos += 1
        return ch

    def parse(self) -> Node:
        node = self.alternation()
        if self.pos != len(self.src):
            raise Unsupported(f"unbalanced ) at {self.pos}")
        return node

    def alternation(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Node("alt", parts=tuple(options))

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() and self.peek() not in "|)":
            atom = self.atom()
            items.append(self.quantified(atom))
        return Node("seq", parts=tuple(items))

    def quantified(self, atom: Node) -> Node:
        bounds = self.quantifier()
        if bounds is None:
            return atom
        if self.peek() == "?":  # lazy: the same strings match
            self.pos += 1
        low, high = bounds
        return (
            atom
            if atom.kind in {"anchor", "look"}
            else Node("rep", parts=(atom,), low=low, high=high)
        )

    def quantifier(self) -> tuple[int, int | None] | None:
        ch = self.peek()
        simple = {"*": (0, None), "+": (1, None), "?": (0, 1)}
        if ch in simple:
            self.pos += 1
            return simple[ch]
        if ch != "{":
            return None
        found = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.src, self.pos)
        if found is None:
            return None  # a literal `{` (ECMA-262 Annex B)
        self.pos = found.end()
        low = int(found.group(1))
        high = low if found.group(2) is None else (int(found.group(3)) if found.group(3) else None)
        if high is not None and high < low:
            raise Unsupported("{n,m} with m < n")
        return low, high

    def atom(self) -> Node:
        ch = self.take()
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == ".":
            return Node("set", member=lambda c: c not in _LINE_BREAKS)
        if ch in "^$":
            return Node("anchor", text=ch)
        if ch == "\\":
            return self.escape(in_class=False)
        return Node("lit", text=ch)

    def group(self) -> Node:
        look = re.compile(r"\?(<?[=!])").match(self.src, self.pos)
        if look is not None:
            self.pos = look.end()
            inner = self.alternation()
            self.expect(")")
            return Node("look", text=look.group(1), parts=(inner,))
        name = ""
        if self.src.startswith("?:", self.pos):
            self.pos += 2
            capture = False
        else:
            named = re.compile(r"\?<([A-Za-z_$][\w$]*)>").match(self.src, self.pos)
            if named is not None:
                self.pos, name = named.end(), named.group(1)
            capture = True
        if capture:
            self.count += 1
            name = f"{self.count}:{name}"
        inner = self.alternation()
        self.expect(")")
        return Node("group", parts=(inner,), name=name) if capture else inner

    def expect(self, ch: str) -> None:
        if self.take() != ch:
            raise Unsupported(f"expected {ch}")

    def char_class(self) -> Node:
        negated = self.peek() == "^"
        self.pos += negated
        members: list[Member] = []
        starts: list[str] = []
        while self.peek() != "]":
            low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in "]" and isinstance(low, str):
                self.pos += 1
                high = self.class_atom()
                if not isinstance(high, str) or ord(high) < ord(low):
                    raise Unsupported("bad class range")
                members.append(_between(low, high))
                starts.append(low)
            elif isinstance(low, str):
                members.append(_between(low, low))
                starts.append(low)
            else:
                members.append(low)
        self.pos += 1

        def member(c: str) -> bool:
            return any(m(c) for m in members) != negated

        return Node("set", member=member, starts=() if negated else tuple(starts))

    def class_atom(self) -> str | Member:
        ch = self.take()
        if ch != "\\":
            return ch
        node = self.escape(in_class=True)
        if node.kind == "lit":
            return node.text
        assert node.member is not None
        return node.member

    def escape(self, *, in_class: bool) -> Node:
        ch = self.take()
        sets: dict[str, Member] = {
            "d": lambda c: "0" <= c <= "9",
            "w": lambda c: c.isascii() and (c.isalnum() or c == "_"),
            "s": lambda c: c in _SPACES,
        }
        if ch.lower() in sets:
            positive = sets[ch.lower()]
            return Node("set", member=positive if ch.islower() else lambda c: not positive(c))
        controls = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "0": "\0"}
        if ch in controls and not (ch == "0" and self.peek().isdigit()):
            return Node("lit", text=controls[ch])
        if ch == "b":
            return Node("lit", text="\b") if in_class else Node("anchor", text="b")
        if ch == "B" and not in_class:
            return Node("anchor", text="B")
        if ch in "xu":
            return Node("lit", text=self.code_point(ch))
        if ch == "c" and self.peek().isalpha():
            return Node("lit", text=chr(ord(self.take()) % 32))
        if ch.isdigit() and not in_class:
            digits = ch
            while self.peek().isdigit():
                digits += self.take()
            return Node("backref", text=digits)
        if ch == "k" and self.peek() == "<":
            end = self.src.index(">", self.pos)
            name, self.pos = self.src[self.pos + 1 : end], end + 1
            return Node("backref", text=name)
        if ch in "pP":
            raise Unsupported("Unicode property escapes")
        return Node("lit", text=ch)  # an identity escape: `\.`, `\/`, `\-`

    def code_point(self, kind: str) -> str:
        if kind == "u" and self.peek() == "{":
            end = self.src.index("}", self.pos)
            digits, self.pos = self.src[self.pos + 1 : end], end + 1
        else:
            size = 2 if kind == "x" else 4
            digits = self.src[self.pos : self.pos + size]
            self.pos += size
        try:
            return chr(int(digits, 16))
        except ValueError:
            raise Unsupported(f"bad \\{kind} escape") from None


def _between(low: str, high: str) -> Member:
    def member(c: str) -> bool:
        return low <= c <= high

    return member


def parse(pattern: str) -> Node:
    """The tree of an ECMA-262 pattern; Unsupported when it cannot be written."""
    return _Parser(pattern).parse()
