"""format_files: ruff over a generated file set (fix, then format), with settings of our own."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ruff.__main__ import find_ruff_bin

# The same rule families as the project's own lint; generated code must pass them as is.
SELECT = "E,F,W,I,B,UP,SIM,RUF"
# Long literals from the contract cannot be wrapped; ambiguous-character rules would flag
# the designer's own prose (an en dash in a description is not a bug).
IGNORE = "E501,RUF001,RUF002,RUF003"
LINE_LENGTH = "100"


class FormatError(RuntimeError):
    """ruff could not process the generated code (a generator bug: the code does not parse)."""


def _ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_ruff_bin(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def format_files(files: Mapping[str, str]) -> dict[str, str]:
    """Return `files` with every `.py` file fixed and formatted by ruff; others unchanged."""
    python = {name: text for name, text in files.items() if name.endswith(".py")}
    if not python:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="specfirst-fmt-") as tmp:
        root = Path(tmp)
        for name, text in python.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        common = [
            "--isolated",
            "--no-cache",
            f"--line-length={LINE_LENGTH}",
            "--target-version=py311",
        ]
        check = _ruff(
            "check",
            *common,
            f"--select={SELECT}",
            f"--ignore={IGNORE}",
            "--fix",
            "--exit-zero",
            "--quiet",
            ".",
            cwd=root,
        )
        if check.returncode != 0:
            raise FormatError(check.stderr.strip()[:2000])
        formatted = _ruff("format", *common, "--quiet", ".", cwd=root)
        if formatted.returncode != 0:
            raise FormatError(formatted.stderr.strip()[:2000])
        out = dict(files)
        for name in python:
            out[name] = (root / name).read_text(encoding="utf-8")
        return out


def sort_imports(files: Mapping[str, str], *, first_party: str) -> dict[str, str]:
    """`files` with their import blocks sorted by ruff's isort (I001), nothing else touched.

    `first_party` (the generated package's top-level name) sorts as the project's own code.
    """
    with tempfile.TemporaryDirectory(prefix="specfirst-isort-") as tmp:
        root = Path(tmp)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        subprocess.run(
            [
                find_ruff_bin(),
                "check",
                "--isolated",
                "--no-cache",
                "--quiet",
                "--fix",
                "--exit-zero",
                "--select=I001",
                f"--line-length={LINE_LENGTH}",
                f"--config=lint.isort.known-first-party = [{first_party!r}]",
                ".",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        return {name: (root / name).read_text(encoding="utf-8") for name in files}
