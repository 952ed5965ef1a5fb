"""Strings for merged string keywords: every `pattern` matched, a sample per `format`, lengths kept.

Format samples follow their RFCs (3339 dates and times, 4122 UUIDs, 5321 addresses, 3986 URIs,
4648 base64) and use documentation ranges for addresses (RFC 5737, 3849). `index` varies every
candidate, so the items of a `uniqueItems` array can differ. A pattern is written by
`patterns.example`; one it cannot write (a lookahead, say) falls back to Hypothesis's regex
strategy, shrunk to its minimal example with a fixed seed.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Iterator, Mapping

from generator.ir.params import ecma_to_python
from generator.mock.patterns import example, written_exactly

Sample = Callable[[int], str]


def _uuid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012x}"


# Each format: samples (shortest last), a function of the variation index.
FORMATS: Mapping[str, tuple[Sample, ...]] = {
    "date": (lambda i: f"2024-01-{i % 28 + 1:02d}",),
    "date-time": (lambda i: f"2024-01-{i % 28 + 1:02d}T00:00:00Z",),
    "time": (lambda i: f"12:00:{i % 60:02d}Z",),
    "duration": (lambda i: f"P{i + 1}D",),
    "email": (lambda i: f"user{i or ''}@example.com", lambda i: f"u{i or ''}@e.co"),
    "idn-email": (lambda i: f"user{i or ''}@example.com", lambda i: f"u{i or ''}@e.co"),
    "hostname": (lambda i: f"host{i or ''}.example.com", lambda i: f"h{i or ''}"),
    "idn-hostname": (lambda i: f"host{i or ''}.example.com", lambda i: f"h{i or ''}"),
    "ipv4": (lambda i: f"192.0.2.{i % 255 + 1}",),
    "ipv6": (lambda i: f"2001:db8::{i + 1:x}",),
    "uri": (lambda i: f"https://example.com/{i or ''}", lambda i: f"urn:{i or 'x'}"),
    "url": (lambda i: f"https://example.com/{i or ''}", lambda i: f"urn:{i or 'x'}"),
    "iri": (lambda i: f"https://example.com/{i or ''}", lambda i: f"urn:{i or 'x'}"),
    "uri-reference": (lambda i: f"/example{i or ''}", lambda i: f"/{i or ''}"),
    "iri-reference": (lambda i: f"/example{i or ''}", lambda i: f"/{i or ''}"),
    "uri-template": (lambda i: f"https://example.com/{{id}}/{i or ''}",),
    "uuid": (_uuid,),
    "byte": (lambda i: base64.b64encode(f"example{i or ''}".encode()).decode(),),
    "password": (lambda i: f"password{i or ''}",),
    "json-pointer": (lambda i: f"/example{i or ''}",),
    "relative-json-pointer": (lambda i: str(i),),
    "regex": (lambda i: f"^example{i or ''}$",),
    "int32": (lambda i: str(i + 1),),
    "int64": (lambda i: str(i + 1),),
}
# Where a sample may grow to a minimum length without leaving its format.
_PADDING: Mapping[str, Callable[[str, int], str]] = {
    "uri": lambda s, n: s + "a" * n,
    "url": lambda s, n: s + "a" * n,
    "iri": lambda s, n: s + "a" * n,
    "uri-reference": lambda s, n: s + "a" * n,
    "iri-reference": lambda s, n: s + "a" * n,
    "email": lambda s, n: "a" * n + s,
    "idn-email": lambda s, n: "a" * n + s,
    "hostname": lambda s, n: ("a" * min(n, 60) + "." + s) if n else s,
    "password": lambda s, n: s + "a" * n,
}


@functools.cache
def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    python = ecma_to_python(pattern)
    return re.compile(python) if python is not None else None


def _matches(patterns: list[str], text: str) -> bool:
    for pattern in patterns:
        compiled = pattern_regex(pattern)
        if compiled is not None and compiled.search(text) is None:
            return False
    return True


def texts(
    patterns: list[str],
    formats: list[str],
    low: int | None,
    high: int | None,
    index: int = 0,
) -> Iterator[str]:
    """Candidate strings, best first: written from each pattern, then format samples, then plain.

    >>> next(texts([], ["date"], None, None)), next(texts([], [], 3, 3)), next(texts([], [], None, None, 2))
    ('2024-01-01', 'str', 'string2')
    >>> next(texts(["^[A-Z]{3}-[0-9]{2}$"], [], None, None))
    'AAA-00'
    """
    least, most = low or 0, high

    def fits(text: str) -> bool:
        return (
            len(text) >= least and (most is None or len(text) <= most) and _matches(patterns, text)
        )

    for pattern in patterns:
        found = example(pattern, low, high, index)
        if found is None and index == 0 and not written_exactly(pattern):
            found = hypothesis_example(pattern, low, high)
        if found is not None and fits(found):
            yield found
    for fmt in formats[:1]:
        for sample in FORMATS.get(fmt, ()):
            text = sample(index)
            pad = _PADDING.get(fmt)
            if len(text) < least and pad is not None:
                text = pad(text, least - len(text))
            if fits(text):
                yield text
    for number in range(index, index + 3):  # a few, for `not` and `enum`s of other strings
        plain = _plain(number, least, most)
        if fits(plain):
            yield plain


def _plain(index: int, least: int, most: int | None) -> str:
    """`string`, `string1`... cut or stretched to the length bounds.

    >>> _plain(0, 0, 3), _plain(12, 0, 3), _plain(1, 9, None)
    ('str', 'g12', 'string111')
    """
    plain = "string" + (str(index) if index else "")
    if most is not None and len(plain) > most:
        plain = plain[:most] if index == 0 else plain[-most:]
    if len(plain) < least:
        plain = plain + plain[-1:] * (least - len(plain)) if plain else "s" * least
    return plain


@functools.cache
def hypothesis_example(pattern: str, min_length: int | None, max_length: int | None) -> str | None:
    """The minimal string Hypothesis finds for `pattern` (searched) within the bounds, or None.

    Slow (about a second), so only for what `patterns.example` does not write exactly.
    """
    compiled = pattern_regex(pattern)
    if compiled is None:
        return None
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st
    except ImportError:  # pragma: no cover - Hypothesis comes with schemathesis
        return None

    def fits(value: str) -> bool:
        return (
            (min_length is None or len(value) >= min_length)
            and (max_length is None or len(value) <= max_length)
            and compiled.search(value) is not None
        )

    try:
        found: str = find(
            st.from_regex(compiled, fullmatch=False),
            fits,
            settings=settings(
                database=None,
                derandomize=True,
                max_examples=500,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except Exception:  # Unsatisfiable, NoSuchExample, or a pattern Hypothesis cannot parse
        return None
    return found
