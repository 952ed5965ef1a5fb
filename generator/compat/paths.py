"""Matching paths across two contracts by template shape, so renamed parameters still match.

>>> shape("/users/{id}/posts/{post_id}")
'/users/{}/posts/{}'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from generator.spec.pointers import join_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{([^{}/]*)\}")


def shape(template: str) -> str:
    """The template with parameter names erased: what a URL matches."""
    return _PARAM.sub("{}", template)


def names(template: str) -> list[str]:
    """The template's parameter names in order.

    >>> names("/u/{id}/k/{key}")
    ['id', 'key']
    """
    return _PARAM.findall(template)


@dataclass(frozen=True)
class PathMatch:
    """A path template in the old contract and the one it became in the new (None: gone)."""

    old: str | None
    new: str | None

    def renames(self) -> dict[str, str]:
        """New parameter name → old name, for the positions whose name changed."""
        if self.old is None or self.new is None:
            return {}
        return {
            after: before
            for before, after in zip(names(self.old), names(self.new), strict=False)
            if before != after
        }


def templates(root: Any) -> list[str]:
    """The contract's path templates in file order (extension keys skipped)."""
    paths = root.get("paths")
    if not isinstance(paths, dict):
        return []
    return [key for key in paths if isinstance(key, str) and key.startswith("/")]


def _keyed(found: list[str]) -> dict[str, str]:
    """Templates by shape; two templates of one shape (an invalid contract) keep their text."""
    counts = Counter(shape(t) for t in found)
    return {(shape(t) if counts[shape(t)] == 1 else t): t for t in found}


def match_paths(old_root: Any, new_root: Any) -> list[PathMatch]:
    """Every old path with its new counterpart, then the new paths that are new."""
    old, new = _keyed(templates(old_root)), _keyed(templates(new_root))
    matches = [PathMatch(template, new.get(key)) for key, template in old.items()]
    matches.extend(PathMatch(None, template) for key, template in new.items() if key not in old)
    return matches


def path_pointer(template: str) -> str:
    """The JSON pointer of a path item.

    >>> path_pointer("/u/{id}")
    '/paths/~1u~1{id}'
    """
    return join_pointer("/paths", template)


def operations(item: Any) -> list[str]:
    """The HTTP methods a path item defines, in the usual order."""
    if not isinstance(item, dict):
        return []
    return [method for method in METHODS if isinstance(item.get(method), dict)]
