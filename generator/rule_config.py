"""Configurable findings: `[tool.specfirst.rules]` in pyproject.toml and `x-specfirst-ignore`.

    [tool.specfirst.rules]
    missing-operation-id = "off"          # any rule id: "error", "warning" or "off"
    default-mismatch = "error"

    [[tool.specfirst.rules.override]]     # for JSON pointers matching a glob; the last wins
    pointer = "/paths/~1legacy*/**"       # `*` within a segment, `**` any number of segments
    rules = { ambiguous-path = "off" }

In the contract, `x-specfirst-ignore: [rule-id, ...]` on any node silences those rules for
that node and below. Errors of a rule generation cannot go past (`Rule.blocks`) stay errors:
the configuration refuses to lower them, and an inline ignore of one is reported. Silenced
findings are counted (`validate`'s summary line says `3 silenced`).
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Level, Location
from generator.spec.catalogue import diagnostic, rule_of
from generator.spec.pointers import join_pointer, split_pointer

IGNORE_KEY = "x-specfirst-ignore"
SEVERITIES: dict[str, Level | None] = {"error": Level.ERROR, "warning": Level.WARNING, "off": None}
OFF = "off"


@dataclass(frozen=True)
class Override:
    """Severities for the findings whose pointer matches `pointer` (a glob)."""

    pointer: str
    severities: Mapping[str, str]

    def matches(self, pointer: str) -> bool:
        """Whether a finding's JSON pointer matches the glob.

        >>> Override("/paths/~1legacy*/**", {}).matches("/paths/~1legacy~1a/get/responses")
        True
        """
        return _match(split_pointer(self.pointer), split_pointer(pointer))


@dataclass(frozen=True)
class RuleConfig:
    """`[tool.specfirst.rules]`: a severity per rule id, then overrides for pointer globs."""

    severities: Mapping[str, str] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()

    def severity(self, rule: str, pointer: str) -> str | None:
        """The configured severity of a finding, or None when nothing is configured for it."""
        chosen = _find(self.severities, rule)
        for override in self.overrides:
            if override.matches(pointer):
                chosen = _find(override.severities, rule) or chosen
        return chosen


def _find(severities: Mapping[str, str], rule: str) -> str | None:
    return severities.get(rule) or severities.get(rule_of(rule).id)


def _match(glob: list[str], tokens: list[str]) -> bool:
    if not glob:
        return not tokens
    if glob[0] == "**":
        return any(_match(glob[1:], tokens[i:]) for i in range(len(tokens) + 1))
    return bool(tokens) and fnmatchcase(tokens[0], glob[0]) and _match(glob[1:], tokens[1:])


def glob_problem(pointer: object) -> str | None:
    """Why `pointer` is no JSON-pointer glob, or None.

    >>> glob_problem("paths/x"), glob_problem("/a/b**"), glob_problem("/a/**")
    ("it must start with '/'", "'**' must be a whole segment", None)
    """
    if not isinstance(pointer, str):
        return "it must be a string"
    if pointer and not pointer.startswith("/"):
        return "it must start with '/'"
    for segment in split_pointer(pointer):
        if "**" in segment and segment != "**":
            return "'**' must be a whole segment"
        if segment.count("[") != segment.count("]"):
            return "a '[' has no matching ']'"
    return None


def rule_config_for(contract: Path) -> tuple[RuleConfig, list[Diagnostic]]:
    """The rule configuration of the nearest pyproject.toml above `contract`, and its errors."""
    for folder in contract.resolve().parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            stat = candidate.stat()
            return _read(candidate, stat.st_mtime_ns, stat.st_size)
    return RuleConfig(), []


@functools.lru_cache(maxsize=8)
def _read(pyproject: Path, _mtime: int, _size: int) -> tuple[RuleConfig, list[Diagnostic]]:
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return RuleConfig(), []  # a broken pyproject.toml is not ours to report
    section = data.get("tool", {}).get("specfirst", {}).get("rules", {})
    return read_rule_config(section, pyproject, text)


def read_rule_config(
    section: Any, pyproject: Path, text: str
) -> tuple[RuleConfig, list[Diagnostic]]:
    """`[tool.specfirst.rules]` as a `RuleConfig`, and each mistake located in `pyproject`."""
    problems: list[Diagnostic] = []

    def problem(message: str, needle: str) -> None:
        where = _locate(pyproject, text, needle)
        problems.append(diagnostic("rule-config", message, "", where))

    if not isinstance(section, dict):
        problem("[tool.specfirst.rules] must be a table", "[tool.specfirst.rules")
        return RuleConfig(), problems
    raw_overrides = section.get("override", [])
    severities = _severities({k: v for k, v in section.items() if k != "override"}, problem)
    overrides: list[Override] = []
    for entry in raw_overrides if isinstance(raw_overrides, list) else [raw_overrides]:
        if not isinstance(entry, dict) or not isinstance(entry.get("rules"), dict):
            problem("each [[tool.specfirst.rules.override]] needs pointer and rules", "override")
            continue
        why = glob_problem(entry.get("pointer", ""))
        if why is not None:
            glob = entry.get("pointer")
            problem(f"invalid pointer glob {glob!r}: {why}", str(glob))
            continue
        overrides.append(Override(entry.get("pointer", ""), _severities(entry["rules"], problem)))
    return RuleConfig(severities, tuple(overrides)), problems


def _severities(entries: Mapping[str, Any], problem: Any) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for rule_id, severity in entries.items():
        try:
            rule = rule_of(str(rule_id))
        except KeyError:
            problem(f"unknown rule id {rule_id!r} (docs/diagnostics.md lists them)", rule_id)
            continue
        if severity not in SEVERITIES:
            problem(f"{rule_id}: severity must be error, warning or off, not {severity!r}", rule_id)
        elif severity != "error" and not rule.lowerable and rule.levels == (Level.ERROR,):
            problem(
                f"{rule_id} cannot be set to {severity}: generation cannot go on past it "
                f"({rule.blocks}); fix the contract instead",
                rule_id,
            )
        else:
            chosen[str(rule_id)] = str(severity)
    return chosen


def _locate(pyproject: Path, text: str, needle: str) -> Location:
    """The first place `needle` appears in the rules section (else the section's header)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "tool.specfirst.rules" in line), 0)
    for number in range(start, len(lines)):
        column = lines[number].find(needle)
        if column >= 0:
            return Location(str(pyproject), number + 1, column + 1)
    return Location(str(pyproject), start + 1, 1)


def apply_rules(
    found: list[Diagnostic], config: RuleConfig, root: Any, locate: Any = None
) -> tuple[list[Diagnostic], int]:
    """`found` with configured severities and inline ignores applied; and how many were silenced.

    `locate` (a pointer -> Location function) places findings about `x-specfirst-ignore`.
    """
    ignores = dict(_ignores(root, ""))
    kept: list[Diagnostic] = []
    silenced = 0
    for d in found:
        severity = OFF if _ignored(d, ignores) else config.severity(d.rule, d.pointer)
        level = d.level if severity is None else SEVERITIES[severity]
        if d.is_error and level is not Level.ERROR and not rule_of(d.rule).lowerable:
            level = Level.ERROR  # generation cannot go past it, whatever the configuration says
        if level is None:
            silenced += 1
        else:
            kept.append(d if level is d.level else dataclasses.replace(d, level=level))
    return [*kept, *_unknown_ignores(ignores, locate)], silenced


def _ignored(d: Diagnostic, ignores: Mapping[str, list[str]]) -> bool:
    tokens = split_pointer(d.pointer)
    for end in range(len(tokens) + 1):
        ids = ignores.get(join_pointer("", *tokens[:end]), ())
        if d.rule in ids or rule_of(d.rule).id in ids:
            return True
    return False


def _ignores(node: Any, pointer: str) -> Iterator[tuple[str, list[str]]]:
    """(pointer, rule ids) of every `x-specfirst-ignore` in the document."""
    if isinstance(node, dict):
        listed = node.get(IGNORE_KEY)
        if listed is not None:
            yield pointer, [str(i) for i in listed] if isinstance(listed, list) else [str(listed)]
        for key, value in node.items():
            if key != IGNORE_KEY and isinstance(value, (dict, list)):
                yield from _ignores(value, join_pointer(pointer, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _ignores(value, join_pointer(pointer, index))


def _unknown_ignores(ignores: Mapping[str, list[str]], locate: Any) -> list[Diagnostic]:
    out = []
    for pointer, ids in ignores.items():
        for index, rule_id in enumerate(ids):
            try:
                rule_of(rule_id)
            except KeyError:
                at = join_pointer(pointer, IGNORE_KEY, index)
                message = f"{IGNORE_KEY} names unknown rule id {rule_id!r}; it silences nothing"
                where = locate(at) if locate is not None else None
                out.append(diagnostic("rule-config", message, at, where, level=Level.WARNING))
    return out
