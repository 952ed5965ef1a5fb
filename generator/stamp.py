"""The `.specfirst` stamp in each generated package: what it was made from, to skip needless work.

Regenerating an unchanged contract should cost about as much as reading it: the stamp records
the hashes of every input file (the contract and the files it references) and of every file
written. The generator's own fingerprint goes to a separate, untracked file (`.specfirst-generator`,
git-ignored), since it depends on the installed specfirst: a fresh checkout or another version
regenerates (and rewrites nothing when the output is the same). When everything matches,
generation is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

STAMP = ".specfirst"
GENERATOR_STAMP = ".specfirst-generator"
GENERATOR = Path(__file__).parent


def digest(data: bytes) -> str:
    """Short, stable content hash."""
    return hashlib.sha256(data).hexdigest()[:32]


@functools.cache
def generator_fingerprint() -> str:
    """Hash of the generator's own code and templates: a new specfirst regenerates everything."""
    hasher = hashlib.sha256()
    for path in sorted(GENERATOR.rglob("*")):
        if path.suffix in {".py", ".jinja"} and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(GENERATOR).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()[:32]


@dataclass(frozen=True)
class Stamp:
    """What one generation consumed and produced."""

    label: str
    inputs: Mapping[str, str]  # path relative to the package folder -> digest
    files: Mapping[str, str]  # generated file -> digest

    def to_text(self) -> str:
        data = {
            "label": self.label,
            "inputs": dict(sorted(self.inputs.items())),
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=1) + "\n"


def make_stamp(root: Path, label: str, inputs: Iterable[Path], files: Mapping[str, str]) -> Stamp:
    """A stamp for `files` written under `root` from the `inputs` files."""
    hashed = {os.path.relpath(p, root).replace(os.sep, "/"): digest(p.read_bytes()) for p in inputs}
    return Stamp(label, hashed, {n: digest(t.encode()) for n, t in files.items()})


def read_stamp(root: Path) -> Stamp | None:
    """The stamp of a previous generation, or None (absent, old format or unreadable)."""
    try:
        data = json.loads((root / STAMP).read_text(encoding="utf-8"))
        return Stamp(str(data["label"]), dict(data["inputs"]), dict(data["files"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def up_to_date(root: Path, label: str) -> bool:
    """True when inputs, generator and every generated file still match the stamp."""
    stamp = read_stamp(root)
    if stamp is None or stamp.label != label:
        return False
    try:
        if (root / GENERATOR_STAMP).read_text(encoding="utf-8").strip() != generator_fingerprint():
            return False
        for name, expected in stamp.inputs.items():
            if digest((root / name).read_bytes()) != expected:
                return False
        for name, expected in stamp.files.items():
            if digest((root / name).read_bytes()) != expected:
                return False
    except OSError:
        return False
    return True
