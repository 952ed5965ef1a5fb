"""Reading one contract file from disk, within limits, into a `Parsed` (never raises)."""

from __future__ import annotations

import codecs
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Location
from generator.spec.json_source import parse_json
from generator.spec.source import Parsed, error, failed
from generator.spec.yaml_source import parse_yaml

# Checked longest first: a UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class LoadLimits:
    """Bounds that keep a hostile or runaway contract from exhausting time or memory."""

    max_bytes: int = 32 * 1024 * 1024  # GitHub's description is 13 MB (2026)
    max_nodes: int = 2_000_000  # expanded nodes, aliases counted at every use
    max_depth: int = 128  # nesting of mappings and sequences
    max_files: int = 200


def is_json(display: str) -> bool:
    """True when a file is read as strict JSON rather than YAML (by its suffix)."""
    return display.lower().endswith(".json")


def read_source(path: Path, display: str, limits: LoadLimits) -> Parsed:
    """Read, decode and parse one file; problems come back as diagnostics."""
    where = Location(display, 1, 1)
    try:
        info = path.stat()
    except FileNotFoundError:
        return failed(display, error("io-error", "file not found", where))
    except OSError as exc:
        return failed(display, error("io-error", f"cannot read file: {exc.strerror}", where))
    if stat.S_ISDIR(info.st_mode):
        return failed(display, error("io-error", "is a directory, not a file", where))
    if not stat.S_ISREG(info.st_mode):
        return failed(display, error("io-error", "not a regular file", where))
    if info.st_size > limits.max_bytes:
        return failed(display, _too_large(display, info.st_size, limits))
    try:
        with path.open("rb") as handle:
            # Read what stat promised plus one byte, so a small file never costs a big buffer;
            # a file that grew meanwhile is read on up to the limit.
            raw = handle.read(info.st_size + 1)
            if len(raw) > info.st_size:
                raw += handle.read(limits.max_bytes + 1 - len(raw))
    except OSError as exc:
        return failed(display, error("io-error", f"cannot read file: {exc.strerror}", where))
    if len(raw) > limits.max_bytes:
        return failed(display, _too_large(display, len(raw), limits))
    text = _decode(raw, display)
    if isinstance(text, Location):
        rule = "json-syntax" if is_json(display) else "yaml-syntax"
        return failed(display, error(rule, "the file is not valid UTF-8 text", text))
    parse = parse_json if is_json(display) else parse_yaml
    return parse(text, display, max_nodes=limits.max_nodes, max_depth=limits.max_depth)


def _too_large(display: str, size: int, limits: LoadLimits) -> Diagnostic:
    message = f"file is {size} bytes, over the {limits.max_bytes}-byte limit"
    return error("too-large", message, Location(display, 1, 1))


def _decode(raw: bytes, display: str) -> str | Location:
    """The text of a file (UTF-8 unless a BOM says otherwise), or where decoding failed."""
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return Location(display, line, column)
