"""The writer: only changed files are rewritten, stale ones removed, nothing lands outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.stamp import make_stamp
from generator.write import UnsafePath, safe_target, write_files


def _write(root: Path, files: dict[str, str], check: bool = False):  # type: ignore[no-untyped-def]
    return write_files(root, files, check=check, stamp=make_stamp(root, "c.yaml", [], files))


def test_rewrites_only_changed_files_and_removes_stale_ones(tmp_path: Path) -> None:
    first = _write(tmp_path, {"a.py": "1\n", "routers/b.py": "2\n", "old.py": "x\n"})
    assert sorted(first.written) == ["a.py", "old.py", "routers/b.py"]
    mtime = (tmp_path / "a.py").stat().st_mtime_ns
    second = _write(tmp_path, {"a.py": "1\n", "routers/b.py": "3\n"})
    assert second.written == ["routers/b.py"]
    assert second.unchanged == ["a.py"]
    assert second.removed == ["old.py"]
    assert not (tmp_path / "old.py").exists()
    assert (tmp_path / "a.py").stat().st_mtime_ns == mtime


def test_files_not_written_by_us_are_never_removed(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("hand written\n")
    _write(tmp_path, {"a.py": "1\n"})
    _write(tmp_path, {"b.py": "1\n"})
    assert (tmp_path / "mine.py").read_text() == "hand written\n"
    assert not (tmp_path / "a.py").exists()


def test_check_mode_touches_nothing_and_reports_diffs(tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": "1\n"})
    report = _write(tmp_path, {"a.py": "2\n", "new.py": "n\n"}, check=True)
    assert report.changed
    assert (tmp_path / "a.py").read_text() == "1\n"
    assert not (tmp_path / "new.py").exists()
    assert any("-1" in d and "+2" in d for d in report.diffs)


@pytest.mark.parametrize(
    "name",
    [
        "../escape.py",
        "/etc/passwd",
        "a/../../b.py",
        "",
        "a\\..\\b.py",
        "nul\x00.py",
        "C:evil.py",
    ],
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafePath):
        safe_target(tmp_path, name)
    with pytest.raises(UnsafePath):
        write_files(tmp_path / "out", {name: "x"})
    assert list(tmp_path.rglob("*")) == [] or not any(p.is_file() for p in tmp_path.rglob("*"))


def test_symlinked_folder_cannot_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "routers").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        write_files(root, {"routers/x.py": "x"})
    assert list(outside.iterdir()) == []
