"""Strings for a schema: a fixed sample per `format`, lengths respected, patterns matched.

Patterns are matched with Hypothesis's regex strategy (shrunk to its minimal example, with a
fixed seed) when Hypothesis is installed; without it a pattern falls back to the format sample.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from generator.ir.params import ecma_to_python

# RFC 3339 / RFC 4122 / RFC 5321 ... samples; documentation ranges for addresses (RFC 5737, 3849).
FORMATS: Mapping[str, str] = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "12:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "/example",
    "iri": "https://example.com/",
    "iri-reference": "/example",
    "uri-template": "https://example.com/{id}",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "byte": "ZXhhbXBsZQ==",
    "binary": "",
    "password": "password",
    "json-pointer": "/example",
    "regex": "^example$",
}


def _count(schema: Mapping[str, Any], key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text(schema: Mapping[str, Any], index: int = 0) -> str:
    """A string valid for `schema`'s format, pattern and length bounds; `index` varies it.

    >>> text({"format": "date"}), text({"minLength": 3, "maxLength": 3}), text({}, 2)
    ('2024-01-01', 'str', 'string2')
    """
    low, high = _count(schema, "minLength"), _count(schema, "maxLength")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        found = matching(pattern, low, high)
        if found is not None:
            return found
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMATS:
        return _vary(FORMATS[fmt], fmt, index)
    value = "string" + (str(index) if index else "")
    if high is not None and len(value) > high:
        value = value[:high]
    if low is not None and len(value) < low:
        value = value[:1] * low if value else "s" * low
    return value


def _vary(sample: str, fmt: str, index: int) -> str:
    """Distinct samples for `uniqueItems` arrays (only where the format allows it cheaply)."""
    if not index:
        return sample
    if fmt == "uuid":
        return sample[: -len(str(index))] + str(index)
    if fmt in {"email", "idn-email"}:
        return f"user{index}@example.com"
    if fmt in {"date", "date-time"}:
        return sample.replace("01-01", f"01-{(index % 28) + 1:02d}", 1)
    return sample


@functools.cache
def matching(pattern: str, min_length: int | None, max_length: int | None) -> str | None:
    """The minimal string that a JSON Schema `pattern` (an unanchored search) accepts, or None."""
    python = ecma_to_python(pattern)
    if python is None:
        return None
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st
    except ImportError:  # pragma: no cover - Hypothesis comes with schemathesis
        return None
    compiled = re.compile(python)

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
