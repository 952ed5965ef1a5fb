"""write_files: the only module that writes generated code to disk (changed files only)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.stamp import GENERATOR_STAMP, STAMP, Stamp, generator_fingerprint, read_stamp


class UnsafePath(ValueError):
    """A generated file name would land outside the output folder."""


@dataclass
class WriteReport:
    """What a write (or a dry-run check) changed."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def safe_target(root: Path, relative: str) -> Path:
    """`root/relative`, refusing anything that is not a plain relative path inside `root`."""
    pure = PurePosixPath(relative)
    if (
        not relative
        or pure.is_absolute()
        or any(part in {"", ".", ".."} for part in pure.parts)
        or "\\" in relative
        or "\x00" in relative
        or ":" in relative
    ):
        raise UnsafePath(relative)
    target = (root / Path(*pure.parts)).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafePath(relative)
    return target


def _previous(root: Path) -> set[str]:
    stamp = read_stamp(root)
    return set(stamp.files) if stamp else set()


def write_files(
    root: Path, files: Mapping[str, str], *, check: bool = False, stamp: Stamp | None = None
) -> WriteReport:
    """Make `root` hold exactly `files`: rewrite changed ones, remove ones we wrote before.

    With `check=True` nothing is touched and the report carries unified diffs instead; the
    `stamp` (what the files were made from) is written last, so an interrupted run redoes all.
    """
    report = WriteReport()
    targets = {name: safe_target(root, name) for name in sorted(files)}
    for name, target in targets.items():
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if old == files[name]:
            report.unchanged.append(name)
            continue
        report.written.append(name)
        if check:
            report.diffs.append(_diff(name, old or "", files[name]))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(files[name], encoding="utf-8", newline="\n")
            os.replace(tmp, target)
    stale = sorted(_previous(root) - set(files))
    for name in stale:
        try:
            target = safe_target(root, name)
        except UnsafePath:
            continue
        if target.is_file():
            report.removed.append(name)
            if check:
                report.diffs.append(_diff(name, target.read_text(encoding="utf-8"), ""))
            else:
                target.unlink()
    if not check and stamp is not None:
        text = stamp.to_text()
        marker = root / STAMP
        if not marker.is_file() or marker.read_text(encoding="utf-8") != text:
            marker.write_text(text, encoding="utf-8")
        (root / GENERATOR_STAMP).write_text(generator_fingerprint() + "\n", encoding="utf-8")
    return report


def _diff(name: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )
