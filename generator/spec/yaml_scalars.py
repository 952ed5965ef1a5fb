"""YAML scalars the way PyYAML's safe loader reads them, as JSON-friendly values.

Plain scalars resolve with PyYAML's YAML 1.1 rules (ints, floats, bools, null); timestamps and
binary come back as strings because an OpenAPI document is JSON data (a date stays `2024-01-31`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_TAGS = frozenset({"!", "tag:yaml.org,2002:map"})
SEQ_TAGS = frozenset({"!", "tag:yaml.org,2002:seq"})
_PREFIX = "tag:yaml.org,2002:"
_IMPLICIT: dict[Any, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
_ANY_START = _IMPLICIT.get(None, [])
_RFC3339 = re.compile(
    r"\d{4}-\d\d-\d\d(?:[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)?)?",
)
_CONSTRUCTOR = SafeConstructor()


class ScalarProblem(Exception):
    """A scalar could not be read: an unsafe tag, or text that does not fit its tag."""

    def __init__(self, *, bad_tag: bool) -> None:
        super().__init__("bad tag" if bad_tag else "bad value")
        self.bad_tag = bad_tag


def _construct(tag: str) -> Callable[[str], Any]:
    method = SafeConstructor.yaml_constructors[tag]
    return lambda text: method(_CONSTRUCTOR, ScalarNode(tag, text))


def _timestamp(text: str) -> str:
    """An ISO 8601 string: the text itself when it already is RFC 3339, else normalised."""
    if _RFC3339.fullmatch(text):
        return text
    value = _construct(_PREFIX + "timestamp")(text)
    return str(value.isoformat())


def _binary(text: str) -> str:
    compact = "".join(text.split())
    base64.b64decode(compact, validate=True)
    return compact


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    _PREFIX + "int": _construct(_PREFIX + "int"),
    _PREFIX + "float": _construct(_PREFIX + "float"),
    _PREFIX + "bool": _construct(_PREFIX + "bool"),
    _PREFIX + "null": lambda text: None,
    _PREFIX + "timestamp": _timestamp,
    _PREFIX + "binary": _binary,
    MERGE_TAG: lambda text: text,
    _PREFIX + "value": lambda text: text,
}


def implicit_tag(text: str) -> str:
    """The tag PyYAML's safe resolver gives a plain scalar.

    >>> implicit_tag("200"), implicit_tag("yes"), implicit_tag("2XX")
    ('tag:yaml.org,2002:int', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:str')
    """
    for tag, pattern in _IMPLICIT.get(text[:1], ()):
        if pattern.match(text):
            return tag
    for tag, pattern in _ANY_START:
        if pattern.match(text):
            return tag
    return STR_TAG


def resolve_scalar(tag: str | None, text: str, implicit: tuple[bool, bool]) -> Any:
    """The value of one scalar event; raises `ScalarProblem` for unsafe or unreadable ones.

    >>> resolve_scalar(None, "0x1F", (True, False)), resolve_scalar(None, "2024-01-31", (True, False))
    (31, '2024-01-31')
    """
    if tag is None:
        if not implicit[0]:
            return text
        tag = implicit_tag(text)
    if tag == STR_TAG or tag == "!":
        return text
    convert = _CONVERTERS.get(tag)
    if convert is None:
        raise ScalarProblem(bad_tag=True)
    try:
        return convert(text)
    except Exception as exc:  # PyYAML's constructors fail in many ways on explicit tags
        raise ScalarProblem(bad_tag=False) from exc


def key_tag_ok(tag: str | None) -> bool:
    """True when a mapping key carries no tag or a plain-data one."""
    return tag is None or tag == "!" or tag == STR_TAG or tag in _CONVERTERS


def short_tag(tag: str | None, limit: int = 60) -> str:
    """A tag as written in YAML, shortened for messages.

    >>> short_tag("tag:yaml.org,2002:python/object/apply:os.system")
    '!!python/object/apply:os.system'
    """
    text = "!" if tag is None else tag
    if text.startswith(_PREFIX):
        text = "!!" + text[len(_PREFIX) :]
    return text if len(text) <= limit else text[: limit - 1] + "…"
