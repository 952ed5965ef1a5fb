"""The raw-document toolkit: JSON pointers (RFC 6901) and `$ref`s, the one place that spells them.

Pointers are strings (`""` is the root, `/paths/~1users/get` a path item's operation); a
`$ref` is a URI whose fragment is a pointer, percent-encoded (RFC 3986 §3.5). Every stage
that reads a raw document (the loader, the rules, the IR builder, the compat diff) joins,
splits, resolves and follows references through these functions, so escaping, decoding and
the confinement of file references (`parse_ref`) have one definition.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote as percent_encode
from urllib.parse import unquote, urlsplit

from generator.diagnostics import quote

# A `$ref` chain longer than this is a loop the cycle check has not seen (or absurd).
MAX_HOPS = 64
SCHEMAS = "/components/schemas"
MISSING: Any = object()  # what `lookup` finds where a pointer leads nowhere


def escape_token(token: str) -> str:
    """Escape one reference token.

    >>> escape_token("/users/{id}")
    '~1users~1{id}'
    """
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape_token(token: str) -> str:
    """Undo `escape_token`.

    >>> unescape_token("~1users~1{id}")
    '/users/{id}'
    """
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append tokens to a pointer.

    >>> join_pointer("/paths", "/a/{b}", "get")
    '/paths/~1a~1{b}/get'
    """
    return pointer + "".join("/" + escape_token(str(t)) for t in tokens)


def child_pointer(pointer: str, token: object) -> str:
    """`join_pointer` for one token, for walks that visit every node.

    >>> child_pointer("/properties", "a/b"), child_pointer("/allOf", 0)
    ('/properties/a~1b', '/allOf/0')
    """
    return f"{pointer}/{escape_token(str(token))}"


def split_pointer(pointer: str) -> list[str]:
    """Split a pointer into unescaped tokens (`""`, the root, has none).

    >>> split_pointer("/paths/~1a/get")
    ['paths', '/a', 'get']
    """
    if not pointer:
        return []
    return [unescape_token(t) for t in pointer[1:].split("/")]


def lookup(root: Any, pointer: str) -> Any:
    """The value at `pointer` in `root`, or `MISSING` when a step is missing (a null is found).

    >>> lookup({"a": [{"b": None}]}, "/a/0/b") is None, lookup({"a": []}, "/a/0") is MISSING
    (True, True)
    """
    node = root
    for token in split_pointer(pointer):
        if isinstance(node, dict):
            node = node.get(token, MISSING)
        elif isinstance(node, list) and token.isdigit() and token.isascii():
            node = node[int(token)] if int(token) < len(node) else MISSING
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def resolve_pointer(root: Any, pointer: str) -> Any:
    """The value at `pointer` in `root`, or None when any step is missing.

    >>> resolve_pointer({"a": [{"b": 1}]}, "/a/0/b"), resolve_pointer({"a": 1}, "/a/b")
    (1, None)
    """
    found = lookup(root, pointer)
    return None if found is MISSING else found


def ref_pointer(ref: object) -> str | None:
    """The pointer a local `$ref` leads to (its fragment, percent-decoded); None for any other.

    >>> ref_pointer("#/components/schemas/A%20B"), ref_pointer("#"), ref_pointer("a.yaml#/B")
    ('/components/schemas/A B', '', None)
    """
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    pointer = unquote(ref[1:])
    return pointer if not pointer or pointer.startswith("/") else None


def ref_target(root: Any, ref: object) -> Any:
    """The value a local `$ref` string leads to, or None (one hop: see `deref` for chains).

    >>> ref_target({"a": {"b c": 1}}, "#/a/b%20c")
    1
    """
    pointer = ref_pointer(ref)
    return None if pointer is None else resolve_pointer(root, pointer)


def local_ref(pointer: str) -> str:
    """The `$ref` for a pointer inside the same document.

    >>> local_ref("/paths/~1users~1{id}"), local_ref("/components/schemas/A B")
    ('#/paths/~1users~1{id}', '#/components/schemas/A%20B')
    """
    return "#" + percent_encode(pointer, safe="/~!$&'()*+,;=:@{}")


def schema_pointer(name: str) -> str:
    """The pointer of a schema under `/components/schemas`.

    >>> schema_pointer("Pet/Cat")
    '/components/schemas/Pet~1Cat'
    """
    return child_pointer(SCHEMAS, name)


def schema_ref(name: str) -> str:
    """The `$ref` to a schema under `#/components/schemas` (`~` escapes, no percent-encoding).

    >>> schema_ref("Pet/Cat")
    '#/components/schemas/Pet~1Cat'
    """
    return "#" + schema_pointer(name)


def schema_name(ref: object) -> str | None:
    """The component name a `$ref` to `#/components/schemas/<name>` names; None for others.

    >>> schema_name("#/components/schemas/Pet~1Cat"), schema_name("#/components/schemas/A/x")
    ('Pet/Cat', None)
    """
    tokens = split_pointer(ref_pointer(ref) or "")
    return tokens[2] if len(tokens) == 3 and tokens[:2] == ["components", "schemas"] else None


def deref(root: Any, node: Any, pointer: str = "", *, lenient: bool = False) -> tuple[Any, str]:
    """Follow the local `$ref` chain from `node` (found at `pointer`): the target and its pointer.

    A chain that is remote, cyclic or dangling gives None (with the pointer where it broke),
    or with `lenient` the last node reached, for readers that always want a node back.

    >>> doc = {"a": {"$ref": "#/b"}, "b": {"x": 1}, "c": {"$ref": "#/nope"}}
    >>> deref(doc, doc["a"], "/a"), deref(doc, doc["c"], "/c")
    (({'x': 1}, '/b'), (None, '/nope'))
    """
    seen = {pointer}
    for _ in range(MAX_HOPS):
        ref = node.get("$ref") if isinstance(node, Mapping) else None
        if not isinstance(ref, str):
            return node, pointer
        target = ref_pointer(ref)
        if target is None or target in seen:
            break
        seen.add(target)
        found = resolve_pointer(root, target)
        if found is None:
            return (node, pointer) if lenient else (None, target)
        node, pointer = found, target
    return (node, pointer) if lenient else (None, pointer)


def deref_pointer(root: Any, pointer: str) -> tuple[Any, str]:
    """The node at `pointer` with its `$ref` chain followed as far as it resolves (`lenient`).

    >>> deref_pointer({"a": {"$ref": "#/b"}, "b": 1}, "/a")
    (1, '/b')
    """
    return deref(root, resolve_pointer(root, pointer), pointer, lenient=True)


def copy_path(root: dict[str, Any], pointer: str, copied: set[int]) -> Any:
    """The container at `pointer` in `root`, it and each one on the way replaced by a copy.

    For a changed document that shares everything else with the original: `root` is already
    a copy, and `copied` holds the ids of the copies made so far (each is made once). None
    when the place is not a container.

    >>> doc = {"a": {"b": {"c": 1}}, "x": {"y": 2}}
    >>> new = dict(doc); copy_path(new, "/a/b", {id(new)})["c"] = 9
    >>> doc["a"]["b"]["c"], new["a"]["b"]["c"], new["x"] is doc["x"]
    (1, 9, True)
    """
    node: Any = root
    for token in split_pointer(pointer):
        if isinstance(node, dict) and isinstance(node.get(token), (dict, list)):
            key: Any = token
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            key = int(token)
        else:
            return None
        child = node[key]
        if not isinstance(child, (dict, list)):
            return None
        if id(child) not in copied:
            child = dict(child) if isinstance(child, dict) else list(child)
            copied.add(id(child))
            node[key] = child
        node = child
    return node


@dataclass(frozen=True)
class Target:
    """A followable reference: a real file path (None for "this file") and a pointer."""

    file: Path | None
    pointer: str


@dataclass(frozen=True)
class Refused:
    """A reference we will not follow, with the rule and message to report."""

    rule: str
    message: str


def parse_ref(ref: str, base_dir: Path, root_dir: Path) -> Target | Refused:
    """Decide where `ref` (found in a file inside `base_dir`) points, before reading anything.

    The confinement rule: only relative files inside `root_dir` (the entry contract's folder,
    symlinks resolved) are followed; URLs of any scheme and absolute or escaping paths are
    refused.
    """
    file_part, _, fragment = ref.partition("#")
    pointer = unquote(fragment)
    if pointer and not pointer.startswith("/"):
        return Refused(
            "unresolved-ref", f"$ref {quote(ref)}: only JSON pointer fragments are supported"
        )
    if not file_part:
        return Target(None, pointer)
    parts = urlsplit(file_part)
    if parts.scheme or parts.netloc:
        what = "file: URLs" if parts.scheme.lower() == "file" else "remote references"
        return Refused("ref-remote", f"$ref {quote(ref)} refused: {what} are not followed")
    relative = unquote(parts.path)
    if os.path.isabs(relative) or relative.startswith("\\"):
        return Refused(
            "ref-outside-root", f"$ref {quote(ref)} refused: absolute paths are not followed"
        )
    try:
        resolved = (base_dir / relative).resolve()
    except (OSError, ValueError, RuntimeError):
        return Refused("unresolved-ref", f"$ref {quote(ref)}: not a usable file path")
    if not resolved.is_relative_to(root_dir):
        message = f"$ref {quote(ref)} refused: it resolves outside the contract's folder"
        return Refused("ref-outside-root", message)
    return Target(resolved, pointer)
