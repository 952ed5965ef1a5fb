"""Telling, without walking it, that a schema cannot have changed between the two contracts.

Two versions of a big contract are mostly identical, and walking identical schemas keyword by
keyword is where a diff would spend its time. A subtree is unchanged when it is equal as
data (a C-speed comparison) and every `$ref` inside it names a component schema that is
itself unchanged: equal in both contracts, and referring only to unchanged schemas.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from generator.spec.pointers import schema_name, schema_ref

_REF = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')


def refs_in(node: Any) -> set[str]:
    """Every `$ref` string inside a JSON-like tree.

    >>> sorted(refs_in({"a": [{"$ref": "#/x"}], "b": {"$ref": "#/y"}}))
    ['#/x', '#/y']
    """
    try:
        text = json.dumps(node, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # keys JSON cannot hold: never vouch for such a tree
        return {"?"}
    return {json.loads(f'"{found}"') for found in _REF.findall(text)}


def _schemas(root: Any) -> dict[str, Any]:
    components = root.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


class Unchanged:
    """Knows which component schemas are unchanged, and so which subtrees are."""

    def __init__(self, old_root: Any, new_root: Any) -> None:
        old, new = _schemas(old_root), _schemas(new_root)
        names = old.keys() | new.keys()
        dirty = {name for name in names if name not in old or name not in new}
        dirty |= {name for name in names - dirty if old[name] != new[name]}
        users: dict[str, set[str]] = defaultdict(set)
        for name in names - dirty:
            for ref in refs_in(new[name]):
                target = schema_name(ref)
                if target is None or target not in names:
                    dirty.add(name)  # a reference we cannot vouch for
                else:
                    users[target].add(name)
        queue = list(dirty)
        while queue:  # whatever refers to a changed schema may have changed too
            for user in users.pop(queue.pop(), ()):
                if user not in dirty:
                    dirty.add(user)
                    queue.append(user)
        self.clean = {schema_ref(name) for name in names - dirty}

    def same(self, old: Any, new: Any) -> bool:
        """True when the two subtrees are equal and refer only to unchanged schemas."""
        return old == new and refs_in(new) <= self.clean
