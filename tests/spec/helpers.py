"""Test helpers: build a `Spec` from inline YAML, with real line numbers, without the loader.

Positions follow the loader's convention: a mapping entry is located at its key, a list item
at the item itself, the root at 1:1.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Location
from generator.spec.document import SourceMap, Spec
from generator.spec.pointers import join_pointer
from generator.spec.validate import validate_spec

NAME = "specs/x.yaml"


def positions(text: str, name: str = NAME) -> dict[str, Location]:
    """Every JSON pointer of a YAML document mapped to where it is written."""
    found: dict[str, Location] = {"": Location(name, 1, 1)}
    top = yaml.compose(text, Loader=yaml.SafeLoader)
    stack: list[tuple[str, yaml.Node]] = [("", top)] if top is not None else []
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = join_pointer(pointer, str(key.value))
                found[child] = Location(name, key.start_mark.line + 1, key.start_mark.column + 1)
                stack.append((child, value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = join_pointer(pointer, i)
                found[child] = Location(name, item.start_mark.line + 1, item.start_mark.column + 1)
                stack.append((child, item))
    return found


def spec_from_yaml(text: str, name: str = NAME) -> Spec:
    """A Spec whose root is `text` parsed (dedented) and whose locations are real."""
    text = textwrap.dedent(text)
    table = positions(text, name)
    source_map = SourceMap()
    source_map.mount("", "", table.get)
    root: Any = yaml.safe_load(text)
    return Spec(path=Path(name), root=root, source_map=source_map)


def spec_from_data(root: Any, name: str = NAME) -> Spec:
    """A Spec with no positions (everything locates at 1:1)."""
    return Spec(path=Path(name), root=root, source_map=SourceMap())


def load_file(path: Path) -> Any:
    """Parse a corpus file the fast way (YAML or JSON)."""
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=yaml.CSafeLoader)


def validate_yaml(text: str) -> list[Diagnostic]:
    """Validate an inline YAML contract."""
    return validate_spec(spec_from_yaml(text))


def summary(found: list[Diagnostic]) -> list[tuple[str, str, str, int]]:
    """(rule, level, pointer, line) of each finding, in order."""
    return [(d.rule, d.level.value, d.pointer, d.location.line if d.location else 0) for d in found]


def rules(found: list[Diagnostic]) -> list[str]:
    """Rule ids, in order."""
    return [d.rule for d in found]


BASE = """\
openapi: 3.0.3
info:
  title: Test
  version: "1.0"
"""


def doc(body: str, version: str = "3.0.3") -> str:
    """A contract: the standard header for `version` followed by `body` (dedented)."""
    header = BASE.replace("3.0.3", version)
    return header + textwrap.dedent(body)
