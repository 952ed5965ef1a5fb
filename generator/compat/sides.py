"""Where a side of a diff comes from: a file, or `git:REF:path` read from a git revision.

A git side is materialised in a temporary folder with the same layout as the repository:
the entry file from `git cat-file`, then every file its `$ref`s name (found by a textual
scan, followed recursively), so multi-file contracts bundle exactly as they would on disk.
Paths are taken relative to the repository root (`./x` and `../x` relative to the working
directory, as git does); anything that resolves outside the repository is refused.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from generator.compat.changes import Change
from generator.diagnostics import Location

GIT_PREFIX = "git:"
MAX_FILES = 200
TIMEOUT = 60
_REF_VALUE = re.compile(r"""["']?\$ref["']?\s*:\s*["']?([^"'#\s,}\]]*)""")


class SideError(Exception):
    """A side cannot be read (not a repository, unknown revision, path outside the repo...)."""


@dataclass(frozen=True)
class Side:
    """A contract to load (`path`) and how its files are named in messages.

    `prefix` is the folder the loader sees (a temporary one for git sides); file names that
    start with it are shown as `label` + the rest, e.g. `git:origin/main:specs/users.yaml`.
    """

    argument: str
    path: Path
    prefix: str = ""
    label: str = ""

    def shown(self, location: Location | None) -> Location | None:
        """`location` with a temporary file name replaced by the side's label."""
        if location is None or not self.prefix or not location.file.startswith(self.prefix):
            return location
        return replace(location, file=self.label + location.file[len(self.prefix) :])


def relabel(changes: list[Change], old: Side, new: Side) -> list[Change]:
    """Changes with file names as the user knows them (`git:REF:path` for git sides)."""
    return [replace(c, old=old.shown(c.old), new=new.shown(c.new)) for c in changes]


def is_git(argument: str) -> bool:
    """True for `git:REF:path` (unless a file really has that name)."""
    return argument.startswith(GIT_PREFIX) and not Path(argument).exists()


@contextmanager
def open_side(argument: str, cwd: Path | None = None) -> Iterator[Side]:
    """The side named by `argument`; a git side's temporary folder lives as long as the block."""
    if not is_git(argument):
        yield Side(argument, Path(argument))
        return
    ref, _, path = argument[len(GIT_PREFIX) :].partition(":")
    if not ref or not path:
        raise SideError(f"{argument!r}: expected git:REF:path, e.g. git:origin/main:specs/api.yaml")
    if ref.startswith("-"):
        raise SideError(f"{argument!r}: a revision cannot start with '-'")
    here = (cwd or Path.cwd()).resolve()
    top = Path(_git(here, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    commit = _commit(here, ref)
    entry = _in_repo(top, here, path, argument)
    with tempfile.TemporaryDirectory(prefix="specfirst-diff-") as temporary:
        folder = Path(temporary)
        _materialise(here, commit, entry, folder, argument)
        yield Side(argument, folder / entry, str(folder) + "/", f"{GIT_PREFIX}{ref}:")


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise SideError("git is not installed (needed for git:REF:path)") from None
    except subprocess.TimeoutExpired:
        raise SideError(f"git {args[0]} took longer than {TIMEOUT} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise SideError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def _commit(cwd: Path, ref: str) -> str:
    try:
        return _git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except SideError:
        raise SideError(f"unknown git revision {ref!r}") from None


def _in_repo(top: Path, here: Path, path: str, argument: str) -> str:
    """The entry's path relative to the repository root (POSIX), refusing escapes."""
    if path.startswith(("./", "../")) or path in {".", ".."}:
        absolute = Path(posixpath.normpath((here / path).as_posix()))
        if not absolute.is_relative_to(top):
            raise SideError(f"{argument!r}: the path is outside the repository")
        path = absolute.relative_to(top).as_posix()
    normal = posixpath.normpath(path)
    if posixpath.isabs(normal) or normal == ".." or normal.startswith("../") or normal == ".":
        raise SideError(f"{argument!r}: the path is outside the repository")
    return normal


def _materialise(cwd: Path, commit: str, entry: str, folder: Path, argument: str) -> None:
    """Write the entry file and the files its `$ref`s reach (within its folder) under `folder`."""
    base = posixpath.dirname(entry)
    queue, seen = [entry], {entry}
    while queue:
        current = queue.pop()
        try:
            data = _git(cwd, "cat-file", "blob", f"{commit}:{current}")
        except SideError:
            if current == entry:
                raise SideError(f"{argument!r}: no such file at that revision") from None
            continue  # the loader reports the unresolved $ref with its location
        target = folder / current
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        for found in referenced(data.decode("utf-8", errors="replace"), current):
            inside = not base or found.startswith(base + "/")
            if inside and found not in seen and len(seen) < MAX_FILES:
                seen.add(found)
                queue.append(found)


def referenced(text: str, current: str) -> list[str]:
    """Repository paths of the files named by `$ref`s in `text` (a file at `current`).

    >>> referenced('{"$ref": "schemas/user.yaml#/User"}, $ref: "../x.json"', "specs/api.yaml")
    ['specs/schemas/user.yaml', 'x.json']
    """
    found: list[str] = []
    folder = posixpath.dirname(current)
    for value in _REF_VALUE.findall(text):
        value = unquote(value)
        if not value or "://" in value or value.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(folder, value))
        if not path.startswith("../") and path != ".." and path not in found:
            found.append(path)
    return found
